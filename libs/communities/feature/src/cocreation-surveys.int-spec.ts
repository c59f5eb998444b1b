import { randomUUID } from 'node:crypto';
import { communities as c, identity, orders, personalDataExport } from '@linli/contracts';
import { anActor, codeOf, waitUntil } from '@linli/testing';
import { aPlace, aResident, anOrder, feed, ops, paid, rawRequest, startCommunities, waitForEvent, type Harness, type Place } from './communities.test-harness.js';

let h: Harness;
let place: Place;

beforeAll(async () => {
  h = await startCommunities();
  place = await aPlace(h);
});

afterAll(async () => {
  await h?.close();
});

describe('co-creation', () => {
  it('takes one vote and one feedback per resident, launches to SKUs, and computes launch conversion from paid orders in the campaign', async () => {
    const community = await h.rpc.request(c.createCommunity, { actor: place.leader, name: '轻食生活圈', scope: 'pickup-point', pickupPointId: place.pickupPointId });
    const [proposer, voter, member, outsider] = [await aResident(h, place), await aResident(h, place), await aResident(h, place), anActor()];
    for (const actor of [proposer, voter, member]) await h.rpc.request(c.joinCommunity, { actor, communityId: community.communityId });

    const proposal = await h.rpc.request(c.createProposal, { actor: proposer, communityId: community.communityId, title: '低糖全麦面包', description: '少糖，高纤维' });
    await waitForEvent(h, c.proposalCreated.subject, (d) => d.proposalId === proposal.proposalId);
    expect(await codeOf(h.rpc.request(c.createProposal, { actor: outsider, communityId: community.communityId, title: 'x' }))).toBe('COMMUNITIES.NOT_MEMBER');

    const voted = await h.rpc.request(c.voteProposal, { actor: voter, proposalId: proposal.proposalId });
    expect([voted.votes, voted.myVote]).toEqual([1, true]);
    expect(await codeOf(h.rpc.request(c.voteProposal, { actor: voter, proposalId: proposal.proposalId }))).toBe('COMMUNITIES.ALREADY_VOTED');
    expect(await codeOf(h.rpc.request(c.voteProposal, { actor: outsider, proposalId: proposal.proposalId }))).toBe('COMMUNITIES.NOT_MEMBER');
    expect(await h.db.proposalVote.count({ where: { proposalId: proposal.proposalId } })).toBe(1);
    await waitForEvent(h, c.proposalVoted.subject, (d) => d.userId === voter.userId && d.weight === 1);

    await h.rpc.request(c.giveFeedback, { actor: proposer, proposalId: proposal.proposalId, taste: 4, priceCents: 1500, packSize: '400 g' });
    const withFeedback = await h.rpc.request(c.giveFeedback, { actor: voter, proposalId: proposal.proposalId, taste: 5, priceCents: 1800, packSize: '400 g' });
    expect(withFeedback.feedback).toEqual({ round: 1, responses: 2, meanTaste: 4.5, medianPriceCents: 1500, packSizes: { '400 g': 2 } });
    expect(await codeOf(h.rpc.request(c.giveFeedback, { actor: voter, proposalId: proposal.proposalId, taste: 1, priceCents: 1, packSize: 'x' }))).toBe('COMMUNITIES.FEEDBACK_ALREADY_GIVEN');

    // ops open a second round (the recipe changed): the voter answers again; round 1 stays as it was
    expect(await codeOf(h.rpc.request(c.nextFeedbackRound, { actor: proposer, proposalId: proposal.proposalId }))).toBe('AUTH.FORBIDDEN');
    expect((await h.rpc.request(c.nextFeedbackRound, { actor: ops, proposalId: proposal.proposalId })).feedback).toMatchObject({ round: 2, responses: 0 });
    const second = await h.rpc.request(c.giveFeedback, { actor: voter, proposalId: proposal.proposalId, taste: 3, priceCents: 1200, packSize: '200 g' });
    expect(second.feedbackRounds).toEqual([
      { round: 1, responses: 2, meanTaste: 4.5, medianPriceCents: 1500, packSizes: { '400 g': 2 } },
      { round: 2, responses: 1, meanTaste: 3, medianPriceCents: 1200, packSizes: { '200 g': 1 } },
    ]);

    const [sku, otherSku, campaignId] = [randomUUID(), randomUUID(), randomUUID()];
    expect(await codeOf(h.rpc.request(c.launchProposal, { actor: place.leader, proposalId: proposal.proposalId, skuIds: [sku], campaignId }))).toBe('AUTH.FORBIDDEN');
    const launched = await h.rpc.request(c.launchProposal, { actor: ops, proposalId: proposal.proposalId, skuIds: [sku], campaignId });
    expect(launched.conversion).toEqual({ coCreators: 2, coCreatorBuyers: 0, coCreatorRate: 0, members: 4, memberBuyers: 0, memberRate: 0, buyers: 0 });
    expect((await waitForEvent(h, c.proposalLaunched.subject, (d) => d.proposalId === proposal.proposalId)).data).toMatchObject({ skuIds: [sku], campaignId });
    expect(await codeOf(h.rpc.request(c.launchProposal, { actor: ops, proposalId: proposal.proposalId, skuIds: [sku], campaignId }))).toBe('COMMUNITIES.PROPOSAL_CLOSED');
    expect(await codeOf(h.rpc.request(c.voteProposal, { actor: member, proposalId: proposal.proposalId }))).toBe('COMMUNITIES.PROPOSAL_CLOSED');

    // the voter buys it in the launch campaign (paid, then picked up: counted once); the member buys it
    // in another campaign and something else in this one (neither counts); an outsider buys it (a buyer only)
    const voterOrder = anOrder(voter.userId, place, campaignId, [{ skuId: sku }]);
    await feed(h, orders.orderPaid, paid(voterOrder));
    await feed(h, orders.orderPaid, paid(voterOrder));
    await feed(h, orders.orderPaid, paid(anOrder(member.userId, place, randomUUID(), [{ skuId: sku }])));
    await feed(h, orders.orderPaid, paid(anOrder(member.userId, place, campaignId, [{ skuId: otherSku }])));
    const outsiderOrder = anOrder(outsider.userId, place, campaignId, [{ skuId: otherSku }, { skuId: sku }]);
    await feed(h, orders.orderPaid, paid(outsiderOrder));
    const after = await h.rpc.request(c.getProposal, { actor: member, proposalId: proposal.proposalId });
    expect(after.conversion).toEqual({ coCreators: 2, coCreatorBuyers: 1, coCreatorRate: 0.5, members: 4, memberBuyers: 1, memberRate: 0.25, buyers: 2 });

    // a partial refund still counts; the outsider's order cancelled after payment does not
    await feed(h, orders.orderRefunded, {
      ...voterOrder,
      status: 'paid',
      refundId: randomUUID(),
      reason: 'shortage',
      amountCents: 100,
      refundedCents: 100,
      refundLines: [{ lineId: voterOrder.lines[0]!.lineId, quantity: 1, amountCents: 100 }],
    });
    await feed(h, orders.orderCancelled, { ...outsiderOrder, status: 'cancelled', reason: 'changed my mind' });
    expect((await h.rpc.request(c.getProposal, { actor: member, proposalId: proposal.proposalId })).conversion).toMatchObject({ coCreatorBuyers: 1, memberBuyers: 1, buyers: 1 });
  });
});

