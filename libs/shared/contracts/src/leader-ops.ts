import * as z from './zod.js';
import { defineEvent, defineRpc } from './define.js';
import { ActorSchema, IsoDateTimeSchema, PhoneSchema, UserIdSchema } from './common.js';

// ---------------------------------------------------------------- shared shapes

/** True when the runtime knows `zone` as an IANA time zone (`Asia/Shanghai`, `UTC`, …). */
export function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

/** An IANA time zone name. */
export const TimeZoneIdSchema = z.string().min(3).max(64).refine(isTimeZone, 'must be an IANA time zone such as Asia/Shanghai');

/** IANA time zone; compounds and pickup points default to Asia/Shanghai. */
export const TimeZoneSchema = TimeZoneIdSchema.default('Asia/Shanghai');

const ClockSchema = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'must be HH:MM (00:00–23:59)');

/**
 * Weekly opening hours in the point's own time zone: intervals per ISO weekday (1 = Monday). Each
 * interval closes after it opens, and the intervals of one weekday do not overlap.
 */
export const OpeningHoursSchema = z
  .array(
    z
      .object({
        /** ISO weekday, 1 = Monday. */
        weekday: z.number().int().min(1).max(7),
        opens: ClockSchema,
        closes: ClockSchema,
      })
      .refine((slot) => slot.closes > slot.opens, { message: 'must close after it opens', path: ['closes'] }),
  )
  .max(28)
  .superRefine((slots, ctx) => {
    const byDay = new Map<number, { opens: string; closes: string; index: number }[]>();
    slots.forEach((slot, index) => byDay.set(slot.weekday, [...(byDay.get(slot.weekday) ?? []), { ...slot, index }]));
    for (const day of byDay.values()) {
      const sorted = [...day].sort((a, b) => a.opens.localeCompare(b.opens));
      for (let i = 1; i < sorted.length; i++) {
        if (sorted[i]!.opens < sorted[i - 1]!.closes) {
          ctx.addIssue({ code: 'custom', message: 'overlaps another interval of the same weekday', path: [sorted[i]!.index] });
        }
      }
    }
  });
export type OpeningHours = z.infer<typeof OpeningHoursSchema>;

export const CompoundIdSchema = z.string().trim().min(1).max(64);

export const CompoundSchema = z.object({
  compoundId: CompoundIdSchema,
  name: z.string().trim().min(1).max(100),
  city: z.string().trim().min(1).max(60),
  district: z.string().trim().max(60).optional(),
  timeZone: TimeZoneSchema,
});
export type Compound = z.infer<typeof CompoundSchema>;

export const PICKUP_POINT_STATUSES = ['active', 'suspended'] as const;
export const PickupPointStatusSchema = z.enum(PICKUP_POINT_STATUSES);

export const PickupPointSchema = z.object({
  pickupPointId: z.string().uuid(),
  leaderUserId: UserIdSchema,
  name: z.string().min(1).max(100),
  address: z.string().min(1).max(300),
  compoundIds: z.array(z.string().min(1).max(64)).min(1),
  openingHours: OpeningHoursSchema,
  /** Parcels the point can hold per delivery day. */
  capacity: z.number().int().positive(),
  timeZone: TimeZoneSchema,
  status: PickupPointStatusSchema,
});
export type PickupPoint = z.infer<typeof PickupPointSchema>;

export const APPLICATION_STATUSES = ['pending', 'approved', 'rejected', 'withdrawn'] as const;
export const ApplicationStatusSchema = z.enum(APPLICATION_STATUSES);
export type ApplicationStatus = z.infer<typeof ApplicationStatusSchema>;

/**
 * A resident's application to lead a compound. The personal fields (`displayName`, `phone`,
 * `statement`) are null once the applicant has been erased.
 */
export const LeaderApplicationSchema = z.object({
  applicationId: z.string().uuid(),
  userId: UserIdSchema,
  compoundId: z.string(),
  status: ApplicationStatusSchema,
  displayName: z.string().nullable(),
  phone: z.string().nullable(),
  statement: z.string().nullable(),
  /** Why ops rejected it (always set when rejected). */
  decisionReason: z.string().nullable(),
  decidedBy: UserIdSchema.nullable(),
  decidedAt: IsoDateTimeSchema.nullable(),
  createdAt: IsoDateTimeSchema,
});
export type LeaderApplication = z.infer<typeof LeaderApplicationSchema>;

