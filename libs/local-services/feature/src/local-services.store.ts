import { Inject, Injectable } from '@nestjs/common';
import { BookingsRepository, CatalogRepository, ProvidersRepository, WebhooksRepository } from '@linli/local-services-data-access';
import { OutboxRelay, PgSql, type SqlExecutor } from '@linli/nest-kit';

export type Tx = SqlExecutor;

/**
 * The service's repositories and its unit of work: a transaction on the pool (state, outbox event
 * rows and webhook deliveries together), after which the outbox relay is woken.
 */
@Injectable()
export class LocalServicesStore {
  readonly providers = new ProvidersRepository();
  readonly catalog = new CatalogRepository();
  readonly bookings = new BookingsRepository();
  readonly webhooks = new WebhooksRepository();

  constructor(
    @Inject(PgSql) readonly sql: PgSql,
    @Inject(OutboxRelay) private readonly relay: OutboxRelay,
  ) {}

  async run<T>(work: (tx: Tx) => Promise<T>): Promise<T> {
    const result = await this.sql.$transaction(work, { timeout: 15_000 });
    this.relay.notify();
    return result;
  }

  /** Reads outside a transaction. */
  get reader(): SqlExecutor {
    return this.sql;
  }
}
