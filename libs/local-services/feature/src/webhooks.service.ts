import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type { RpcRequest, localServices } from '@linli/contracts';
import type { BookingRow } from '@linli/local-services-data-access';
import { PeriodicTask } from '@linli/nest-kit';
import { LocalServicesErrors } from './local-services.exception.js';
import { toDelivery, toEndpoint, webhookBookingData } from './local-services.mappers.js';
import { LOCAL_SERVICES_OPTIONS, type LocalServicesOptions } from './local-services.options.js';
import { LocalServicesStore, type Tx } from './local-services.store.js';
import { ProvidersService } from './providers.service.js';
import { backoffMs, newWebhookSecret, webhookHeaders } from './webhook-signing.js';

type C = typeof localServices;

/** Endpoints, the delivery log and replays (partner API), and queuing messages with a booking change. */
@Injectable()
export class WebhooksService {
  constructor(
    @Inject(LocalServicesStore) private readonly store: LocalServicesStore,
    @Inject(ProvidersService) private readonly providers: ProvidersService,
  ) {}

  /** Queues `eventType` about a booking for the provider's subscribed endpoints, in the booking change's transaction. */
  async enqueue(tx: Tx, eventType: localServices.WebhookEventType, booking: BookingRow): Promise<void> {
    const messageId = `msg_${randomUUID().replace(/-/g, '')}`;
    const payload = { type: eventType, timestamp: new Date().toISOString(), data: webhookBookingData(booking) };
    await this.store.webhooks.enqueue(tx, booking.provider_id, eventType, messageId, payload);
  }

  async create(req: RpcRequest<C['createWebhookEndpoint']>) {
    return this.providers.partnerCall(req.partner, 'webhook.create', req.url, async (tx) => {
      const secret = newWebhookSecret();
      const row = await this.store.webhooks.insertEndpoint(tx, { id: randomUUID(), providerId: req.partner.providerId, url: req.url, secret, events: [...new Set(req.events)] });
      return { ...toEndpoint(row), secret };
    });
  }

  async list(req: RpcRequest<C['listWebhookEndpoints']>) {
    return this.providers.partnerCall(req.partner, 'webhook.list', null, async (tx) => ({
      endpoints: (await this.store.webhooks.endpoints(tx, req.partner.providerId)).map(toEndpoint),
    }));
  }

  async deliveries(req: RpcRequest<C['listWebhookDeliveries']>) {
    return this.providers.partnerCall(req.partner, 'webhook-delivery.list', null, async (tx) => {
      const rows = await this.store.webhooks.deliveries(tx, req.partner.providerId, req.status ?? null, req.limit);
      const attempts = await this.store.webhooks.attempts(tx, rows.map((r) => r.id));
      return { deliveries: rows.map((r) => toDelivery(r, attempts)) };
    });
  }

  async replay(req: RpcRequest<C['replayWebhookDelivery']>) {
    return this.providers.partnerCall(req.partner, 'webhook-delivery.replay', req.deliveryId, async (tx) => {
      if (!(await this.store.webhooks.requeue(tx, req.partner.providerId, req.deliveryId))) throw LocalServicesErrors.webhookNotFound(req.deliveryId);
      const row = (await this.store.webhooks.delivery(tx, req.partner.providerId, req.deliveryId))!;
      return toDelivery(row, await this.store.webhooks.attempts(tx, [row.id]));
    });
  }
}

/**
 * Sends due webhook deliveries: claims a batch (a lease on each row), POSTs each in the Standard
 * Webhooks format with a fresh timestamp and signature, and records the attempt. A 2xx answer
 * delivers it; anything else retries after an exponential backoff, until the attempts run out.
 */
@Injectable()
export class WebhookDispatcher implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('WebhookDispatcher');
  private readonly task = new PeriodicTask(this.logger, 'dispatch', () => this.round());

  constructor(
    @Inject(LocalServicesStore) private readonly store: LocalServicesStore,
    @Inject(LOCAL_SERVICES_OPTIONS) private readonly options: LocalServicesOptions,
  ) {}

  onApplicationBootstrap(): void {
    this.task.start(this.options.webhooks.intervalMs);
  }

  onApplicationShutdown(): Promise<void> {
    return this.task.stop();
  }

  /** One round (or the one in flight): sends every delivery due now (in batches); returns how many were attempted. */
  runOnce(): Promise<number> {
    return this.task.runNow();
  }

  private async round(): Promise<number> {
    const { timeoutMs } = this.options.webhooks;
    let attempted = 0;
    for (;;) {
      const batch = await this.store.webhooks.claimDue(this.store.reader, 20, Math.ceil(timeoutMs / 1000) + 30);
      if (batch.length === 0) return attempted;
      await Promise.all(batch.map((delivery) => this.send(delivery)));
      attempted += batch.length;
    }
  }

  private async send(delivery: Awaited<ReturnType<LocalServicesStore['webhooks']['claimDue']>>[number]): Promise<void> {
    const { backoffBaseMs, maxAttempts, timeoutMs } = this.options.webhooks;
    const body = JSON.stringify(delivery.payload);
    const attempt = delivery.attempts + 1;
    const started = Date.now();
    let statusCode: number | null = null;
    let error: string | null = null;
    try {
      const response = await fetch(delivery.url, {
        method: 'POST',
        headers: webhookHeaders(delivery.secret, delivery.id, body),
        body,
        redirect: 'manual',
        signal: AbortSignal.timeout(timeoutMs),
      });
      statusCode = response.status;
      await response.body?.cancel().catch(() => undefined);
    } catch (thrown) {
      error = (thrown instanceof Error ? thrown.message : String(thrown)).slice(0, 300);
    }
    const ok = statusCode !== null && statusCode >= 200 && statusCode < 300;
    const outcome = ok ? 'delivered' : attempt >= maxAttempts ? 'failed' : 'retry';
    await this.store.sql.$transaction((tx) =>
      this.store.webhooks.recordAttempt(tx, {
      deliveryId: delivery.id,
      attempt,
      statusCode,
      error,
      durationMs: Date.now() - started,
      outcome,
      nextAttemptAt: outcome === 'retry' ? new Date(Date.now() + backoffMs(attempt, backoffBaseMs)) : null,
      }),
    );
    if (outcome === 'failed') this.logger.warn(`webhook ${delivery.id} failed after ${attempt} attempts`);
  }
}
