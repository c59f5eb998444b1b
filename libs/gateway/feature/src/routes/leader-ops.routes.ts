import { z } from 'zod';
import { UserIdSchema, leaderOps } from '@linli/contracts';
import { defineRoute, type GatewayRoute } from '../route.js';

const compounds = ['Compounds'];
const leaders = ['Leaders'];
const points = ['Pickup points'];
const me = ['Me'];
const ops = ['Ops'];

/** Query strings arrive as text: page sizes are coerced to integers. */
const Limit = z.coerce.number().int().min(1).max(500).optional();

const CompoundParams = z.object({ compoundId: leaderOps.CompoundIdSchema }).strict();
const CompoundBody = leaderOps.CompoundSchema.omit({ compoundId: true }).strict();
const CompoundsQuery = z.object({ city: z.string().trim().min(1).max(60).optional(), after: leaderOps.CompoundIdSchema.optional(), limit: Limit }).strict();
const ApplyBody = leaderOps.applyAsLeader.request.omit({ actor: true });
const MyApplicationsQuery = z
  .object({ status: leaderOps.ApplicationStatusSchema.optional(), compoundId: leaderOps.CompoundIdSchema.optional(), after: z.string().uuid().optional(), limit: Limit })
  .strict();
const OpsApplicationsQuery = MyApplicationsQuery.extend({ userId: UserIdSchema.optional() }).strict();
const ApplicationParams = z.object({ applicationId: z.string().uuid() }).strict();
const RejectBody = leaderOps.rejectApplication.request.pick({ reason: true }).strict();
const CreatePointBody = leaderOps.createPickupPoint.request.omit({ actor: true });
const PointParams = z.object({ pickupPointId: z.string().uuid() }).strict();
const PointsQuery = z
  .object({
    compoundId: leaderOps.CompoundIdSchema.optional(),
    leaderUserId: UserIdSchema.optional(),
    status: leaderOps.PickupPointStatusSchema.optional(),
  })
  .strict()
  .refine((query) => query.compoundId !== undefined || query.leaderUserId !== undefined, { message: 'give a compoundId or a leaderUserId', path: ['compoundId'] });
const BindBody = leaderOps.bindResident.request.omit({ actor: true });
const UserParams = z.object({ userId: UserIdSchema }).strict();

/** Response shapes several routes share, documented once under these names in the OpenAPI components. */
export const leaderOpsSchemaNames = new Map<z.ZodType, string>([
  [leaderOps.LeaderApplicationSchema, 'LeaderApplication'],
  [leaderOps.PickupPointViewSchema, 'PickupPoint'],
]);

