import { Inject, Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { leaderOps as contracts, type Actor, type RpcRequest } from '@linli/contracts';
import { leaderOpsLocks, type Prisma } from '@linli/leader-ops-data-access';
import { enqueueEvent } from '@linli/nest-kit';
import { LeaderOpsErrors } from './leader-ops.exception.js';
import { toPickupPoint, toPickupPointView, type PickupPointRow } from './leader-ops.mappers.js';
import { assertLeaderCovers, assertMayEditPoint, compoundsStillInUse, missing, pointLeader } from './leader-ops.rules.js';
import { LeaderOpsTransactions, type Tx } from './leader-ops.transaction.js';

type View = contracts.PickupPointView;
const withCompounds = { compounds: { select: { compoundId: true } } } as const;

/**
 * Pickup points (自提点): opened by an approved leader (or by ops for one), changed only by that
 * leader or ops, announced as `leader-ops.pickup-point.upserted.v1` on every change.
 */
@Injectable()
export class PickupPointsService {
  constructor(@Inject(LeaderOpsTransactions) private readonly transactions: LeaderOpsTransactions) {}

  async create(request: RpcRequest<typeof contracts.createPickupPoint>): Promise<View> {
    const leaderUserId = pointLeader(request.actor, request.leaderUserId);
    return this.transactions.run(async (tx) => {
      await this.assertServable(tx, leaderUserId, request.compoundIds);
      const id = randomUUID();
      const row = await tx.pickupPoint.create({
        data: {
          id,
          leaderUserId,
          name: request.name,
          address: request.address,
          openingHours: request.openingHours,
          capacity: request.capacity,
          timeZone: request.timeZone,
          compounds: { create: request.compoundIds.map((compoundId) => ({ compoundId })) },
        },
        include: withCompounds,
      });
      await enqueueEvent(tx, contracts.pickupPointUpserted, toPickupPoint(row));
      return toPickupPointView(row);
    });
  }

  async update(actor: Actor, pickupPointId: string, patch: contracts.PickupPointPatch): Promise<View> {
    return this.transactions.run(async (tx) => {
      const before = await this.lockPoint(tx, pickupPointId);
      assertMayEditPoint(actor, { pickupPointId, leaderUserId: before.leaderUserId });
      const beforeCompounds = before.compounds.map((c) => c.compoundId);
      if (patch.compoundIds) {
        const added = missing(patch.compoundIds, beforeCompounds);
        if (added.length > 0) await this.assertServable(tx, before.leaderUserId, added);
        const bound = await tx.residentBinding.findMany({
          where: { pickupPointId, unboundAt: null, compoundId: { in: missing(beforeCompounds, patch.compoundIds) } },
          select: { compoundId: true },
          distinct: ['compoundId'],
        });
        const inUse = compoundsStillInUse(beforeCompounds, patch.compoundIds, bound.map((b) => b.compoundId));
        if (inUse.length > 0) throw LeaderOpsErrors.compoundInUse(inUse);
      }
      const data: Prisma.PickupPointUpdateInput = {};
      if (patch.name !== undefined) data.name = patch.name;
      if (patch.address !== undefined) data.address = patch.address;
      if (patch.openingHours !== undefined) data.openingHours = patch.openingHours;
      if (patch.capacity !== undefined) data.capacity = patch.capacity;
      if (patch.timeZone !== undefined) data.timeZone = patch.timeZone;
      if (patch.status !== undefined) data.status = patch.status;
      if (patch.compoundIds) {
        data.compounds = {
          deleteMany: { compoundId: { in: missing(beforeCompounds, patch.compoundIds) } },
          create: missing(patch.compoundIds, beforeCompounds).map((compoundId) => ({ compoundId })),
        };
      }
      const candidate = { ...toPickupPoint(before), ...patch, compoundIds: [...(patch.compoundIds ?? beforeCompounds)].sort() };
      if (JSON.stringify(candidate) === JSON.stringify(toPickupPoint(before))) return toPickupPointView(before);
      const row = await tx.pickupPoint.update({ where: { id: pickupPointId }, data, include: withCompounds });
      await enqueueEvent(tx, contracts.pickupPointUpserted, toPickupPoint(row));
      return toPickupPointView(row);
    });
  }

  async get(pickupPointId: string): Promise<View> {
    const row = await this.transactions.reader.pickupPoint.findUnique({ where: { id: pickupPointId }, include: withCompounds });
    if (!row) throw LeaderOpsErrors.pickupPointNotFound(pickupPointId);
    return toPickupPointView(row);
  }

  async list(request: { compoundId?: string; leaderUserId?: string; status: 'active' | 'suspended' }): Promise<{ pickupPoints: View[] }> {
    const rows = await this.transactions.reader.pickupPoint.findMany({
      where: {
        status: request.status,
        ...(request.leaderUserId ? { leaderUserId: request.leaderUserId } : {}),
        ...(request.compoundId ? { compounds: { some: { compoundId: request.compoundId } } } : {}),
      },
      include: withCompounds,
      orderBy: [{ name: 'asc' }, { id: 'asc' }],
      take: 500,
    });
    return { pickupPoints: rows.map(toPickupPointView) };
  }

  /** Every compound exists, and the leader is approved for each of them. */
  private async assertServable(tx: Tx, leaderUserId: string, compoundIds: readonly string[]): Promise<void> {
    const known = await tx.compound.findMany({ where: { id: { in: [...compoundIds] } }, select: { id: true } });
    const unknown = missing(compoundIds, known.map((c) => c.id));
    if (unknown.length > 0) throw LeaderOpsErrors.compoundNotFound(unknown);
    const approved = await tx.leaderApplication.findMany({
      where: { userId: leaderUserId, status: 'approved', compoundId: { in: [...compoundIds] } },
      select: { compoundId: true },
    });
    assertLeaderCovers(leaderUserId, compoundIds, approved.map((a) => a.compoundId));
  }

  /** The point, locked until the transaction ends (binds take a share lock on it). */
  private async lockPoint(tx: Tx, pickupPointId: string): Promise<PickupPointRow> {
    await leaderOpsLocks.pickupPoint(tx, pickupPointId, 'update');
    const row = await tx.pickupPoint.findUnique({ where: { id: pickupPointId }, include: withCompounds });
    if (!row) throw LeaderOpsErrors.pickupPointNotFound(pickupPointId);
    return row;
  }
}