/** A resident's binding to a pickup point; `unboundAt` is null for the current one. */
export const BindingSchema = z.object({
  userId: UserIdSchema,
  pickupPointId: z.string().uuid(),
  compoundId: z.string(),
  boundAt: IsoDateTimeSchema,
  unboundAt: IsoDateTimeSchema.nullable(),
  /** Why the binding ended: the resident rebound, or two accounts were merged. */
  endReason: z.enum(['rebound', 'merged']).nullable(),
});
export type Binding = z.infer<typeof BindingSchema>;

const PageLimitSchema = z.number().int().min(1).max(500).default(100);

// ---------------------------------------------------------------- RPC (served by leader-ops; every request carries the actor)

/** Ops: create or change a compound. */
export const upsertCompound = defineRpc(
  'rpc.leader-ops.compound.upsert.v1',
  z.object({ actor: ActorSchema, compound: CompoundSchema.strict() }).strict(),
  CompoundSchema.extend({ created: z.boolean() }),
);

/** Compounds by id, optionally in one city; `after` is the last `compoundId` of the previous page. */
export const listCompounds = defineRpc(
  'rpc.leader-ops.compound.list.v1',
  z
    .object({ actor: ActorSchema, city: z.string().trim().min(1).max(60).optional(), after: CompoundIdSchema.optional(), limit: PageLimitSchema })
    .strict(),
  z.object({ compounds: z.array(CompoundSchema), nextAfter: z.string().nullable() }),
);

/** Resident: apply to lead a compound. One pending application per resident and compound. */
export const applyAsLeader = defineRpc(
  'rpc.leader-ops.application.submit.v1',
  z
    .object({
      actor: ActorSchema,
      compoundId: CompoundIdSchema,
      /** The name residents will see on the pickup point. */
      displayName: z.string().trim().min(1).max(40),
      /** Contact number for ops. */
      phone: PhoneSchema,
      /** Why and how the resident wants to run a pickup point. */
      statement: z.string().trim().max(1000).optional(),
    })
    .strict(),
  LeaderApplicationSchema,
);

/** Ops: every application (filtered); anyone else: their own applications only. Newest first. */
export const listApplications = defineRpc(
  'rpc.leader-ops.application.list.v1',
  z
    .object({
      actor: ActorSchema,
      status: ApplicationStatusSchema.optional(),
      compoundId: CompoundIdSchema.optional(),
      /** Only for ops; other callers always see their own. */
      userId: UserIdSchema.optional(),
      /** `applicationId` of the last application of the previous page. */
      after: z.string().uuid().optional(),
      limit: PageLimitSchema,
    })
    .strict(),
  z.object({ applications: z.array(LeaderApplicationSchema), nextAfter: z.string().uuid().nullable() }),
);

/** Ops: approve a pending application (approving an approved one again changes nothing). */
export const approveApplication = defineRpc(
  'rpc.leader-ops.application.approve.v1',
  z.object({ actor: ActorSchema, applicationId: z.string().uuid() }).strict(),
  LeaderApplicationSchema,
);

/** Ops: reject a pending application; the reason is shown to the applicant. */
export const rejectApplication = defineRpc(
  'rpc.leader-ops.application.reject.v1',
  z.object({ actor: ActorSchema, applicationId: z.string().uuid(), reason: z.string().trim().min(1, 'a reason is required').max(500) }).strict(),
  LeaderApplicationSchema,
);

const PickupPointFieldsSchema = z.object({
  name: z.string().trim().min(1).max(100),
  address: z.string().trim().min(1).max(300),
  compoundIds: z
    .array(CompoundIdSchema)
    .min(1)
    .max(20)
    .refine((ids) => new Set(ids).size === ids.length, 'must not repeat a compound'),
  openingHours: OpeningHoursSchema,
  capacity: z.number().int().positive().max(100_000),
  timeZone: TimeZoneSchema,
});

/** Pickup point as answered by the RPCs: the event shape plus timestamps. */
export const PickupPointViewSchema = PickupPointSchema.extend({ createdAt: IsoDateTimeSchema, updatedAt: IsoDateTimeSchema });
export type PickupPointView = z.infer<typeof PickupPointViewSchema>;