describe('surveys', () => {
  it('offers the NPS question after a pickup at most once per 30 days and publishes the answer with its place and leader', async () => {
    const resident = await aResident(h, place);
    expect(await codeOf(h.rpc.request(c.answerSurvey, { actor: resident, surveyId: c.NPS_SURVEY_ID, score: 9 }))).toBe('COMMUNITIES.SURVEY_NOT_OFFERED');
    await feed(h, orders.orderPickedUp, anOrder(resident.userId, place, randomUUID(), [{ skuId: randomUUID() }], 'picked_up'));
    await feed(h, orders.orderPickedUp, anOrder(resident.userId, place, randomUUID(), [{ skuId: randomUUID() }], 'picked_up'));
    expect(await h.db.surveyOffer.count({ where: { userId: resident.userId } })).toBe(1);
    const { surveys } = await h.rpc.request(c.pendingSurveys, { actor: resident });
    expect(surveys.map((s) => [s.surveyId, s.kind, s.trigger])).toEqual([[c.NPS_SURVEY_ID, 'nps', 'pickup']]);

    // out of range: refused at the edge with a code, nothing written
    const bad = await rawRequest(h, c.answerSurvey.subject, { actor: resident, surveyId: c.NPS_SURVEY_ID, score: 11 });
    expect([bad.ok, bad.error?.code]).toEqual([false, 'COMMON.VALIDATION_FAILED']);
    expect(await codeOf(h.rpc.request(c.answerSurvey, { actor: resident, surveyId: c.NPS_SURVEY_ID }))).toBe('COMMUNITIES.SCORE_REQUIRED');
    expect(await h.db.surveyResponse.count({ where: { userId: resident.userId } })).toBe(0);

    const answer = await h.rpc.request(c.answerSurvey, { actor: resident, surveyId: c.NPS_SURVEY_ID, score: 9, reason: '团长很热心' });
    expect([answer.score, answer.trigger]).toEqual([9, 'pickup']);
    const event = await waitForEvent(h, c.surveyAnswered.subject, (d) => d.userId === resident.userId);
    expect(event.data).toMatchObject({ kind: 'nps', score: 9, trigger: 'pickup', compoundId: place.compoundId, pickupPointId: place.pickupPointId, leaderUserId: place.leader.userId });
    expect(await codeOf(h.rpc.request(c.answerSurvey, { actor: resident, surveyId: c.NPS_SURVEY_ID, score: 3 }))).toBe('COMMUNITIES.SURVEY_NOT_OFFERED');

    // 30 days later it is offered again
    await h.db.npsOfferClock.update({ where: { userId: resident.userId }, data: { lastOfferedAt: new Date(Date.now() - 31 * 86_400_000) } });
    await feed(h, orders.orderPickedUp, anOrder(resident.userId, place, randomUUID(), [{ skuId: randomUUID() }], 'picked_up'));
    expect(await h.db.surveyOffer.count({ where: { userId: resident.userId } })).toBe(2);
  });

  it('lets ops create a generic survey that each resident answers once', async () => {
    const resident = await aResident(h, place);
    expect(await codeOf(h.rpc.request(c.createSurvey, { actor: resident, title: 't', question: 'q' }))).toBe('AUTH.FORBIDDEN');
    const survey = await h.rpc.request(c.createSurvey, { actor: ops, title: '取货时间', question: '您更喜欢几点取货？', compoundId: place.compoundId });
    expect((await h.rpc.request(c.pendingSurveys, { actor: resident })).surveys.map((s) => s.surveyId)).toContain(survey.surveyId);
    const answer = await h.rpc.request(c.answerSurvey, { actor: resident, surveyId: survey.surveyId, reason: '傍晚六点' });
    expect([answer.score, answer.trigger]).toEqual([null, 'ops']);
    expect(await codeOf(h.rpc.request(c.answerSurvey, { actor: resident, surveyId: survey.surveyId, reason: 'again' }))).toBe('COMMUNITIES.ALREADY_ANSWERED');
    expect(await codeOf(h.rpc.request(c.answerSurvey, { actor: anActor(), surveyId: survey.surveyId }))).toBe('COMMUNITIES.SURVEY_NOT_OFFERED');
    expect((await h.rpc.request(c.pendingSurveys, { actor: resident })).surveys.map((s) => s.surveyId)).not.toContain(survey.surveyId);
  });
});

