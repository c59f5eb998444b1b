import type { Prisma } from './generated/prisma/client.js';
import type { LeaderOpsExecutor } from './customers.repository.js';

const withCompounds = { compounds: { select: { compoundId: true } } } as const;

export interface NewPickupPoint {
  id: string;
  leaderUserId: string;
  name: string;
  address: string;
  openingHours: Prisma.InputJsonValue;
  capacity: number;
  timeZone: string;
}

export interface PickupPointChange {
  name?: string;
  address?: string;
  openingHours?: Prisma.InputJsonValue;
  capacity?: number;
  timeZone?: string;
  status?: string;
  /** A new leader (a merge moves the points of the merged account). */
  leaderUserId?: string;
  /** Compounds the point stops and starts serving. */
  compounds?: { remove: string[]; add: string[] };
}

/** Pickup points with the compounds each serves. */
export class PickupPointsRepository {
  find(tx: LeaderOpsExecutor, id: string) {
    return tx.pickupPoint.findUnique({ where: { id }, include: withCompounds });
  }

  create(tx: LeaderOpsExecutor, point: NewPickupPoint, compoundIds: readonly string[]) {
    return tx.pickupPoint.create({ data: { ...point, compounds: { create: compoundIds.map((compoundId) => ({ compoundId })) } }, include: withCompounds });
  }

  update(tx: LeaderOpsExecutor, id: string, change: PickupPointChange) {
    const { compounds, ...fields } = change;
    const data: Prisma.PickupPointUpdateInput = { ...fields };
    if (compounds) data.compounds = { deleteMany: { compoundId: { in: compounds.remove } }, create: compounds.add.map((compoundId) => ({ compoundId })) };
    return tx.pickupPoint.update({ where: { id }, data, include: withCompounds });
  }

  /** Up to 500 points in name order, of one status, optionally of one leader or serving one compound. */
  list(tx: LeaderOpsExecutor, filter: { status: string; leaderUserId?: string; compoundId?: string }) {
    return tx.pickupPoint.findMany({
      where: {
        status: filter.status,
        ...(filter.leaderUserId ? { leaderUserId: filter.leaderUserId } : {}),
        ...(filter.compoundId ? { compounds: { some: { compoundId: filter.compoundId } } } : {}),
      },
      include: withCompounds,
      orderBy: [{ name: 'asc' }, { id: 'asc' }],
      take: 500,
    });
  }

  /** The ids of the points a leader runs (only the active ones when `activeOnly`). */
  async idsLedBy(tx: LeaderOpsExecutor, leaderUserId: string, activeOnly: boolean): Promise<string[]> {
    const rows = await tx.pickupPoint.findMany({ where: { leaderUserId, ...(activeOnly ? { status: 'active' } : {}) }, select: { id: true } });
    return rows.map((row) => row.id);
  }
}
