// The services of the platform and the database each one owns.
export const SERVICES = ['identity', 'orders', 'leader-ops', 'recommendations', 'communities', 'local-services'];
export const ALL_PROCESSES = ['gateway', ...SERVICES];

/**
 * `linli_<service>`; with `LINLI_DB_PREFIX=x`, `x_<service>`, so two checkouts can run `npm start`
 * against one PostgreSQL server side by side (give each its own `NATS_SUBJECT_PREFIX` and `HTTP_PORT` too).
 */
export function databaseOf(service) {
  const prefix = process.env.LINLI_DB_PREFIX ?? 'linli';
  return `${prefix}_${service.replace(/-/g, '_')}`;
}

export function databaseUrl(server, service) {
  const url = new URL(server);
  url.pathname = `/${databaseOf(service)}`;
  return url.toString();
}
