import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { buildOpenApi, renderOpenApi } from './openapi.js';
import { routes } from './routes/index.js';

const committedFile = fileURLToPath(new URL('../openapi.json', import.meta.url));

type Operation = { security?: unknown[]; responses: Record<string, unknown>; requestBody?: unknown; parameters: { in: string }[] };

describe('OpenAPI document', () => {
  it('is committed exactly as the route table generates it (run `npm run openapi` after changing routes)', () => {
    const committed = readFileSync(committedFile, 'utf8');
    expect(committed === renderOpenApi() ? 'up to date' : `${committedFile} is out of date: run npm run openapi`).toBe('up to date');
  });

  it('is OpenAPI 3.1 with bearer security on every non-public route and the envelope on errors', () => {
    const doc = buildOpenApi() as { openapi: string; paths: Record<string, Record<string, Operation>>; components: Record<string, Record<string, unknown>> };
    expect(doc.openapi).toBe('3.1.0');
    expect(doc.components['securitySchemes']).toHaveProperty('bearer');
    expect(doc.components['securitySchemes']).toHaveProperty('apiKey');
    expect(doc.components['schemas']).toHaveProperty('ErrorEnvelope');
    for (const route of routes) {
      const path = route.path.replace(/:(\w+)/g, '{$1}');
      const op = doc.paths[path]![route.method.toLowerCase()]!;
      const publicRoute = 'public' in route.auth;
      const partnerRoute = 'partner' in route.auth;
      expect([path, op.security]).toEqual([path, publicRoute ? [] : partnerRoute ? [{ apiKey: [] }] : [{ bearer: [] }]]);
      expect(op.responses['400']).toEqual({ $ref: '#/components/responses/BadRequest' });
      if (!publicRoute) expect(op.responses['401']).toEqual({ $ref: `#/components/responses/${partnerRoute ? 'PartnerUnauthenticated' : 'Unauthenticated'}` });
      expect(Boolean(op.requestBody)).toBe(Boolean(route.body));
    }
  });

  it('documents only the routes it is given (the served document leaves out disabled development routes)', () => {
    const doc = buildOpenApi(routes.filter((route) => !route.devOnly)) as { paths: Record<string, unknown> };
    expect(Object.keys(doc.paths)).not.toContain('/v1/dev/sms-outbox');
  });
});