describe('personal data', () => {
  it("exports a resident's memberships, posts and answers, to themselves or ops only", async () => {
    const community = await h.rpc.request(c.createCommunity, { actor: ops, name: 'Export City', scope: 'city' });
    const resident = await aResident(h, place, { nickname: '导出' });
    await h.rpc.request(c.joinCommunity, { actor: resident, communityId: community.communityId });
    await h.rpc.request(c.createPost, { actor: resident, communityId: community.communityId, body: 'mine' });
    const copy = await h.rpc.request(personalDataExport.communities, { actor: resident, userId: resident.userId, userIds: [resident.userId] });
    expect(copy.service).toBe('communities');
    expect(copy.sections.memberships).toEqual([expect.objectContaining({ community: 'Export City', role: 'member' })]);
    expect(copy.sections.posts).toEqual([expect.objectContaining({ body: 'mine' })]);
    expect(copy.sections.profile).toEqual([expect.objectContaining({ displayName: '导出' })]);
    expect(await codeOf(h.rpc.request(personalDataExport.communities, { actor: anActor(), userId: resident.userId, userIds: [resident.userId] }))).toBe('AUTH.FORBIDDEN');
  });
});

describe('erasure', () => {
  it("deletes an erased resident's content and memberships, passes their seat on, and keeps their score anonymously", async () => {
    const community = await h.rpc.request(c.createCommunity, { actor: ops, name: 'City', scope: 'city' });
    const [gone, next] = [await aResident(h, place), await aResident(h, place)];
    await h.rpc.request(c.joinCommunity, { actor: gone, communityId: community.communityId });
    await h.rpc.request(c.createPost, { actor: gone, communityId: community.communityId, body: 'hi' });
    const idea = await h.rpc.request(c.createProposal, { actor: gone, communityId: community.communityId, title: 'An idea that stays' });
    const event = await h.rpc.request(c.createEvent, {
      actor: ops,
      title: 'One seat',
      startsAt: new Date(Date.now() + 3_600_000).toISOString(),
      endsAt: new Date(Date.now() + 7_200_000).toISOString(),
      address: 'Gate 2',
      capacity: 1,
    });
    await h.rpc.request(c.rsvp, { actor: gone, eventId: event.eventId });
    await h.rpc.request(c.rsvp, { actor: next, eventId: event.eventId });
    await feed(h, orders.orderPickedUp, anOrder(gone.userId, place, randomUUID(), [{ skuId: randomUUID() }], 'picked_up'));
    await h.rpc.request(c.answerSurvey, { actor: gone, surveyId: c.NPS_SURVEY_ID, score: 2 });

    const erasure = await feed(h, identity.userErased, { userId: gone.userId, erasedAt: new Date().toISOString() });
    // the growth module of the service forgets them through its own consumer of the same event
    await waitUntil(async () => (await h.db.processedEvent.count({ where: { eventId: erasure, consumer: { startsWith: 'communities-growth-' } } })) === 1, 10_000, 'growth erasure');
    expect(await h.db.communityPost.count({ where: { authorUserId: gone.userId } })).toBe(0);
    expect(await h.db.communityMember.count({ where: { userId: gone.userId } })).toBe(0);
    expect(await h.db.cmResident.count({ where: { userId: gone.userId } })).toBe(0);
    expect((await h.rpc.request(c.getCommunity, { actor: ops, communityId: community.communityId })).memberCount).toBe(1);
    expect((await h.rpc.request(c.getEvent, { actor: next, eventId: event.eventId })).myRsvp?.status).toBe('confirmed');
    expect(await h.db.surveyResponse.count({ where: { userId: null, score: 2 } })).toBe(1);
    expect((await h.rpc.request(c.getProposal, { actor: ops, proposalId: idea.proposalId })).proposerUserId).toBe('00000000-0000-0000-0000-000000000000');
    // no table of the service names the erased resident any more (published events included)
    const tables = await h.db.$queryRawUnsafe<{ table_name: string; column_name: string }[]>(
      `SELECT table_name::text AS table_name, column_name::text AS column_name FROM information_schema.columns WHERE table_schema = 'public' AND data_type IN ('text', 'uuid', 'jsonb', 'ARRAY')`,
    );
    const holding: string[] = [];
    for (const { table_name: table, column_name: column } of tables) {
      // published events are redacted; one still in the outbox waits for the relay (and the stream keeps the copy)
      const onlyPublished = table === 'outbox_events' ? ' AND published_at IS NOT NULL' : '';
      const hit = await h.db.$queryRawUnsafe<unknown[]>(`SELECT 1 FROM "${table}" WHERE "${column}"::text LIKE '%' || $1 || '%'${onlyPublished} LIMIT 1`, gone.userId);
      if (hit.length) holding.push(`${table}.${column}`);
    }
    expect(holding).toEqual([]);
  });
});

