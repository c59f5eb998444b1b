import { Inject, Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { leaderOps as contracts, type Actor, type RpcRequest } from '@linli/contracts';
import { ApplicationsRepository, BindingsRepository, CompoundsRepository, PickupPointsRepository, leaderOpsLocks, type PickupPointChange } from '@linli/leader-ops-data-access';
import { enqueueEvent } from '@linli/nest-kit';
import { LeaderOpsErrors } from './leader-ops.exception.js';
import { toPickupPoint, toPickupPointView, type PickupPointRow } from './leader-ops.mappers.js';
import { assertLeaderCovers, assertMayEditPoint, compoundsStillInUse, missing, pointLeader } from './leader-ops.rules.js';
import { LeaderOpsTransactions, type Tx } from './leader-ops.transaction.js';

type View = contracts.PickupPointView;

/**
 * Pickup points (自提点): opened by an approved leader (or by ops for one), changed only by that
 * leader or ops, announced as `leader-ops.pickup-point.upserted.v1` on every change.
 */
@Injectable()
export class PickupPointsService {
  private readonly points = new PickupPointsRepository();
  private readonly bindings = new BindingsRepository();
  private readonly compounds = new CompoundsRepository();
  private readonly applications = new ApplicationsRepository();

  constructor(@Inject(LeaderOpsTransactions) private readonly transactions: LeaderOpsTransactions) {}

  async create(request: RpcRequest<typeof contracts.createPickupPoint>): Promise<View> {
    const leaderUserId = pointLeader(request.actor, request.leaderUserId);
    return this.transactions.run(async (tx) => {
      await this.assertServable(tx, leaderUserId, request.compoundIds);
      const id = randomUUID();
      const point = { id, leaderUserId, name: request.name, address: request.address, openingHours: request.openingHours, capacity: request.capacity, timeZone: request.timeZone };
      const row = await this.points.create(tx, point, request.compoundIds);
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
        const bound = await this.bindings.compoundsBound(tx, pickupPointId, missing(beforeCompounds, patch.compoundIds));
        const inUse = compoundsStillInUse(beforeCompounds, patch.compoundIds, bound);
        if (inUse.length > 0) throw LeaderOpsErrors.compoundInUse(inUse);
      }
      const data: PickupPointChange = {};
      if (patch.name !== undefined) data.name = patch.name;
      if (patch.address !== undefined) data.address = patch.address;
      if (patch.openingHours !== undefined) data.openingHours = patch.openingHours;
      if (patch.capacity !== undefined) data.capacity = patch.capacity;
      if (patch.timeZone !== undefined) data.timeZone = patch.timeZone;
      if (patch.status !== undefined) data.status = patch.status;
      if (patch.compoundIds) {
        data.compounds = { remove: missing(beforeCompounds, patch.compoundIds), add: missing(patch.compoundIds, beforeCompounds) };
      }
      const candidate = { ...toPickupPoint(before), ...patch, compoundIds: [...(patch.compoundIds ?? beforeCompounds)].sort() };
      if (JSON.stringify(candidate) === JSON.stringify(toPickupPoint(before))) return toPickupPointView(before);
      const row = await this.points.update(tx, pickupPointId, data);
      await enqueueEvent(tx, contracts.pickupPointUpserted, toPickupPoint(row));
      return toPickupPointView(row);
    });
  }

  async get(pickupPointId: string): Promise<View> {
    const row = await this.points.find(this.transactions.reader, pickupPointId);
    if (!row) throw LeaderOpsErrors.pickupPointNotFound(pickupPointId);
    return toPickupPointView(row);
  }

  async list(request: { compoundId?: string; leaderUserId?: string; status: 'active' | 'suspended' }): Promise<{ pickupPoints: View[] }> {
    const rows = await this.points.list(this.transactions.reader, request);
    return { pickupPoints: rows.map(toPickupPointView) };
  }

  /** Every compound exists, and the leader is approved for each of them. */
  private async assertServable(tx: Tx, leaderUserId: string, compoundIds: readonly string[]): Promise<void> {
    const known = await this.compounds.existing(tx, [...compoundIds]);
    const unknown = missing(compoundIds, known);
    if (unknown.length > 0) throw LeaderOpsErrors.compoundNotFound(unknown);
    const approved = await this.applications.approvedCompounds(tx, leaderUserId, [...compoundIds]);
    assertLeaderCovers(leaderUserId, compoundIds, approved);
  }

  /** The point, locked until the transaction ends (binds take a share lock on it). */
  private async lockPoint(tx: Tx, pickupPointId: string): Promise<PickupPointRow> {
    await leaderOpsLocks.pickupPoint(tx, pickupPointId, 'update');
    const row = await this.points.find(tx, pickupPointId);
    if (!row) throw LeaderOpsErrors.pickupPointNotFound(pickupPointId);
    return row;
  }
}
