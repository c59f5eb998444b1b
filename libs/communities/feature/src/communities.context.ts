import { Inject, Injectable } from '@nestjs/common';
import type { Actor } from '@linli/contracts';
import {
  CocreationRepository,
  CommunitiesDb,
  CommunitiesRepository,
  ContentRepository,
  EventsRepository,
  ReplicasRepository,
  SurveysRepository,
  type Executor,
} from '@linli/communities-data-access';
import { OutboxRelay } from '@linli/nest-kit';
import { COMMUNITIES_OPTIONS, type CommunitiesOptions } from './communities.options.js';

export type Tx = Executor;

export const isOps = (actor: Actor) => actor.roles.includes('ops');

/** Shown for a member whose display name the service has not learnt (never a phone number). */
export function fallbackName(userId: string): string {
  return `邻居${userId.slice(0, 4)}`;
}

/**
 * What every communities service uses: the repositories, one transaction per unit of work (state and
 * outbox rows together, the relay woken after commit), and the options.
 */
@Injectable()
export class CommunitiesContext {
  readonly replicas = new ReplicasRepository();
  readonly communities = new CommunitiesRepository();
  readonly content = new ContentRepository();
  readonly events = new EventsRepository();
  readonly cocreation = new CocreationRepository();
  readonly surveys = new SurveysRepository();

  constructor(
    @Inject(CommunitiesDb) readonly db: CommunitiesDb,
    @Inject(OutboxRelay) private readonly relay: OutboxRelay,
    @Inject(COMMUNITIES_OPTIONS) readonly options: CommunitiesOptions,
  ) {}

  async run<T>(fn: (tx: Tx) => Promise<T>): Promise<T> {
    const result = await this.db.$transaction(fn, { timeout: 15_000, maxWait: 15_000 });
    this.relay.notify();
    return result;
  }

  /** Reads outside a transaction. */
  get reader(): Tx {
    return this.db;
  }

  async names(tx: Tx, userIds: string[]): Promise<(userId: string) => string> {
    const names = await this.replicas.displayNames(tx, userIds);
    return (userId) => names.get(userId) ?? fallbackName(userId);
  }
}
