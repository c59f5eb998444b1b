import { randomUUID } from 'node:crypto';
import type { SqlExecutor } from '@linli/nest-kit';

/** A member's two accounts; platform accounts are `platform:<name>`. */
export const memberAccount = (userId: string, part: 'available' | 'held') => `member:${userId}:${part}`;
export const platformAccount = (name: 'earned' | 'spent' | 'expired' | 'adjusted' | 'backing' | 'merged') => `platform:${name}`;

export interface JournalLine {
  account: string;
  amount: number;
}

export interface JournalEntryInput {
  idempotencyKey: string;
  kind: string;
  /** The member the entry concerns (its member lines must be this member's accounts). */
  userId: string;
  description: string;
  reference?: string | null;
  rulesVersion?: string | null;
  expiresAt?: Date | null;
  lines: JournalLine[];
}

export interface Balance {
  available: number;
  held: number;
}

export type PostResult =
  | { status: 'posted'; entryId: string; balance: Balance; delta: number; heldDelta: number; at: Date }
  | { status: 'duplicate'; entryId: string; balance: Balance }
  | { status: 'insufficient'; balance: Balance };

export interface StatementRow {
  entryId: string;
  kind: string;
  delta: number;
  heldDelta: number;
  description: string;
  expiresAt: Date | null;
  rulesVersion: string | null;
  reference: string | null;
  at: Date;
}

export interface ReservationRow {
  id: string;
  idempotencyKey: string;
  userId: string;
  points: number;
  referenceKind: string;
  referenceId: string;
  status: 'held' | 'committed' | 'released';
  createdAt: Date;
  settledAt: Date | null;
}

const RESERVATION_COLUMNS = `id::text AS "id", idempotency_key AS "idempotencyKey", user_id::text AS "userId", points, reference_kind AS "referenceKind",
  reference_id AS "referenceId", status, created_at AS "createdAt", settled_at AS "settledAt"`;

/**
 * The points ledger (docs/adr/0014): an append-only double-entry journal whose entries balance
 * (a trigger checks the lines, written in one statement, at its end), members' balances materialised with CHECK (>= 0), each
 * entry unique by its idempotency key. Run `post` inside the caller's transaction.
 */
export class PointsRepository {
  /**
   * Writes one entry: the entry row (or nothing, when its key was used before), the member's balance
   * change by one conditional UPDATE (no row → not enough points: the caller must roll back, and has
   * written nothing that survives), then the lines.
   */
  async post(tx: SqlExecutor, input: JournalEntryInput): Promise<PostResult> {
    const sum = input.lines.reduce((a, l) => a + l.amount, 0);
    if (sum !== 0) throw new Error(`points entry ${input.idempotencyKey} does not balance (${sum})`);
    const available = memberAccount(input.userId, 'available');
    const held = memberAccount(input.userId, 'held');
    for (const line of input.lines) {
      if (line.account.startsWith('member:') && line.account !== available && line.account !== held) {
        throw new Error(`points entry ${input.idempotencyKey} moves another member's points`);
      }
    }
    const delta = input.lines.filter((l) => l.account === available).reduce((a, l) => a + l.amount, 0);
    const heldDelta = input.lines.filter((l) => l.account === held).reduce((a, l) => a + l.amount, 0);
    const id = randomUUID();
    const inserted = await tx.$queryRawUnsafe<{ created_at: Date }[]>(
      `INSERT INTO points_entries (id, idempotency_key, kind, user_id, description, reference, rules_version, expires_at)
       VALUES ($1::uuid, $2, $3, $4::uuid, $5, $6, $7, $8::timestamptz)
       ON CONFLICT (idempotency_key) DO NOTHING RETURNING created_at`,
      id,
      input.idempotencyKey,
      input.kind,
      input.userId,
      input.description,
      input.reference ?? null,
      input.rulesVersion ?? null,
      input.expiresAt ?? null,
    );
    if (inserted.length === 0) {
      const existing = await tx.$queryRawUnsafe<{ id: string }[]>('SELECT id::text AS id FROM points_entries WHERE idempotency_key = $1', input.idempotencyKey);
      return { status: 'duplicate', entryId: existing[0]!.id, balance: await this.balance(tx, input.userId) };
    }
    await tx.$executeRawUnsafe('INSERT INTO points_balances (user_id) VALUES ($1::uuid) ON CONFLICT DO NOTHING', input.userId);
    const updated = await tx.$queryRawUnsafe<Balance[]>(
      `UPDATE points_balances SET available = available + $2, held = held + $3, updated_at = now()
        WHERE user_id = $1::uuid AND available + $2 >= 0 AND held + $3 >= 0
        RETURNING available, held`,
      input.userId,
      delta,
      heldDelta,
    );
    if (updated.length === 0) return { status: 'insufficient', balance: await this.balance(tx, input.userId) };
    await tx.$executeRawUnsafe(
      `INSERT INTO points_lines (entry_id, account, user_id, amount)
       SELECT $1::uuid, a.account, CASE WHEN a.account LIKE 'member:%' THEN $2::uuid END, a.amount
         FROM unnest($3::text[], $4::int[]) AS a(account, amount)`,
      id,
      input.userId,
      input.lines.map((l) => l.account),
      input.lines.map((l) => l.amount),
    );
    return { status: 'posted', entryId: id, balance: updated[0]!, delta, heldDelta, at: inserted[0]!.created_at };
  }

