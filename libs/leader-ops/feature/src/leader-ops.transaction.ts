import { Inject, Injectable } from '@nestjs/common';
import { LeaderOpsDb, leaderOpsLocks, type Prisma } from '@linli/leader-ops-data-access';
import { OutboxRelay } from '@linli/nest-kit';

export type Tx = Prisma.TransactionClient;

/** Runs a unit of work in one transaction (state and outbox rows together) and wakes the relay after commit. */
@Injectable()
export class LeaderOpsTransactions {
  constructor(
    @Inject(LeaderOpsDb) private readonly db: LeaderOpsDb,
    @Inject(OutboxRelay) private readonly relay: OutboxRelay,
  ) {}

  async run<T>(fn: (tx: Tx) => Promise<T>): Promise<T> {
    const result = await this.db.$transaction(fn, { timeout: 15_000 });
    this.relay.notify();
    return result;
  }

  /** Reads outside a transaction. */
  get reader(): LeaderOpsDb {
    return this.db;
  }
}

/**
 * Serialises the work on one key (a user's binding, a merge) across replicas until the
 * transaction ends.
 */
export async function lockKey(tx: Tx, key: string): Promise<void> {
  await leaderOpsLocks.key(tx, key);
}

/** True for a unique violation (Prisma P2002), e.g. on a partial unique index. */
export function isUniqueViolation(error: unknown): boolean {
  return (error as { code?: string } | null)?.code === 'P2002';
}
