import type { Prisma } from './generated/prisma/client.js';

type Tx = Prisma.TransactionClient;

/**
 * Row and advisory locks held until the transaction ends — what Prisma's model API cannot express.
 * Everything else in the leader-ops database goes through the generated client.
 */
export class LeaderOpsLocks {
  /** Serialises the work on one key (a user's binding, a merge) across replicas. */
  async key(tx: Tx, key: string): Promise<void> {
    await tx.$executeRawUnsafe('SELECT pg_advisory_xact_lock(hashtextextended($1, 0))', key);
  }

  /** Locks the application row (so two decisions cannot both apply). */
  async application(tx: Tx, applicationId: string): Promise<void> {
    await tx.$executeRawUnsafe('SELECT 1 FROM leader_applications WHERE id = $1::uuid FOR UPDATE', applicationId);
  }

  /** Locks the pickup point row: `update` to change it, `share` to bind to it (binds wait for changes and vice versa). */
  async pickupPoint(tx: Tx, pickupPointId: string, mode: 'update' | 'share'): Promise<void> {
    await tx.$executeRawUnsafe(`SELECT 1 FROM pickup_points WHERE id = $1::uuid FOR ${mode === 'share' ? 'SHARE' : 'UPDATE'}`, pickupPointId);
  }

  async compound(tx: Tx, compoundId: string): Promise<void> {
    await tx.$executeRawUnsafe('SELECT 1 FROM compounds WHERE id = $1 FOR UPDATE', compoundId);
  }
}

/** The one instance (it holds no state). */
export const leaderOpsLocks = new LeaderOpsLocks();
