import { randomUUID } from 'node:crypto';
import { communities, growth, identity, orders, personalDataExport, type Actor } from '@linli/contracts';
import { anActor, codeOf, waitUntil } from '@linli/testing';
import { GrowthJobs } from './growth.jobs.js';
import { anOrder, deliver, eventsAbout, startGrowth, type Harness } from './growth.test-harness.js';

let h: Harness;
const ops: Actor = anActor(['ops']);
const COMPOUND = 'compound-growth';

beforeAll(async () => {
  h = await startGrowth();
});

afterAll(async () => {
  await h?.close();
});

const now = () => new Date().toISOString();
const balanceOf = async (actor: Actor) => (await h.rpc.request(growth.getStatement, { actor, limit: 100 })).balance;
const tierOf = async (actor: Actor) => (await h.rpc.request(growth.getTier, { actor })).tier;

async function register(actor: Actor, inviteCode?: string): Promise<void> {
  await deliver(h, identity.userRegistered, { userId: actor.userId, channel: 'phone', registeredAt: now(), ...(inviteCode ? { inviteCode } : {}) });
}

async function pickUp(actor: Actor, order = anOrder(actor.userId, { compoundId: COMPOUND })): Promise<orders.OrderEventBase> {
  await deliver(h, orders.orderPaid, { ...order, status: 'paid', paymentId: randomUUID(), paidCents: order.totalCents });
  await deliver(h, orders.orderPickedUp, order);
  return order;
}

const place = { compoundId: COMPOUND, pickupPointId: null };

describe('the 7-day plan from events: sign-up with a code, order, pickup, community, event, survey → 常客', () => {
  it('earns points once per source, upgrades at once, completes steps, rewards the inviter after the first pickup', async () => {
    const inviter = anActor();
    await register(inviter);
    await deliver(h, identity.profileUpdated, { userId: inviter.userId, profile: { compoundId: COMPOUND }, declared: { compoundId: now() } });
    const invite = await h.rpc.request(growth.getInvite, { actor: inviter });
    expect(invite.code).toMatch(/^[A-Z2-9]{8}$/);
    await h.rpc.request(growth.recordShare, { actor: inviter, channel: 'wechat' });

    const resident = anActor();
    await register(resident, invite.code.toLowerCase());
    expect((await h.rpc.request(growth.getInvite, { actor: resident })).invitedBy).toBe(inviter.userId);
    await h.events.waitFor(() => eventsAbout(h, growth.referralAttributed.subject, (d) => d.inviteeUserId === resident.userId).length === 1);
    // one recorded share explains the one sign-up: no extra invitation counted
    expect(eventsAbout(h, growth.inviteSent.subject, (d) => d.inviterUserId === inviter.userId).map((e) => (e.data as any).channel)).toEqual(['wechat']);

    // first order (49.90 yuan of dairy → 49 points) and its pickup (+50 first-pickup bonus)
    const order = await pickUp(resident);
    expect(await balanceOf(resident)).toBe(49 + 50);
    // the same pickup again, under another event id, and the order's completion: nothing more
    await deliver(h, orders.orderPickedUp, order);
    await deliver(h, orders.orderCompleted, { ...order, status: 'completed' });
    expect(await balanceOf(resident)).toBe(99);
    expect(await balanceOf(inviter)).toBe(200);
    await h.events.waitFor(() => eventsAbout(h, growth.referralConverted.subject, (d) => d.inviteeUserId === resident.userId).length === 1);
    expect(eventsAbout(h, growth.referralConverted.subject, (d) => d.inviteeUserId === resident.userId)[0]!.data).toMatchObject({ inviterUserId: inviter.userId, orderId: order.orderId, pointsAwarded: 200, compoundId: COMPOUND });
    expect((await h.rpc.request(growth.listBadges, { actor: inviter })).badges.map((b) => b.badgeId)).toEqual(['first-referral']);
    expect(await tierOf(resident)).toBe('newcomer');

    const community = { communityId: randomUUID(), scope: 'compound' as const, ...place };
    await deliver(h, communities.memberJoined, { ...community, userId: resident.userId, role: 'member', joinedAt: now() });
    const ev = { eventId: randomUUID(), communityId: community.communityId, ...place, organiserUserId: inviter.userId };
    await deliver(h, communities.checkedIn, { ...ev, userId: resident.userId, checkedInAt: now() });
    expect(await tierOf(resident)).toBe('newcomer'); // score 1+3+1+2 = 7 < 8
    await deliver(h, communities.surveyAnswered, {
      surveyId: randomUUID(),
      responseId: randomUUID(),
      userId: resident.userId,
      kind: 'nps',
      score: 9,
      trigger: 'pickup',
      ...place,
      pickupPointId: null,
      leaderUserId: null,
      answeredAt: now(),
    });
    expect(await tierOf(resident)).toBe('regular');
    expect(await balanceOf(resident)).toBe(99 + 5 + 20 + 10);
    const tier = await h.rpc.request(growth.getTier, { actor: resident });
    expect(tier).toMatchObject({ tier: 'regular', tierName: '常客', perks: { voteWeight: 2 }, progress: { score: 8, next: { tier: 'co-builder' } } });
    await h.events.waitFor(() => eventsAbout(h, growth.tierChanged.subject, (d) => d.userId === resident.userId).length === 1);
    expect(eventsAbout(h, growth.tierChanged.subject, (d) => d.userId === resident.userId)[0]!.data).toMatchObject({ from: 'newcomer', to: 'regular', direction: 'up', reason: 'activity', perks: { voteWeight: 2 } });

    const plan = (await h.rpc.request(growth.myJourney, { actor: resident })).journeys.find((j) => j.journeyId === 'seven-day')!;
    expect(plan.completed).toBe(true);
    expect(plan.steps.every((s) => s.completedAt !== null)).toBe(true);
    // the organiser's event was attended
    expect((await h.rpc.request(growth.listBadges, { actor: inviter })).badges.map((b) => b.badgeId).sort()).toEqual(['event-organiser', 'first-referral']);

    const funnel = await h.rpc.request(growth.journeyFunnel, { actor: ops, journeyId: 'seven-day' });
    expect(funnel.enrolled).toBeGreaterThanOrEqual(2);
    expect(funnel.steps.find((s) => s.stepId === 'reach-regular')!.completed).toBeGreaterThanOrEqual(1);
    expect(await codeOf(h.rpc.request(growth.journeyFunnel, { actor: resident, journeyId: 'seven-day' }))).toBe('AUTH.FORBIDDEN');
    expect(await codeOf(h.rpc.request(growth.journeyFunnel, { actor: ops, journeyId: 'nope' }))).toBe('GROWTH.JOURNEY_NOT_FOUND');
  });
});