/** Every route the leader-ops service answers. */
export const leaderOpsRoutes: GatewayRoute[] = [
  defineRoute({
    method: 'PUT',
    path: '/v1/ops/compounds/:compoundId',
    summary: 'Create or change a compound',
    description: 'Replaces the compound as a whole (an omitted district is cleared); the time zone defaults to Asia/Shanghai.',
    tags: ops,
    auth: { roles: ['ops'] },
    params: CompoundParams,
    body: CompoundBody,
    response: leaderOps.upsertCompound.response,
    rpc: leaderOps.upsertCompound,
    toRpc: ({ params, body, actor }) => ({ actor, compound: { ...body, compoundId: params.compoundId } }),
  }),
  defineRoute({
    method: 'GET',
    path: '/v1/compounds',
    summary: 'Compounds, optionally in one city, a page at a time',
    description: 'Pass the `nextAfter` of a page as `after` to get the next one.',
    tags: compounds,
    auth: { roles: 'any-signed-in' },
    query: CompoundsQuery,
    response: leaderOps.listCompounds.response,
    rpc: leaderOps.listCompounds,
    toRpc: ({ query, actor }) => ({ actor, ...query }),
  }),
  defineRoute({
    method: 'POST',
    path: '/v1/leader-applications',
    summary: 'Apply to become the group leader (团长) of a compound',
    description: 'One pending application per resident and compound. Ops approve or reject it with a reason.',
    tags: leaders,
    auth: { roles: ['resident'] },
    body: ApplyBody,
    response: leaderOps.applyAsLeader.response,
    status: 201,
    rpc: leaderOps.applyAsLeader,
    toRpc: ({ body, actor }) => ({ actor, ...body }),
  }),
  defineRoute({
    method: 'GET',
    path: '/v1/me/leader-applications',
    summary: "The caller's leader applications and their decisions, newest first",
    tags: me,
    auth: { roles: 'any-signed-in' },
    query: MyApplicationsQuery,
    response: leaderOps.listApplications.response,
    rpc: leaderOps.listApplications,
    toRpc: ({ query, actor }) => ({ actor, ...query, userId: actor.userId }),
  }),
  defineRoute({
    method: 'GET',
    path: '/v1/ops/leader-applications',
    summary: 'Leader applications to review, newest first',
    tags: ops,
    auth: { roles: ['ops'] },
    query: OpsApplicationsQuery,
    response: leaderOps.listApplications.response,
    rpc: leaderOps.listApplications,
    toRpc: ({ query, actor }) => ({ actor, ...query }),
  }),
  defineRoute({
    method: 'POST',
    path: '/v1/ops/leader-applications/:applicationId/approve',
    summary: 'Approve a leader application',
    description: 'The applicant becomes a leader of the compound; identity grants the `leader` role from the event.',
    tags: ops,
    auth: { roles: ['ops'] },
    params: ApplicationParams,
    response: leaderOps.approveApplication.response,
    rpc: leaderOps.approveApplication,
    toRpc: ({ params, actor }) => ({ actor, applicationId: params.applicationId }),
  }),
  defineRoute({
    method: 'POST',
    path: '/v1/ops/leader-applications/:applicationId/reject',
    summary: 'Reject a leader application with a reason the applicant sees',
    tags: ops,
    auth: { roles: ['ops'] },
    params: ApplicationParams,
    body: RejectBody,
    response: leaderOps.rejectApplication.response,
    rpc: leaderOps.rejectApplication,
    toRpc: ({ params, body, actor }) => ({ actor, applicationId: params.applicationId, reason: body.reason }),
  }),
  defineRoute({
    method: 'POST',
    path: '/v1/pickup-points',
    summary: 'Open a pickup point (自提点)',
    description:
      'A leader opens one for themselves; ops open one for a leader named in `leaderUserId`. The leader must be approved for every compound the point serves.',
    tags: points,
    auth: { roles: ['leader', 'ops'] },
    body: CreatePointBody,
    response: leaderOps.createPickupPoint.response,
    status: 201,
    rpc: leaderOps.createPickupPoint,
    toRpc: ({ body, actor }) => ({ actor, ...body }),
  }),
  defineRoute({
    method: 'PATCH',
    path: '/v1/pickup-points/:pickupPointId',
    summary: 'Change a pickup point (the leader who runs it, or ops)',
    description: 'Only the fields sent change. A compound with residents bound through the point cannot be dropped.',
    tags: points,
    auth: { roles: ['leader', 'ops'] },
    params: PointParams,
    body: leaderOps.PickupPointPatchSchema,
    response: leaderOps.updatePickupPoint.response,
    rpc: leaderOps.updatePickupPoint,
    toRpc: ({ params, body, actor }) => ({ actor, pickupPointId: params.pickupPointId, patch: body }),
  }),
  defineRoute({
    method: 'GET',
    path: '/v1/pickup-points/:pickupPointId',
    summary: 'One pickup point',
    tags: points,
    auth: { roles: 'any-signed-in' },
    params: PointParams,
    response: leaderOps.getPickupPoint.response,
    rpc: leaderOps.getPickupPoint,
    toRpc: ({ params, actor }) => ({ actor, pickupPointId: params.pickupPointId }),
  }),
  defineRoute({
    method: 'GET',
    path: '/v1/pickup-points',
    summary: 'Pickup points serving a compound or run by a leader',
    description: 'Active points unless `status=suspended`.',
    tags: points,
    auth: { roles: 'any-signed-in' },
    query: PointsQuery,
    response: leaderOps.listPickupPoints.response,
    rpc: leaderOps.listPickupPoints,
    toRpc: ({ query, actor }) => ({ actor, ...query }),
  }),
  defineRoute({
    method: 'PUT',
    path: '/v1/me/pickup-point',
    summary: 'Choose the pickup point the caller collects from',
    description: 'The point must be active and serve the compound the caller lives in. The previous choice stays in the history.',
    tags: me,
    auth: { roles: 'any-signed-in' },
    body: BindBody,
    response: leaderOps.bindResident.response,
    rpc: leaderOps.bindResident,
    toRpc: ({ body, actor }) => ({ actor, ...body }),
  }),
  defineRoute({
    method: 'GET',
    path: '/v1/me/pickup-point',
    summary: "The caller's pickup point and the history of their choices",
    tags: me,
    auth: { roles: 'any-signed-in' },
    response: leaderOps.getBinding.response,
    rpc: leaderOps.getBinding,
    toRpc: ({ actor }) => ({ actor }),
  }),
  defineRoute({
    method: 'GET',
    path: '/v1/ops/users/:userId/pickup-point',
    summary: "A resident's pickup point and its history",
    tags: ops,
    auth: { roles: ['ops'] },
    params: UserParams,
    response: leaderOps.getBinding.response,
    rpc: leaderOps.getBinding,
    toRpc: ({ params, actor }) => ({ actor, userId: params.userId }),
  }),
];
