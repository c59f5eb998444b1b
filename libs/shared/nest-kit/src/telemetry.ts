import {
  context,
  propagation,
  trace,
  SpanKind,
  SpanStatusCode,
  type Context,
  type Span,
  type Tracer,
} from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { resourceFromAttributes } from '@opentelemetry/resources';
import {
  AlwaysOffSampler,
  BatchSpanProcessor,
  SimpleSpanProcessor,
  type SpanExporter,
  type SpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';

export interface TelemetryOptions {
  serviceName: string;
  /** OTLP/HTTP endpoint (e.g. http://otel-collector:4318); spans are exported there when set. */
  otlpEndpoint?: string;
  /** Extra exporter, e.g. an in-memory exporter in tests; exported synchronously. */
  exporter?: SpanExporter;
}

export interface Telemetry {
  shutdown(): Promise<void>;
  forceFlush(): Promise<void>;
}

/** The process's tracing; `recording` is false when spans have nowhere to go. */
let active: { provider: NodeTracerProvider; serviceName: string; recording: boolean } | undefined;

/**
 * Sets up tracing for one process: W3C trace context, async-local context, and the exporters
 * asked for. Without an exporter spans are not recorded, but their context (trace id) is still
 * created and carried across NATS.
 */
export function initTelemetry(options: TelemetryOptions): Telemetry {
  if (active) return { shutdown: async () => undefined, forceFlush: () => active!.provider.forceFlush() };
  const spanProcessors: SpanProcessor[] = [];
  if (options.otlpEndpoint) {
    spanProcessors.push(
      new BatchSpanProcessor(new OTLPTraceExporter({ url: `${options.otlpEndpoint.replace(/\/$/, '')}/v1/traces` }), { scheduledDelayMillis: 1000 }),
    );
  }
  if (options.exporter) spanProcessors.push(new SimpleSpanProcessor(options.exporter));
  const provider = new NodeTracerProvider({
    resource: resourceFromAttributes({ 'service.name': options.serviceName }),
    spanProcessors,
    // With nowhere to send spans, none is recorded: each span is then only its context (trace and
    // span ids), which still travels across NATS and names the trace in logs and error envelopes.
    ...(spanProcessors.length === 0 ? { sampler: new AlwaysOffSampler() } : {}),
  });
  provider.register({ propagator: new W3CTraceContextPropagator() });
  active = { provider, serviceName: options.serviceName, recording: spanProcessors.length > 0 };
  return {
    forceFlush: () => provider.forceFlush(),
    shutdown: async () => {
      await provider.shutdown();
      trace.disable();
      propagation.disable();
      context.disable();
      active = undefined;
    },
  };
}

/** Exports the spans still buffered (called on shutdown, so a stopping service loses none). */
export async function flushTelemetry(): Promise<void> {
  await active?.provider.forceFlush();
}

export function tracer(): Tracer {
  return trace.getTracer('linli');
}

/** The current trace id, or a fresh random id when no span is active (error envelopes always carry one). */
export function currentTraceId(): string {
  const spanContext = trace.getActiveSpan()?.spanContext();
  if (spanContext && spanContext.traceId !== '00000000000000000000000000000000') return spanContext.traceId;
  return randomHex(32);
}

function randomHex(length: number): string {
  const bytes = new Uint8Array(length / 2);
  crypto.getRandomValues(bytes);
  return Buffer.from(bytes).toString('hex');
}

/** Header carrier: anything with get/set of string headers (NATS headers, plain records). */
export interface HeaderCarrier {
  get(key: string): string | undefined | null;
  set(key: string, value: string): void;
}

export function injectTraceContext(carrier: HeaderCarrier, ctx: Context = context.active()): void {
  propagation.inject(ctx, carrier, {
    set: (target, key, value) => target.set(key, value),
  });
}

export function extractTraceContext(carrier: HeaderCarrier | undefined): Context {
  if (!carrier) return context.active();
  return propagation.extract(context.active(), carrier, {
    get: (target, key) => target.get(key) ?? undefined,
    keys: () => ['traceparent', 'tracestate'],
  });
}

/** Serialises the active context into a plain record (stored with outbox rows). */
export function traceContextRecord(): Record<string, string> {
  const record: Record<string, string> = {};
  propagation.inject(context.active(), record);
  return record;
}

export function recordCarrier(record: Record<string, string>): HeaderCarrier {
  return { get: (key) => record[key], set: (key, value) => void (record[key] = value) };
}

/**
 * Runs `fn` inside a new span, recording failures; the span ends when the promise settles. When no
 * span is recorded (no exporter) and there is a trace already, `fn` runs in that trace's span: a new
 * span would only be a new id that nothing keeps. A trace still starts with a span of its own, which
 * gives it its id.
 */
export async function inSpan<T>(
  name: string,
  options: { kind?: SpanKind; attributes?: Record<string, string | number | boolean>; parent?: Context },
  fn: (span: Span) => Promise<T>,
): Promise<T> {
  const parent = options.parent ?? context.active();
  if (active && !active.recording) {
    const current = trace.getSpan(parent);
    if (current && trace.isSpanContextValid(current.spanContext())) {
      return options.parent && options.parent !== context.active() ? context.with(parent, () => fn(current)) : fn(current);
    }
  }
  return tracer().startActiveSpan(name, { kind: options.kind ?? SpanKind.INTERNAL, attributes: options.attributes }, parent, async (span) => {
    try {
      const result = await fn(span);
      return result;
    } catch (error) {
      span.setStatus({ code: SpanStatusCode.ERROR, message: error instanceof Error ? error.message : String(error) });
      if (error instanceof Error) span.recordException(error);
      throw error;
    } finally {
      span.end();
    }
  });
}

export { SpanKind };
