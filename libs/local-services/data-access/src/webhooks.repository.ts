import type { SqlExecutor } from '@linli/nest-kit';

export interface EndpointRow {
  id: string;
  provider_id: string;
  url: string;
  secret: string;
  events: string[];
  active: boolean;
  created_at: Date;
}

export interface DeliveryRow {
  id: string;
  endpoint_id: string;
  provider_id: string;
  event_type: string;
  payload: Record<string, unknown>;
  status: 'pending' | 'delivered' | 'failed';
  attempts: number;
  next_attempt_at: Date | null;
  delivered_at: Date | null;
  created_at: Date;
}

export interface AttemptRow {
  delivery_id: string;
  attempt: number;
  at: Date;
  status_code: number | null;
  error: string | null;
  duration_ms: number;
}

/** A delivery claimed for sending, with what signing and sending need. */
export interface ClaimedDelivery extends DeliveryRow {
  url: string;
  secret: string;
}

const ENDPOINT = `id::text, provider_id::text, url, secret, events, active, created_at`;
const DELIVERY = `id, endpoint_id::text, provider_id::text, event_type, payload, status, attempts, next_attempt_at, delivered_at, created_at`;

/** Webhook endpoints, the delivery outbox and its attempt log. */
export class WebhooksRepository {
  async insertEndpoint(tx: SqlExecutor, e: { id: string; providerId: string; url: string; secret: string; events: string[] }): Promise<EndpointRow> {
    const rows = await tx.$queryRawUnsafe<EndpointRow[]>(
      `INSERT INTO webhook_endpoints (id, provider_id, url, secret, events) VALUES ($1::uuid, $2::uuid, $3, $4, $5::text[]) RETURNING ${ENDPOINT}`,
      e.id,
      e.providerId,
      e.url,
      e.secret,
      e.events,
    );
    return rows[0]!;
  }

  async endpoints(tx: SqlExecutor, providerId: string): Promise<EndpointRow[]> {
    return tx.$queryRawUnsafe<EndpointRow[]>(`SELECT ${ENDPOINT} FROM webhook_endpoints WHERE provider_id = $1::uuid ORDER BY created_at, id`, providerId);
  }

  /**
   * Queues one message for every active endpoint of the provider subscribed to `eventType`, in the
   * caller's transaction (the webhook outbox). The delivery id is `msg_<uuid hex>_<endpoint hex>`.
   */
  async enqueue(tx: SqlExecutor, providerId: string, eventType: string, messageId: string, payload: unknown): Promise<number> {
    return tx.$executeRawUnsafe(
      `INSERT INTO webhook_deliveries (id, endpoint_id, provider_id, event_type, payload)
       SELECT $3 || '_' || replace(e.id::text, '-', ''), e.id, e.provider_id, $2, $4::jsonb
         FROM webhook_endpoints e WHERE e.provider_id = $1::uuid AND e.active AND $2 = ANY(e.events)`,
      providerId,
      eventType,
      messageId,
      JSON.stringify(payload),
    );
  }

  /**
   * Claims due deliveries for one attempt each by pushing their next attempt `leaseSeconds` ahead
   * (SKIP LOCKED: concurrent dispatchers take different rows). A dispatcher that dies mid-send leaves
   * the row to be retried when the lease runs out.
   */
  async claimDue(tx: SqlExecutor, limit: number, leaseSeconds: number): Promise<ClaimedDelivery[]> {
    return tx.$queryRawUnsafe<ClaimedDelivery[]>(
      `WITH due AS (
         SELECT id FROM webhook_deliveries WHERE status = 'pending' AND next_attempt_at <= now()
          ORDER BY next_attempt_at LIMIT $1 FOR UPDATE SKIP LOCKED)
       UPDATE webhook_deliveries d SET next_attempt_at = now() + make_interval(secs => $2)
         FROM due, webhook_endpoints e
        WHERE d.id = due.id AND e.id = d.endpoint_id
       RETURNING d.id, d.endpoint_id::text, d.provider_id::text, d.event_type, d.payload, d.status, d.attempts, d.next_attempt_at,
                 d.delivered_at, d.created_at, e.url, e.secret`,
      limit,
      leaseSeconds,
    );
  }

  async recordAttempt(
    tx: SqlExecutor,
    a: { deliveryId: string; attempt: number; statusCode: number | null; error: string | null; durationMs: number; outcome: 'delivered' | 'retry' | 'failed'; nextAttemptAt: Date | null },
  ): Promise<void> {
    await tx.$executeRawUnsafe(
      `INSERT INTO webhook_attempts (delivery_id, attempt, status_code, error, duration_ms) VALUES ($1, $2, $3, $4, $5)`,
      a.deliveryId,
      a.attempt,
      a.statusCode,
      a.error,
      a.durationMs,
    );
    await tx.$executeRawUnsafe(
      `UPDATE webhook_deliveries SET attempts = $2,
              status = CASE $3 WHEN 'delivered' THEN 'delivered' WHEN 'failed' THEN 'failed' ELSE 'pending' END,
              delivered_at = CASE WHEN $3 = 'delivered' THEN now() ELSE delivered_at END,
              next_attempt_at = $4
        WHERE id = $1`,
      a.deliveryId,
      a.attempt,
      a.outcome,
      a.nextAttemptAt,
    );
  }

  async delivery(tx: SqlExecutor, providerId: string, deliveryId: string): Promise<DeliveryRow | null> {
    const rows = await tx.$queryRawUnsafe<DeliveryRow[]>(`SELECT ${DELIVERY} FROM webhook_deliveries WHERE id = $1 AND provider_id = $2::uuid`, deliveryId, providerId);
    return rows[0] ?? null;
  }

  async deliveries(tx: SqlExecutor, providerId: string, status: string | null, limit: number): Promise<DeliveryRow[]> {
    return tx.$queryRawUnsafe<DeliveryRow[]>(
      `SELECT ${DELIVERY} FROM webhook_deliveries WHERE provider_id = $1::uuid AND ($2::text IS NULL OR status = $2) ORDER BY created_at DESC, id LIMIT $3`,
      providerId,
      status,
      limit,
    );
  }

  async attempts(tx: SqlExecutor, deliveryIds: string[]): Promise<AttemptRow[]> {
    if (deliveryIds.length === 0) return [];
    return tx.$queryRawUnsafe<AttemptRow[]>(
      `SELECT delivery_id, attempt, at, status_code, error, duration_ms FROM webhook_attempts WHERE delivery_id = ANY($1::text[]) ORDER BY delivery_id, id`,
      deliveryIds,
    );
  }

  /** Puts a delivery back in the queue, due now (its attempt count and log stay). */
  async requeue(tx: SqlExecutor, providerId: string, deliveryId: string): Promise<boolean> {
    const n = await tx.$executeRawUnsafe(
      `UPDATE webhook_deliveries SET status = 'pending', next_attempt_at = now() WHERE id = $1 AND provider_id = $2::uuid`,
      deliveryId,
      providerId,
    );
    return n === 1;
  }
}