/**
 * An approved leader opens a pickup point (for themselves), or ops opens one for a leader
 * (`leaderUserId` required). The leader must be approved for every compound the point serves.
 */
export const createPickupPoint = defineRpc(
  'rpc.leader-ops.pickup-point.create.v1',
  PickupPointFieldsSchema.extend({ actor: ActorSchema, leaderUserId: UserIdSchema.optional() }).strict(),
  PickupPointViewSchema,
);

/** Only the fields sent change (no defaults: an absent time zone stays as it is). */
export const PickupPointPatchSchema = PickupPointFieldsSchema.extend({ timeZone: TimeZoneIdSchema, status: PickupPointStatusSchema })
  .partial()
  .strict()
  .refine((patch) => Object.keys(patch).length > 0, 'must change at least one field');
export type PickupPointPatch = z.infer<typeof PickupPointPatchSchema>;

/** The owning leader or ops changes a pickup point (including suspending or reactivating it). */
export const updatePickupPoint = defineRpc(
  'rpc.leader-ops.pickup-point.update.v1',
  z.object({ actor: ActorSchema, pickupPointId: z.string().uuid(), patch: PickupPointPatchSchema }).strict(),
  PickupPointViewSchema,
);

export const getPickupPoint = defineRpc(
  'rpc.leader-ops.pickup-point.get.v1',
  z.object({ actor: ActorSchema, pickupPointId: z.string().uuid() }).strict(),
  PickupPointViewSchema,
);

/** Pickup points serving a compound and/or run by a leader; active ones unless `status` says otherwise. */
export const listPickupPoints = defineRpc(
  'rpc.leader-ops.pickup-point.list.v1',
  z
    .object({
      actor: ActorSchema,
      compoundId: CompoundIdSchema.optional(),
      leaderUserId: UserIdSchema.optional(),
      status: PickupPointStatusSchema.default('active'),
    })
    .strict()
    .refine((req) => req.compoundId !== undefined || req.leaderUserId !== undefined, {
      message: 'give a compoundId or a leaderUserId',
      path: ['compoundId'],
    }),
  z.object({ pickupPoints: z.array(PickupPointViewSchema) }),
);

/**
 * The caller binds themselves to a pickup point for the compound they live in. The point must be
 * active and serve that compound. Binding again to the current point changes nothing.
 */
export const bindResident = defineRpc(
  'rpc.leader-ops.binding.bind.v1',
  z.object({ actor: ActorSchema, pickupPointId: z.string().uuid(), compoundId: CompoundIdSchema }).strict(),
  z.object({ binding: BindingSchema, previousPickupPointId: z.string().uuid().nullable(), changed: z.boolean() }),
);

/** The caller's (or, for ops, any user's) current binding and its history, newest first. */
export const getBinding = defineRpc(
  'rpc.leader-ops.binding.get.v1',
  z.object({ actor: ActorSchema, userId: UserIdSchema.optional() }).strict(),
  z.object({ userId: UserIdSchema, current: BindingSchema.nullable(), history: z.array(BindingSchema) }),
);

// ---------------------------------------------------------------- events (leader-ops owns compounds, leaders and pickup points)

export const compoundUpserted = defineEvent('leader-ops.compound.upserted.v1', CompoundSchema);

export const pickupPointUpserted = defineEvent('leader-ops.pickup-point.upserted.v1', PickupPointSchema);

export const residentBound = defineEvent(
  'leader-ops.resident.bound.v1',
  z.object({
    userId: UserIdSchema,
    pickupPointId: z.string().uuid(),
    compoundId: z.string().min(1).max(64),
    previousPickupPointId: z.string().uuid().nullable(),
    boundAt: IsoDateTimeSchema,
  }),
);

export const leaderApproved = defineEvent(
  'leader-ops.leader.approved.v1',
  z.object({ applicationId: z.string().uuid(), userId: UserIdSchema, compoundId: z.string(), approvedAt: IsoDateTimeSchema }),
);

export const leaderRejected = defineEvent(
  'leader-ops.leader.rejected.v1',
  z.object({ applicationId: z.string().uuid(), userId: UserIdSchema, reason: z.string(), rejectedAt: IsoDateTimeSchema }),
);