  /** Locks the member's balance row (created when missing) for the rest of the transaction. */
  async lockBalance(tx: SqlExecutor, userId: string): Promise<Balance> {
    await tx.$executeRawUnsafe('INSERT INTO points_balances (user_id) VALUES ($1::uuid) ON CONFLICT DO NOTHING', userId);
    const rows = await tx.$queryRawUnsafe<Balance[]>('SELECT available, held FROM points_balances WHERE user_id = $1::uuid FOR UPDATE', userId);
    return rows[0]!;
  }

  async balance(tx: SqlExecutor, userId: string): Promise<Balance> {
    const rows = await tx.$queryRawUnsafe<Balance[]>('SELECT available, held FROM points_balances WHERE user_id = $1::uuid', userId);
    return rows[0] ?? { available: 0, held: 0 };
  }

  /** The member's newest entries with their effect on available and held points. */
  async statement(tx: SqlExecutor, userId: string, limit: number): Promise<StatementRow[]> {
    return tx.$queryRawUnsafe<StatementRow[]>(
      `SELECT e.id::text AS "entryId", e.kind,
              coalesce(sum(l.amount) FILTER (WHERE l.account = $2), 0)::int AS "delta",
              coalesce(sum(l.amount) FILTER (WHERE l.account = $3), 0)::int AS "heldDelta",
              e.description, e.expires_at AS "expiresAt", e.rules_version AS "rulesVersion", e.reference, e.created_at AS "at"
         FROM points_entries e JOIN points_lines l ON l.entry_id = e.id
        WHERE e.user_id = $1::uuid
        GROUP BY e.id ORDER BY e.created_at DESC, e.id DESC LIMIT $4`,
      userId,
      memberAccount(userId, 'available'),
      memberAccount(userId, 'held'),
      limit,
    );
  }

  /** Every account's balance as the sum of its lines (the audit view of the journal). */
  async accountTotals(tx: SqlExecutor): Promise<{ account: string; total: number }[]> {
    return tx.$queryRawUnsafe(`SELECT account, sum(amount)::int AS total FROM points_lines GROUP BY account ORDER BY account`);
  }

  /** Entries whose lines do not sum to zero (always none; the audit checks). */
  async unbalancedEntries(tx: SqlExecutor): Promise<string[]> {
    const rows = await tx.$queryRawUnsafe<{ id: string }[]>(`SELECT entry_id::text AS id FROM points_lines GROUP BY entry_id HAVING sum(amount) <> 0`);
    return rows.map((r) => r.id);
  }

  /** Materialised balances that differ from the sums of their accounts' lines (always none). */
  async balanceMismatches(tx: SqlExecutor): Promise<string[]> {
    const rows = await tx.$queryRawUnsafe<{ user_id: string }[]>(
      `SELECT b.user_id::text FROM points_balances b
         LEFT JOIN LATERAL (
           SELECT coalesce(sum(amount) FILTER (WHERE account = 'member:' || b.user_id || ':available'), 0) AS a,
                  coalesce(sum(amount) FILTER (WHERE account = 'member:' || b.user_id || ':held'), 0) AS h
             FROM points_lines WHERE user_id = b.user_id) s ON true
        WHERE b.available <> s.a OR b.held <> s.h`,
    );
    return rows.map((r) => r.user_id);
  }

