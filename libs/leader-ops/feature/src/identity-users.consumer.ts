import { Inject, Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { identity, leaderOps as contracts, type EventData } from '@linli/contracts';
import { ApplicationsRepository, BindingsRepository, PickupPointsRepository, type Prisma } from '@linli/leader-ops-data-access';
import { EventConsumers, enqueueEvent, redactPublishedEvents } from '@linli/nest-kit';
import { toPickupPoint } from './leader-ops.mappers.js';
import { applicationsToWithdraw, endOf, mergeBindings } from './leader-ops.rules.js';
import { lockKey, type Tx } from './leader-ops.transaction.js';

/** Durable consumer name; one consumer for both subjects keeps a merge and a later erasure in order. */
export const IDENTITY_USERS_CONSUMER = 'leader-ops-identity-users';

/**
 * Keeps leader-ops' user data in step with identity:
 * - `identity.user.erased.v1`: deletes the user's bindings (with their history), clears the personal
 *   text of their applications (and withdraws pending ones), and suspends the pickup points they ran;
 * - `identity.user.merged.v1`: moves the merged account's applications, pickup points and bindings to
 *   the surviving account.
 * Each event runs in the transaction that records it as processed, so a redelivery changes nothing.
 */
@Injectable()
export class IdentityUsersConsumer implements OnApplicationBootstrap {
  private readonly logger = new Logger('IdentityUsersConsumer');

  constructor(@Inject(EventConsumers) private readonly consumers: EventConsumers<Prisma.TransactionClient>) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.consumers.start({
      durable: IDENTITY_USERS_CONSUMER,
      domain: 'identity',
      contracts: [identity.userErased, identity.userMerged],
      handle: async (event, tx) => {
        if (event.subject === identity.userErased.subject) {
          const { userId } = event.data as EventData<typeof identity.userErased>;
          await eraseUser(tx, userId);
          await redactPublishedEvents(tx, userId);
        } else if (event.subject === identity.userMerged.subject) {
          const { sourceUserId, targetUserId } = event.data as EventData<typeof identity.userMerged>;
          await mergeUsers(tx, sourceUserId, targetUserId);
        }
        this.logger.log(`${event.subject} ${event.id} applied`);
      },
    });
  }
}

const applications = new ApplicationsRepository();
const bindings = new BindingsRepository();
const points = new PickupPointsRepository();

/** Deletes or anonymises everything leader-ops holds about a user. Idempotent. */
export async function eraseUser(tx: Tx, userId: string): Promise<void> {
  await lockKey(tx, `binding:${userId}`);
  const now = new Date();
  await bindings.forget(tx, userId);
  await applications.withdraw(tx, { pendingOf: userId }, now, 'applicant account erased');
  await applications.erasePersonalText(tx, userId, now);
  for (const id of await points.idsLedBy(tx, userId, true)) {
    const row = await points.update(tx, id, { status: 'suspended' });
    await enqueueEvent(tx, contracts.pickupPointUpserted, toPickupPoint(row));
  }
}

/** Re-keys a merged account's rows to the surviving account. Idempotent: a second run finds nothing left to move. */
export async function mergeUsers(tx: Tx, sourceUserId: string, targetUserId: string): Promise<void> {
  if (sourceUserId === targetUserId) return;
  // Lock both users' bindings in a fixed order so a concurrent bind cannot interleave.
  for (const userId of [sourceUserId, targetUserId].sort()) await lockKey(tx, `binding:${userId}`);
  const now = new Date();

  const applicationsOf = async (userId: string) =>
    (await applications.ofUser(tx, userId)).map((a) => ({
      ...a,
      status: a.status as contracts.ApplicationStatus,
    }));
  const withdraw = applicationsToWithdraw(await applicationsOf(sourceUserId), await applicationsOf(targetUserId));
  if (withdraw.length > 0) {
    await applications.withdraw(tx, { ids: withdraw.map((a) => a.id) }, now, 'accounts merged');
  }
  await applications.moveAll(tx, sourceUserId, targetUserId);

  for (const id of await points.idsLedBy(tx, sourceUserId, false)) {
    const row = await points.update(tx, id, { leaderUserId: targetUserId });
    await enqueueEvent(tx, contracts.pickupPointUpserted, toPickupPoint(row));
  }

  const sourceCurrent = await bindings.current(tx, sourceUserId);
  const targetCurrent = await bindings.current(tx, targetUserId);
  const plan = mergeBindings(sourceCurrent ?? null, targetCurrent ?? null);
  if (plan.end) {
    await bindings.end(tx, plan.end.id, endOf(plan.end.boundAt, now), 'merged');
  }
  await bindings.moveAll(tx, sourceUserId, targetUserId);
  if (plan.inherit) {
    await enqueueEvent(tx, contracts.residentBound, {
      userId: targetUserId,
      pickupPointId: plan.inherit.pickupPointId,
      compoundId: plan.inherit.compoundId,
      previousPickupPointId: null,
      boundAt: plan.inherit.boundAt.toISOString(),
    });
  }
}
