import { Inject, Injectable } from '@nestjs/common';
import { CommunitiesDb, type Prisma } from '@linli/communities-data-access';
import { OutboxRelay } from '@linli/nest-kit';
import type { GrowthRules } from './growth.rules.js';

export type Tx = Prisma.TransactionClient;

export const GROWTH_OPTIONS = Symbol.for('linli.growth-options');

export interface GrowthOptions {
  rules: GrowthRules;
  /** How often the jobs run (expiry, nudges, the monthly review); 0: never (tests run them by hand). */
  jobIntervalMs: number;
  /** Order holds still held after this long are released by the jobs (their order was never placed). */
  orphanedHoldHours: number;
}

/** Runs a unit of work in one transaction (state and outbox rows together) and wakes the relay after commit. */
@Injectable()
export class GrowthTransactions {
  constructor(
    @Inject(CommunitiesDb) private readonly db: CommunitiesDb,
    @Inject(OutboxRelay) private readonly relay: OutboxRelay,
  ) {}

  async run<T>(fn: (tx: Tx) => Promise<T>): Promise<T> {
    const result = await this.db.$transaction(fn, { timeout: 15_000 });
    this.relay.notify();
    return result;
  }

  get reader(): CommunitiesDb {
    return this.db;
  }
}

/** What a growth service that reads the rules is given: the module's transactions and its options. */
export abstract class GrowthService {
  constructor(
    @Inject(GrowthTransactions) protected readonly tx: GrowthTransactions,
    @Inject(GROWTH_OPTIONS) protected readonly options: GrowthOptions,
  ) {}

  /** The growth rules in force (from configuration). */
  protected get rules(): GrowthRules {
    return this.options.rules;
  }
}
