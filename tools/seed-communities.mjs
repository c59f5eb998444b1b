// Demo communities for `npm start` (a step of tools/seed.mjs, after the commerce step): per compound a
// leader's pickup-point community 轻食生活圈 and an ops compound community 银发健康社, one city-wide
// 亲子厨房帮; residents join by household, a few posts, an upcoming weekend event with RSVPs, a tasting
// starting soon that residents check in to (which offers them the NPS question, answered), an open
// co-creation proposal with votes and feedback, and a launched one whose conversion counts orders.
//
// Everything goes through the gateway's HTTP API. Idempotent: communities by name and scope, posts only
// into empty communities, events by title while upcoming, proposals by title; joins, RSVPs, votes,
// check-ins and answers already made are recognised by their error codes and skipped; orders by
// idempotency key.
import { setTimeout as sleep } from 'node:timers/promises';
import { DEMO_PHONES } from './lib/demo-accounts.mjs';

const LAUNCH_SKU_CODE = 'DEMO-SNACK-OAT-BISCUIT-200G';
const NPS_SCORES = [10, 9, 7, 6, 10, 8, 3, 9, 10];
const ALREADY = new Set([
  'COMMUNITIES.ALREADY_MEMBER',
  'COMMUNITIES.ALREADY_RSVPED',
  'COMMUNITIES.ALREADY_VOTED',
  'COMMUNITIES.FEEDBACK_ALREADY_GIVEN',
  'COMMUNITIES.ALREADY_CHECKED_IN',
  'COMMUNITIES.PROPOSAL_CLOSED',
]);

/** Retries while the communities service has not yet heard the events it needs (a pickup point, a binding). */
async function eventually(what, call, waitingCodes, timeoutMs = 20_000) {
  const started = Date.now();
  for (;;) {
    const reply = await call();
    if (!waitingCodes.includes(reply.body?.code)) return reply;
    if (Date.now() - started > timeoutMs) throw new Error(`${what}: still ${reply.body.code} after ${timeoutMs / 1000} s`);
    await sleep(250);
  }
}

/** A call that succeeded, or was refused because it had been done before; anything else throws. */
function doneOrAlready(what, reply) {
  if (reply.status < 300 || ALREADY.has(reply.body?.code)) return reply.status < 300;
  throw new Error(`${what} → ${reply.status}: ${JSON.stringify(reply.body)}`);
}

