import { currentTraceId, extractTraceContext, initTelemetry, inSpan, injectTraceContext, type Telemetry } from './telemetry.js';

/** Tracing with no exporter configured (how a service runs unless OTEL_EXPORTER_OTLP_ENDPOINT is set). */
let telemetry: Telemetry;

beforeAll(() => {
  telemetry = initTelemetry({ serviceName: 'nest-kit-test' });
});

afterAll(async () => {
  await telemetry.shutdown();
});

function headers(): { values: Map<string, string>; get(key: string): string | undefined; set(key: string, value: string): void } {
  const values = new Map<string, string>();
  return { values, get: (key) => values.get(key), set: (key, value) => void values.set(key, value) };
}

describe('tracing without an exporter', () => {
  it('records no span, yet gives each trace an id that nested spans, logs and headers share', async () => {
    const carrier = headers();
    const seen = await inSpan('outer', {}, async (outer) => {
      expect(outer.isRecording()).toBe(false);
      const traceId = outer.spanContext().traceId;
      expect(traceId).toMatch(/^[0-9a-f]{32}$/);
      expect(traceId).not.toBe('0'.repeat(32));
      expect(currentTraceId()).toBe(traceId);
      // Inside a trace no new span is made (nothing would keep it): the same trace, the same span.
      const inner = await inSpan('inner', {}, async (span) => span.spanContext());
      expect(inner).toEqual(outer.spanContext());
      injectTraceContext(carrier);
      return traceId;
    });
    expect(carrier.values.get('traceparent')).toMatch(new RegExp(`^00-${seen}-[0-9a-f]{16}-00$`));
    // The next service continues the same trace from the header.
    const continued = await inSpan('remote', { parent: extractTraceContext(carrier) }, async (span) => span.spanContext().traceId);
    expect(continued).toBe(seen);
    // A remote parent given explicitly is the context the work runs in.
    const active = await inSpan('remote', { parent: extractTraceContext(carrier) }, async () => currentTraceId());
    expect(active).toBe(seen);
  });

  it('still reports failures of the work, span or no span', async () => {
    await expect(inSpan('root', {}, () => inSpan('child', {}, async () => Promise.reject(new Error('boom'))))).rejects.toThrow('boom');
  });

  it('starts a new trace id for each trace', async () => {
    const ids = await Promise.all([1, 2, 3].map(() => inSpan('root', {}, async (span) => span.spanContext().traceId)));
    expect(new Set(ids).size).toBe(3);
  });
});