describe('referral refusals', () => {
  it('refuses self-referral, unknown codes, a second attribution and loops; a sign-up with a bad code is recorded, not failed', async () => {
    const a = anActor();
    const b = anActor();
    await register(a);
    await register(b);
    const codeA = (await h.rpc.request(growth.getInvite, { actor: a })).code;
    const codeB = (await h.rpc.request(growth.getInvite, { actor: b })).code;
    expect(await codeOf(h.rpc.request(growth.claimInvite, { actor: a, code: codeA }))).toBe('GROWTH.SELF_REFERRAL');
    expect(await codeOf(h.rpc.request(growth.claimInvite, { actor: a, code: 'ZZZZ9999' }))).toBe('GROWTH.INVITE_CODE_UNKNOWN');
    await h.rpc.request(growth.claimInvite, { actor: b, code: codeA }); // a invited b
    expect(await codeOf(h.rpc.request(growth.claimInvite, { actor: b, code: codeA }))).toBe('GROWTH.ALREADY_ATTRIBUTED');
    expect(await codeOf(h.rpc.request(growth.claimInvite, { actor: a, code: codeB }))).toBe('GROWTH.REFERRAL_LOOP');

    const c = anActor();
    await register(c, 'NOSUCHCODE');
    expect(await h.db.growthReferralRefusal.findMany({ where: { inviteeUserId: c.userId }, select: { reason: true } })).toEqual([{ reason: 'GROWTH.INVITE_CODE_UNKNOWN' }]);
    await pickUp(c);
    expect(await codeOf(h.rpc.request(growth.claimInvite, { actor: c, code: codeA }))).toBe('GROWTH.ATTRIBUTION_CLOSED');
  });
});

