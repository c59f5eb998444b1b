import type { leaderOps } from '@linli/contracts';
import type { Compound, LeaderApplication, PickupPoint, ResidentBinding } from '@linli/leader-ops-data-access';

/** Database rows → contract shapes. */

export function toCompound(row: Compound): leaderOps.Compound {
  const compound: leaderOps.Compound = { compoundId: row.id, name: row.name, city: row.city, timeZone: row.timeZone };
  if (row.district !== null) compound.district = row.district;
  return compound;
}

export function toApplication(row: LeaderApplication): leaderOps.LeaderApplication {
  return {
    applicationId: row.id,
    userId: row.userId,
    compoundId: row.compoundId,
    status: row.status as leaderOps.ApplicationStatus,
    displayName: row.displayName,
    phone: row.phone,
    statement: row.statement,
    decisionReason: row.decisionReason,
    decidedBy: row.decidedBy,
    decidedAt: row.decidedAt?.toISOString() ?? null,
    createdAt: row.createdAt.toISOString(),
  };
}

export type PickupPointRow = PickupPoint & { compounds: { compoundId: string }[] };

/** The event payload of a pickup point. */
export function toPickupPoint(row: PickupPointRow): leaderOps.PickupPoint {
  return {
    pickupPointId: row.id,
    leaderUserId: row.leaderUserId,
    name: row.name,
    address: row.address,
    compoundIds: row.compounds.map((c) => c.compoundId).sort(),
    // jsonb reorders object keys; give them back in the contract's order.
    openingHours: (row.openingHours as leaderOps.OpeningHours).map(({ weekday, opens, closes }) => ({ weekday, opens, closes })),
    capacity: row.capacity,
    timeZone: row.timeZone,
    status: row.status as leaderOps.PickupPoint['status'],
  };
}

export function toPickupPointView(row: PickupPointRow): leaderOps.PickupPointView {
  return { ...toPickupPoint(row), createdAt: row.createdAt.toISOString(), updatedAt: row.updatedAt.toISOString() };
}

export function toBinding(row: ResidentBinding): leaderOps.Binding {
  return {
    userId: row.userId,
    pickupPointId: row.pickupPointId,
    compoundId: row.compoundId,
    boundAt: row.boundAt.toISOString(),
    unboundAt: row.unboundAt?.toISOString() ?? null,
    endReason: (row.endReason as leaderOps.Binding['endReason']) ?? null,
  };
}
