# syntax=docker/dockerfile:1
# One image for every Linli service: the chart runs `node apps/<service>/dist/main.js` in /app
# (and `node tools/migrate.mjs --service <service>` in its migration Jobs).
#   docker build -t ghcr.io/linli/linli:0.1.0 .
# /app holds exactly what `npm run image:context` lays out: compiled apps and libs, migrations,
# the migration tool, and production dependencies only (`npm ci --omit=dev`), no sources.
ARG NODE_IMAGE=node:22-bookworm-slim

# ---- build: full install, Prisma clients, type-checked build, then the pruned image context
FROM ${NODE_IMAGE} AS build
WORKDIR /src
ENV NX_DAEMON=false NX_NO_CLOUD=true
COPY . .
RUN npm ci --no-audit --no-fund \
 && node tools/image-context.mjs --out /image

# ---- runtime: the context only, owned by root and read-only for the service user
FROM ${NODE_IMAGE} AS runtime
ENV NODE_ENV=production
WORKDIR /app
COPY --from=build /image /app
# uid/gid 1000 is the official image's `node` user, the one the chart's securityContext runs as.
USER 1000:1000
EXPOSE 3000 9090
CMD ["node", "apps/gateway/dist/main.js"]