  // ---------------------------------------------------------------- reservations

  /** Inserts a reservation unless its key exists; returns the row for the key either way. */
  async createReservation(
    tx: SqlExecutor,
    input: { idempotencyKey: string; userId: string; points: number; referenceKind: string; referenceId: string },
  ): Promise<{ row: ReservationRow; created: boolean }> {
    const rows = await tx.$queryRawUnsafe<ReservationRow[]>(
      `INSERT INTO points_reservations (id, idempotency_key, user_id, points, reference_kind, reference_id)
       VALUES ($1::uuid, $2, $3::uuid, $4, $5, $6) ON CONFLICT (idempotency_key) DO NOTHING RETURNING ${RESERVATION_COLUMNS}`,
      randomUUID(),
      input.idempotencyKey,
      input.userId,
      input.points,
      input.referenceKind,
      input.referenceId,
    );
    if (rows[0]) return { row: rows[0], created: true };
    const existing = await tx.$queryRawUnsafe<ReservationRow[]>(`SELECT ${RESERVATION_COLUMNS} FROM points_reservations WHERE idempotency_key = $1`, input.idempotencyKey);
    return { row: existing[0]!, created: false };
  }

  async reservation(tx: SqlExecutor, id: string, forUpdate = false): Promise<ReservationRow | null> {
    const rows = await tx.$queryRawUnsafe<ReservationRow[]>(`SELECT ${RESERVATION_COLUMNS} FROM points_reservations WHERE id = $1::uuid${forUpdate ? ' FOR UPDATE' : ''}`, id);
    return rows[0] ?? null;
  }

  /** Reservations of a reference (an order, a booking), locked, oldest first. */
  async reservationsOf(tx: SqlExecutor, referenceKind: string, referenceId: string): Promise<ReservationRow[]> {
    return tx.$queryRawUnsafe<ReservationRow[]>(
      `SELECT ${RESERVATION_COLUMNS} FROM points_reservations WHERE reference_kind = $1 AND reference_id = $2 ORDER BY created_at, id FOR UPDATE`,
      referenceKind,
      referenceId,
    );
  }

  /** Moves a reservation from one status to another; false when it was no longer in `from`. */
  async settleReservation(tx: SqlExecutor, id: string, from: ReservationRow['status'], to: ReservationRow['status']): Promise<ReservationRow | null> {
    const rows = await tx.$queryRawUnsafe<ReservationRow[]>(
      `UPDATE points_reservations SET status = $3, settled_at = now() WHERE id = $1::uuid AND status = $2 RETURNING ${RESERVATION_COLUMNS}`,
      id,
      from,
      to,
    );
    return rows[0] ?? null;
  }

  /** Held reservations of a reference kind created before `before`, oldest first (the sweep of holds whose order never appeared). */
  async staleHeld(tx: SqlExecutor, referenceKind: string, before: Date, limit: number): Promise<string[]> {
    const rows = await tx.$queryRawUnsafe<{ id: string }[]>(
      `SELECT id::text AS id FROM points_reservations WHERE status = 'held' AND reference_kind = $1 AND created_at < $2::timestamptz ORDER BY created_at LIMIT $3`,
      referenceKind,
      before,
      limit,
    );
    return rows.map((r) => r.id);
  }

  /** What the entry posted under `idempotencyKey` added to its member's available points (null: no such entry). */
  async availableDeltaOf(tx: SqlExecutor, idempotencyKey: string): Promise<number | null> {
    const rows = await tx.$queryRawUnsafe<{ n: number }[]>(
      `SELECT coalesce(sum(l.amount) FILTER (WHERE l.account = 'member:' || e.user_id || ':available'), 0)::int AS n
         FROM points_entries e LEFT JOIN points_lines l ON l.entry_id = e.id WHERE e.idempotency_key = $1 GROUP BY e.id`,
      idempotencyKey,
    );
    return rows[0] ? rows[0].n : null;
  }