describe("orders' lifecycle and spends", () => {
  it('a cancelled order gives its points back; a paid one keeps them spent', async () => {
    const member = anActor();
    await h.rpc.request(growth.adjustPoints, { actor: ops, userId: member.userId, delta: 100, reason: 'goodwill', idempotencyKey: `g-${member.userId}` });
    const kept = anOrder(member.userId);
    const dropped = anOrder(member.userId);
    await h.rpc.request(growth.reservePoints, { actor: member, points: 30, reference: { kind: 'order', id: kept.orderId }, idempotencyKey: `k-${kept.orderId}` });
    await h.rpc.request(growth.reservePoints, { actor: member, points: 50, reference: { kind: 'order', id: dropped.orderId }, idempotencyKey: `k-${dropped.orderId}` });
    expect(await balanceOf(member)).toBe(20);
    await deliver(h, orders.orderPaid, { ...kept, status: 'paid', paymentId: randomUUID(), paidCents: kept.totalCents });
    await deliver(h, orders.orderCancelled, { ...dropped, status: 'cancelled', reason: 'changed my mind' });
    const s = await h.rpc.request(growth.getStatement, { actor: member, limit: 50 });
    expect({ balance: s.balance, held: s.held }).toEqual({ balance: 70, held: 0 });
    // paid, then cancelled (refunded): the committed points come back too
    await deliver(h, orders.orderCancelled, { ...kept, status: 'cancelled', reason: 'refunded' });
    expect(await balanceOf(member)).toBe(100);
  });
});

describe('tiers: grants, the monthly review and governance', () => {
  it('downgrades only at the monthly review, with notice; backing needs the tier; votes keep their tier weight', async () => {
    const member = anActor();
    const granted = await h.rpc.request(growth.grantTier, { actor: ops, userId: member.userId, tier: 'co-builder', reason: 'founder of the baking community' });
    expect(granted.tier).toBe('co-builder');
    expect(await codeOf(h.rpc.request(growth.grantTier, { actor: member, userId: member.userId, tier: 'co-builder', reason: 'me me me' }))).toBe('AUTH.FORBIDDEN');

    const proposalId = randomUUID();
    await deliver(h, communities.proposalCreated, { proposalId, communityId: null, proposerUserId: member.userId, title: '全麦面包 Wholewheat bread', createdAt: now() });
    const newcomer = anActor();
    await deliver(h, communities.proposalVoted, { proposalId, userId: newcomer.userId, weight: 1, votedAt: now() });
    await deliver(h, communities.proposalVoted, { proposalId, userId: member.userId, weight: 3, votedAt: now() });
    await h.rpc.request(growth.adjustPoints, { actor: ops, userId: newcomer.userId, delta: 100, reason: 'goodwill', idempotencyKey: `g-${newcomer.userId}` });
    expect(await codeOf(h.rpc.request(growth.backProposal, { actor: newcomer, proposalId, points: 10, idempotencyKey: 'back-newcomer' }))).toBe('GROWTH.TIER_TOO_LOW');
    expect(await codeOf(h.rpc.request(growth.backProposal, { actor: member, proposalId: randomUUID(), points: 10, idempotencyKey: 'back-unknown' }))).toBe('GROWTH.PROPOSAL_NOT_FOUND');
    // member earned 20 for the proposal and 2 for the vote
    const backing = await h.rpc.request(growth.backProposal, { actor: member, proposalId, points: 15, idempotencyKey: 'back-member-1' });
    expect(await h.rpc.request(growth.backProposal, { actor: member, proposalId, points: 15, idempotencyKey: 'back-member-1' })).toEqual(backing);
    expect(backing).toMatchObject({ totalPoints: 15, backers: [{ userId: member.userId, points: 15, tier: 'co-builder' }], votes: { count: 2, weighted: 1 + 3, byTier: { newcomer: 1, 'co-builder': 1 } } });
    expect(await codeOf(h.rpc.request(growth.backProposal, { actor: member, proposalId, points: 100, idempotencyKey: 'back-member-2' }))).toBe('GROWTH.INSUFFICIENT_POINTS');

    // activity alone never takes a tier away; the review of a month does, once, with a nudge as notice
    const jobs = h.app.get(GrowthJobs);
    const month = `2${String(100 + Math.floor(Math.random() * 800))}-0${1 + Math.floor(Math.random() * 9)}`; // a month after the grant
    const first = await jobs.review(ops, month);
    expect(first.alreadyRun).toBe(false);
    expect(first.downgraded).toBeGreaterThanOrEqual(1);
    expect((await jobs.review(ops, month)).alreadyRun).toBe(true);
    // a month that ended before the grant does not judge it
    expect((await jobs.review(ops, '2001-01')).downgraded).toBe(0);
    expect(await tierOf(member)).toBe('newcomer');
    await h.events.waitFor(() => eventsAbout(h, growth.journeyNudge.subject, (d) => d.userId === member.userId && d.journeyId === 'tier-review').length === 1);
    const changes = eventsAbout(h, growth.tierChanged.subject, (d) => d.userId === member.userId).map((e) => e.data as { to: string; reason: string });
    expect(changes.map((d) => `${d.to}:${d.reason}`)).toEqual(['co-builder:granted', 'newcomer:monthly-review']);
  });
});