export async function seedCommunities({ http, must, signIn, ops, residents, compounds, log }) {
  const opsToken = ops.accessToken;
  const inMinutes = (m) => new Date(Date.now() + m * 60_000).toISOString();
  const counts = { communities: 0, joins: 0, posts: 0, events: 0, rsvps: 0, checkIns: 0, answers: 0, proposals: 0, votes: 0 };

  const findCommunity = async (query, name, scope) =>
    (await must('GET', `/v1/communities?${query ? `${query}&` : ''}limit=200`, { token: opsToken })).communities.find((c) => c.name === name && c.scope === scope);

  // ---------------------------------------------------------------- communities
  const perCompound = {};
  for (const [i, compoundId] of compounds.entries()) {
    const leader = await signIn(DEMO_PHONES.leaders[i]);
    const point = (await must('GET', `/v1/pickup-points?compoundId=${compoundId}`, { token: leader.accessToken })).pickupPoints.find((p) => p.leaderUserId === leader.userId);
    if (!point) throw new Error(`no demo pickup point of leader ${i + 1} in ${compoundId}`);
    let light = await findCommunity(`pickupPointId=${point.pickupPointId}`, '轻食生活圈', 'pickup-point');
    if (!light) {
      const reply = await eventually(
        'pickup point known to communities',
        () =>
          http('POST', '/v1/communities', {
            token: leader.accessToken,
            body: { name: '轻食生活圈', description: '少油少糖的家常做法、沙拉和轻食团购 Light, home-style eating', scope: 'pickup-point', pickupPointId: point.pickupPointId, tags: ['light-food', 'vegetables', 'low-sugar'] },
          }),
        ['COMMUNITIES.PICKUP_POINT_UNKNOWN'],
      );
      if (reply.status !== 201) throw new Error(`community → ${reply.status}: ${JSON.stringify(reply.body)}`);
      light = reply.body;
      counts.communities += 1;
    }
    let silver = await findCommunity(`compoundId=${compoundId}`, '银发健康社', 'compound');
    if (!silver) {
      silver = await must('POST', '/v1/communities', {
        token: opsToken,
        body: { name: '银发健康社', description: '长辈的健康饮食与散步约伴 Healthy eating and walks for elders', scope: 'compound', compoundId, tags: ['silver-health', 'elderly-friendly'] },
      });
      counts.communities += 1;
    }
    perCompound[compoundId] = { leader, point, light, silver };
  }
  let kitchen = await findCommunity('', '亲子厨房帮', 'city');
  if (!kitchen) {
    kitchen = await must('POST', '/v1/communities', {
      token: opsToken,
      body: { name: '亲子厨房帮', description: '和孩子一起做饭、辅食心得 Cooking with kids, baby food tips', scope: 'city', tags: ['parent-child', 'baby-food'] },
    });
    counts.communities += 1;
  }

  // ---------------------------------------------------------------- members: everyone in their point's community, more by household
  const join = async (resident, community) => {
    const reply = await eventually(
      'binding known to communities',
      () => http('POST', `/v1/communities/${community.communityId}/members`, { token: resident.tokens.accessToken }),
      ['COMMUNITIES.OUT_OF_REACH'],
    );
    if (doneOrAlready('join', reply)) counts.joins += 1;
  };
  for (const [i, resident] of residents.entries()) {
    const { light, silver } = perCompound[resident.compoundId];
    await join(resident, light);
    if (i % 3 === 1) await join(resident, silver);
    if (i % 3 === 0) await join(resident, kitchen);
  }

  // ---------------------------------------------------------------- posts in empty communities
  const POSTS = {
    light: ['十分钟藜麦鸡胸沙拉：藜麦煮12分钟，鸡胸用黑胡椒煎，圣女果对半切。', '今天团的菠菜很嫩，凉拌加一点芝麻酱就很好吃。'],
    silver: ['每天晚饭后绕小区走两圈，有一起的吗？'],
    kitchen: ['宝宝第一次吃南瓜泥，用团的那款，蒸十分钟压泥就好。'],
  };
  const seedPosts = async (community, bodies, authors) => {
    const { posts } = await must('GET', `/v1/communities/${community.communityId}/posts?limit=1`, { token: authors[0].tokens.accessToken });
    if (posts.length > 0) return;
    for (const [k, body] of bodies.entries()) {
      await must('POST', `/v1/communities/${community.communityId}/posts`, { token: authors[k % authors.length].tokens.accessToken, body: { body } });
      counts.posts += 1;
    }
  };
  for (const compoundId of compounds) {
    const { light, silver } = perCompound[compoundId];
    const here = residents.filter((r) => r.compoundId === compoundId);
    await seedPosts(light, POSTS.light, here);
    const elders = residents.filter((r, i) => r.compoundId === compoundId && i % 3 === 1);
    if (elders.length) await seedPosts(silver, POSTS.silver, elders);
  }
  await seedPosts(kitchen, POSTS.kitchen, residents.filter((_, i) => i % 3 === 0));

  // ---------------------------------------------------------------- events: an upcoming weekend event, and a tasting starting soon (check-in, NPS)
  const upcomingEvent = async (leader, community, point, title, startsAt, endsAt, capacity) => {
    const { events } = await must('GET', `/v1/events?communityId=${community.communityId}`, { token: leader.accessToken });
    const found = events.find((e) => e.title === title && Date.parse(e.startsAt) > Date.now());
    if (found) return (await must('GET', `/v1/events/${found.eventId}`, { token: leader.accessToken })).event;
    counts.events += 1;
    return must('POST', '/v1/events', { token: leader.accessToken, body: { communityId: community.communityId, title, startsAt, endsAt, pickupPointId: point.pickupPointId, capacity } });
  };
  for (const compoundId of compounds) {
    const { leader, point, light } = perCompound[compoundId];
    const weekend = await upcomingEvent(leader, light, point, '周末轻食分享会 Weekend light-food share', inMinutes(3 * 24 * 60), inMinutes(3 * 24 * 60 + 120), 10);
    const tasting = await upcomingEvent(leader, light, point, '新品试吃会 Tasting', inMinutes(30), inMinutes(150), 20);
    for (const resident of residents.filter((r) => r.compoundId === compoundId)) {
      const token = resident.tokens.accessToken;
      for (const event of [weekend, tasting]) {
        if (doneOrAlready('rsvp', await http('POST', `/v1/events/${event.eventId}/rsvps`, { token }))) counts.rsvps += 1;
      }
      if (doneOrAlready('check-in', await http('POST', `/v1/events/${tasting.eventId}/check-ins`, { token, body: { code: tasting.checkInCode } }))) counts.checkIns += 1;
      const nps = (await must('GET', '/v1/me/surveys', { token })).surveys.find((s) => s.kind === 'nps');
      if (nps) {
        const index = residents.indexOf(resident);
        await must('POST', `/v1/surveys/${nps.surveyId}/responses`, { token, body: { score: NPS_SCORES[index % NPS_SCORES.length], reason: index % 2 ? '团长很热心' : '菜很新鲜' } });
        counts.answers += 1;
      }
    }
  }

  // ---------------------------------------------------------------- co-creation in the first compound's light-food community
  const first = perCompound[compounds[0]];
  const members = residents.filter((r) => r.compoundId === compounds[0]);
  const proposalNamed = async (title) =>
    (await must('GET', `/v1/proposals?communityId=${first.light.communityId}&limit=200`, { token: opsToken })).proposals.find((p) => p.title === title);
  const propose = async (title, description) => {
    const found = await proposalNamed(title);
    if (found) return found;
    counts.proposals += 1;
    return must('POST', '/v1/proposals', { token: members[0].tokens.accessToken, body: { communityId: first.light.communityId, title, description } });
  };
  const bread = await propose('低糖全麦面包 Low-sugar wholewheat bread', '早餐想要不甜的全麦面包，400 g 一袋刚好两天吃完。');
  const biscuits = await propose('无糖燕麦饼干 共创款 Sugar-free oat biscuits', '孩子和老人都能吃的无糖饼干，小包装。');
  for (const [k, resident] of members.entries()) {
    for (const proposal of [bread, biscuits]) {
      if (k > 0 && doneOrAlready('vote', await http('POST', `/v1/proposals/${proposal.proposalId}/votes`, { token: resident.tokens.accessToken }))) counts.votes += 1;
      doneOrAlready(
        'feedback',
        await http('POST', `/v1/proposals/${proposal.proposalId}/feedback`, {
          token: resident.tokens.accessToken,
          body: { taste: 3 + (k % 3), priceCents: 1290 + k * 200, packSize: k % 2 ? '200 g' : '400 g' },
        }),
      );
    }
  }

  // launched: to the oat biscuits of the open demo campaign; two co-creators buy them there
  let skuId;
  for (let offset = 0; !skuId; offset += 200) {
    const { products } = await must('GET', `/v1/products?includeInactive=true&limit=200&offset=${offset}`, { token: opsToken });
    skuId = products.flatMap((p) => p.skus).find((s) => s.code === LAUNCH_SKU_CODE)?.skuId;
    if (products.length < 200) break;
  }
  const campaign = (await must('GET', '/v1/campaigns?status=published&limit=200', { token: opsToken })).campaigns.find(
    (c) => Date.parse(c.cutoffAt) > Date.now() + 60_000 && c.offers.some((o) => o.skuId === skuId),
  );
  let launched = await must('GET', `/v1/proposals/${biscuits.proposalId}`, { token: opsToken });
  if (skuId && campaign && launched.status === 'open') {
    launched = await must('POST', `/v1/ops/proposals/${biscuits.proposalId}/launch`, { token: opsToken, body: { skuIds: [skuId], campaignId: campaign.campaignId } });
  }
  if (launched.status === 'launched' && campaign && launched.campaignId === campaign.campaignId) {
    const offer = campaign.offers.find((o) => o.skuId === skuId);
    for (const [k, resident] of members.slice(0, 2).entries()) {
      const token = resident.tokens.accessToken;
      const order = await must('POST', '/v1/orders', {
        token,
        body: { campaignId: campaign.campaignId, idempotencyKey: `demo-communities-${campaign.campaignId}-${k}`, lines: [{ offerId: offer.offerId, quantity: 1 }], expectedTotalCents: offer.priceCents },
      });
      if (order.status === 'pending_payment') await must('POST', `/v1/orders/${order.orderId}/pay`, { token });
    }
  }
  log(
    `communities: ${compounds.length * 2 + 1} communities (${counts.communities} new), ${counts.joins} joins, ${counts.posts} posts, ${counts.events} events, ` +
      `${counts.rsvps} RSVPs, ${counts.checkIns} check-ins, ${counts.answers} NPS answers, ${counts.proposals} proposals, ${counts.votes} votes; ` +
      `launched "${launched.title}" (${launched.status})`,
  );
}