describe('merges', () => {
  it("moves a merged account's memberships, posts, votes and RSVPs to the survivor, once each", async () => {
    const community = await h.rpc.request(c.createCommunity, { actor: ops, name: 'Merge City', scope: 'city' });
    const [source, target] = [await aResident(h, place), await aResident(h, place)];
    for (const actor of [source, target]) await h.rpc.request(c.joinCommunity, { actor, communityId: community.communityId });
    const post = await h.rpc.request(c.createPost, { actor: source, communityId: community.communityId, body: 'from the old account' });
    const proposal = await h.rpc.request(c.createProposal, { actor: ops, communityId: community.communityId, title: 'Merge bread' });
    for (const actor of [source, target]) await h.rpc.request(c.voteProposal, { actor, proposalId: proposal.proposalId });
    const event = await h.rpc.request(c.createEvent, {
      actor: ops,
      title: 'Two seats',
      startsAt: new Date(Date.now() + 3_600_000).toISOString(),
      endsAt: new Date(Date.now() + 7_200_000).toISOString(),
      address: 'Gate 2',
      capacity: 2,
    });
    const waiting = anActor();
    for (const actor of [source, target, waiting]) await h.rpc.request(c.rsvp, { actor, eventId: event.eventId });

    await feed(h, identity.userMerged, { mergeId: randomUUID(), sourceUserId: source.userId, targetUserId: target.userId, mergedAt: new Date().toISOString() });
    expect((await h.rpc.request(c.getCommunity, { actor: target, communityId: community.communityId })).memberCount).toBe(2); // ops (owner) and the survivor
    expect((await h.rpc.request(c.getPost, { actor: target, postId: post.postId })).post.authorUserId).toBe(target.userId);
    expect((await h.rpc.request(c.getProposal, { actor: target, proposalId: proposal.proposalId })).votes).toBe(1);
    const { event: after } = await h.rpc.request(c.getEvent, { actor: target, eventId: event.eventId });
    expect([after.confirmed, after.waitlisted]).toEqual([2, 0]);
    expect((await h.rpc.request(c.getEvent, { actor: waiting, eventId: event.eventId })).myRsvp?.status).toBe('confirmed');
    expect(await h.db.communityMember.count({ where: { userId: source.userId } })).toBe(0);
  });
});