describe('nudges and expiry jobs', () => {
  it('nudges the earliest open step once its day has come, once', async () => {
    const member = anActor();
    await register(member);
    const jobs = h.app.get(GrowthJobs);
    const later = new Date(Date.now() + 2 * 86_400_000 + 60_000); // day 3
    await jobs.runOnce(later);
    await jobs.runOnce(later);
    await h.events.waitFor(() => eventsAbout(h, growth.journeyNudge.subject, (d) => d.userId === member.userId).length >= 2);
    const nudges = eventsAbout(h, growth.journeyNudge.subject, (d) => d.userId === member.userId).map((e) => `${(e.data as any).journeyId}/${(e.data as any).stepId}`);
    expect(nudges.slice(0, 2).sort()).toEqual(['seven-day/first-order', 'seven-day/first-pickup'].sort());
    expect(new Set(nudges).size).toBe(nudges.length);
  });
});

describe("the person's data copy", () => {
  it("holds growth's sections for the person and only theirs", async () => {
    const member = anActor();
    await register(member);
    await pickUp(member);
    const other = anActor();
    await register(other);
    await pickUp(other);
    const copy = await h.rpc.request(personalDataExport.communities, { actor: member, userId: member.userId, userIds: [member.userId] });
    const entries = copy.sections['points-entries'] as { userId: string; kind: string; delta: number }[];
    // purchase points and the first-pickup bonus (one transaction: same timestamp, any order)
    expect(entries.map((e) => `${e.kind}:${e.delta}`).sort()).toEqual(['earn:49', 'earn:50']);
    expect(new Set(entries.map((e) => e.userId))).toEqual(new Set([member.userId]));
    expect(copy.sections['growth-members']).toEqual([expect.objectContaining({ userId: member.userId, tier: 'newcomer' })]);
    expect(await codeOf(h.rpc.request(personalDataExport.communities, { actor: other, userId: member.userId, userIds: [member.userId] }))).toBe('AUTH.FORBIDDEN');
  });
});

/** Columns of growth's tables (all but the outbox) whose text mentions a value. */
async function placesHolding(value: string): Promise<string[]> {
  const columns = await h.db.$queryRawUnsafe<{ t: string; c: string }[]>(
    `SELECT table_name::text AS t, column_name::text AS c FROM information_schema.columns
      WHERE table_schema = 'public' AND table_name NOT IN ('outbox_events', 'processed_events', '_prisma_migrations') AND data_type IN ('uuid', 'text', 'character varying', 'jsonb')`,
  );
  const found: string[] = [];
  for (const { t, c } of columns) {
    const rows = await h.db.$queryRawUnsafe<unknown[]>(`SELECT 1 FROM "${t}" WHERE "${c}"::text LIKE '%' || $1 || '%' LIMIT 1`, value);
    if (rows.length) found.push(`${t}.${c}`);
  }
  return found;
}

describe('erasure', () => {
  it('forgets an erased person everywhere in growth, keeps the journal balanced, and leaves the inviter their reward', async () => {
    const inviter = anActor();
    await register(inviter);
    const code = (await h.rpc.request(growth.getInvite, { actor: inviter })).code;
    const member = anActor();
    await register(member, code);
    await pickUp(member);
    await h.rpc.request(growth.reservePoints, { actor: member, points: 20, reference: { kind: 'order', id: randomUUID() }, idempotencyKey: `erase-${member.userId}` });
    await h.rpc.request(growth.getInvite, { actor: member });
    const inviterBefore = await h.rpc.request(growth.getStatement, { actor: inviter, limit: 50 });
    expect(await placesHolding(member.userId)).not.toEqual([]);

    await deliver(h, identity.userErased, { userId: member.userId, erasedAt: now() });
    // (the communities module forgets its own rows through its own consumer)
    await waitUntil(async () => (await placesHolding(member.userId)).length === 0, 10_000, 'erased everywhere').catch(async () => expect(await placesHolding(member.userId)).toEqual([]));
    expect(await h.rpc.request(growth.getStatement, { actor: inviter, limit: 50 })).toEqual(inviterBefore);
    const totals = await h.db.$queryRawUnsafe<{ total: number }[]>('SELECT coalesce(sum(amount), 0)::int AS total FROM points_lines');
    expect(totals[0]!.total).toBe(0);
    // outside erasure the journal still refuses changes
    await expect(h.db.$executeRawUnsafe('UPDATE points_lines SET amount = amount WHERE false OR true')).rejects.toThrow(/append-only/);
  });
});
