import type { Prisma, Settlement, SettlementLine } from './generated/prisma/client.js';
import type { LeaderOpsExecutor } from './customers.repository.js';

export type SettlementWithLines = Settlement & { lines: SettlementLine[] };

export interface NewSettlementLine {
  id: string;
  kind: string;
  amountCents: number;
  explanation: string;
  basis: Prisma.InputJsonValue;
  createdBy?: string | null;
}

/**
 * Monthly statements. One per leader and month (a unique index, so two ops issuing at once cannot
 * both win); lines are append-only and the status only moves forward (triggers in the migration).
 */
export class SettlementsRepository {
  /** Issues a statement with its lines; null when the leader's month was already issued. */
  async issue(
    tx: LeaderOpsExecutor,
    row: { id: string; leaderUserId: string; month: string; rulesVersion: string; score: number; level: Prisma.InputJsonValue },
    lines: NewSettlementLine[],
  ): Promise<SettlementWithLines | null> {
    const inserted = await tx.settlement.createMany({ data: [row], skipDuplicates: true });
    if (inserted.count === 0) return null;
    await tx.settlementLine.createMany({ data: lines.map((line, seq) => ({ ...line, settlementId: row.id, seq })) });
    return this.get(tx, row.leaderUserId, row.month);
  }

  async get(tx: LeaderOpsExecutor, leaderUserId: string, month: string): Promise<SettlementWithLines | null> {
    return tx.settlement.findUnique({ where: { leaderUserId_month: { leaderUserId, month } }, include: { lines: { orderBy: { seq: 'asc' } } } });
  }

  /** Locks the statement row until the transaction ends (adjustments and transitions queue behind each other). */
  async lock(tx: LeaderOpsExecutor, id: string): Promise<void> {
    await tx.$queryRawUnsafe('SELECT id FROM settlements WHERE id = $1::uuid FOR UPDATE', id);
  }

  async addLine(tx: LeaderOpsExecutor, settlementId: string, line: NewSettlementLine): Promise<void> {
    const last = await tx.settlementLine.aggregate({ where: { settlementId }, _max: { seq: true } });
    await tx.settlementLine.create({ data: { ...line, settlementId, seq: (last._max.seq ?? -1) + 1 } });
  }

  /** Moves the status forward from `from`; false when the statement was not in `from`. */
  async transition(tx: LeaderOpsExecutor, id: string, from: 'issued' | 'approved', data: { status: 'approved'; approvedAt: Date; approvedBy: string } | { status: 'paid'; paidAt: Date }): Promise<boolean> {
    const { count } = await tx.settlement.updateMany({ where: { id, status: from }, data });
    return count === 1;
  }
}