  // ---------------------------------------------------------------- redemptions

  async redemptionByKey(tx: SqlExecutor, userId: string, idempotencyKey: string) {
    const rows = await tx.$queryRawUnsafe<{ id: string; rewardId: string; cost: number; redeemedAt: Date }[]>(
      `SELECT id::text AS id, reward_id AS "rewardId", cost, redeemed_at AS "redeemedAt" FROM points_redemptions WHERE user_id = $1::uuid AND idempotency_key = $2`,
      userId,
      idempotencyKey,
    );
    return rows[0] ?? null;
  }

  async redemptionCount(tx: SqlExecutor, userId: string, rewardId: string): Promise<number> {
    const rows = await tx.$queryRawUnsafe<{ n: number }[]>('SELECT count(*)::int AS n FROM points_redemptions WHERE user_id = $1::uuid AND reward_id = $2', userId, rewardId);
    return rows[0]!.n;
  }

  async insertRedemption(tx: SqlExecutor, input: { userId: string; rewardId: string; cost: number; entryId: string; idempotencyKey: string }) {
    const rows = await tx.$queryRawUnsafe<{ id: string; redeemedAt: Date }[]>(
      `INSERT INTO points_redemptions (id, user_id, reward_id, cost, entry_id, idempotency_key) VALUES ($1::uuid, $2::uuid, $3, $4, $5::uuid, $6)
       RETURNING id::text AS id, redeemed_at AS "redeemedAt"`,
      randomUUID(),
      input.userId,
      input.rewardId,
      input.cost,
      input.entryId,
      input.idempotencyKey,
    );
    return rows[0]!;
  }

  // ---------------------------------------------------------------- expiry

  /** Members with earned points whose expiry has passed, with the latest such expiry (the due date of their expiry entry). */
  async dueForExpiry(tx: SqlExecutor, now: Date, limit: number): Promise<{ userId: string; expiresAt: Date }[]> {
    return tx.$queryRawUnsafe(
      `SELECT e.user_id::text AS "userId", max(e.expires_at) AS "expiresAt"
         FROM points_entries e
        WHERE e.kind = 'earn' AND e.expires_at <= $1::timestamptz
          AND NOT EXISTS (SELECT 1 FROM points_entries x WHERE x.idempotency_key = 'expire:' || e.user_id || ':' || to_char(e.expires_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS'))
        GROUP BY e.user_id LIMIT $2`,
      now,
      limit,
    );
  }

  /**
   * Points to expire at `at`, consuming earliest-expiring points first: earned points expiring by
   * then, less everything the member has used (spent, expired, backed, adjusted away, held; a refund
   * gives its points back to the use), at most
   * the available balance. Locks the member's balance row.
   */
  async expirable(tx: SqlExecutor, userId: string, at: Date): Promise<number> {
    const rows = await tx.$queryRawUnsafe<{ n: number }[]>(
      `WITH b AS (SELECT available, held FROM points_balances WHERE user_id = $1::uuid FOR UPDATE),
            per_entry AS (
              SELECT e.kind, e.expires_at, sum(l.amount) AS net
                FROM points_entries e JOIN points_lines l ON l.entry_id = e.id AND l.user_id = $1::uuid
               WHERE e.user_id = $1::uuid GROUP BY e.id),
            t AS (
              SELECT coalesce(sum(net) FILTER (WHERE kind = 'earn' AND expires_at <= $2::timestamptz), 0) AS expiring,
                     coalesce(-sum(net) FILTER (WHERE net < 0), 0) - coalesce(sum(net) FILTER (WHERE kind = 'refund'), 0) AS used
                FROM per_entry)
       SELECT greatest(0, least(b.available, t.expiring - t.used - b.held))::int AS n FROM b, t`,
      userId,
      at,
    );
    return rows[0]?.n ?? 0;
  }
}

/** The key of the expiry entry of a member's points due at `expiresAt`. */
export function expiryKey(userId: string, expiresAt: Date): string {
  return `expire:${userId}:${expiresAt.toISOString().slice(0, 23)}`;
}
