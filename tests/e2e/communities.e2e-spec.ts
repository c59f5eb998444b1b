import type { NatsConnection } from '@nats-io/transport-node';
import { connectTestNats, deleteTestStreams } from '@linli/testing';
import { buildApps, e2eEnvironment, freePort, natsRpc, startService, type RunningService } from './support.js';
import { apiClient, until } from './client.js';

/**
 * The communities service with gateway, identity, leader-ops and orders as real processes: a resident
 * gets a community suggested from what they declared, joins, posts, RSVPs to an event, checks in with
 * the organiser's code and answers the NPS question it brings; a proposal of theirs is launched by ops
 * and its conversion counts the resident's paid order in the launch campaign.
 */
let env: Awaited<ReturnType<typeof e2eEnvironment>>;
const services: RunningService[] = [];
let nc: NatsConnection;
let base = '';

const { http, ok, signIn, refreshUntil } = apiClient(() => base);

const COMPOUND = 'e2e-communities-garden';
const inMinutes = (m: number) => new Date(Date.now() + m * 60_000).toISOString();

beforeAll(async () => {
  buildApps(['gateway', 'identity', 'leader-ops', 'orders', 'communities']);
  env = await e2eEnvironment(['identity', 'leader-ops', 'orders', 'communities']);
  const port = await freePort();
  base = `http://127.0.0.1:${port}`;
  services.push(await startService('identity', env.env('identity')));
  services.push(await startService('leader-ops', env.env('leader-ops')));
  services.push(await startService('orders', env.env('orders', { PAYMENT_PROVIDER: 'dev', DEV_PAYMENT_CALLBACK_DELAY_MS: '100', DEV_PAYMENT_DUPLICATE_RATE: '0' })));
  services.push(await startService('communities', env.env('communities')));
  services.push(await startService('gateway', env.env('gateway', { HTTP_PORT: String(port), DEV_ROUTES: 'true' })));
  nc = await connectTestNats('communities-e2e');
});

afterAll(async () => {
  for (const service of services.reverse()) await service.stop();
  if (nc) {
    await deleteTestStreams(nc, env.prefix);
    await nc.close();
  }
  await env?.dropAll();
});

describe('a resident in the communities, over HTTP', () => {
  it('is suggested a community, joins, posts, RSVPs, checks in, answers NPS, and buys a launched proposal', async () => {
    // ops, a compound, an approved leader with a pickup point (leader-ops)
    let ops = await signIn('+8613800000951');
    await natsRpc(nc, env.prefix, 'rpc.identity.role.grant.v1', { actor: { userId: '00000000-0000-4000-8000-000000000001', roles: ['ops'] }, userId: ops.userId, role: 'ops' });
    ops = await refreshUntil(ops, 'ops');
    await ok('PUT', `/v1/ops/compounds/${COMPOUND}`, { token: ops.accessToken, body: { name: 'Communities Garden 邻里园', city: 'Hangzhou' } });
    let leader = await signIn('+8613800000952');
    const application = await ok('POST', '/v1/leader-applications', { token: leader.accessToken, body: { compoundId: COMPOUND, displayName: 'Auntie Wang', phone: '+8613800000952' } }, 201);
    await ok('POST', `/v1/ops/leader-applications/${application.applicationId}/approve`, { token: ops.accessToken });
    leader = await refreshUntil(leader, 'leader');
    const openingHours = [1, 2, 3, 4, 5, 6, 7].map((weekday) => ({ weekday, opens: '08:00', closes: '21:00' }));
    const point = await ok('POST', '/v1/pickup-points', { token: leader.accessToken, body: { name: 'Gate 2 kiosk', address: 'Building 3', compoundIds: [COMPOUND], openingHours, capacity: 100 } }, 201);

    // the resident declares a liking for light food and binds to the point
    const resident = await signIn('+8613900000953');
    await ok('PATCH', '/v1/me/profile', { token: resident.accessToken, body: { nickname: '小林', compoundId: COMPOUND, dietary: { preferences: ['轻食'] } } });
    await ok('PUT', '/v1/me/pickup-point', { token: resident.accessToken, body: { pickupPointId: point.pickupPointId, compoundId: COMPOUND } });

    // the leader opens the point's community once communities has heard of the point
    const community = await until('pickup point known to communities', async () => {
      const reply = await http('POST', '/v1/communities', { token: leader.accessToken, body: { name: '轻食生活圈', scope: 'pickup-point', pickupPointId: point.pickupPointId, tags: ['light-food'] } });
      if (reply.status === 404 && reply.body.code === 'COMMUNITIES.PICKUP_POINT_UNKNOWN') return undefined;
      expect(reply.status).toBe(201);
      return reply.body;
    });

    // suggested (declared tag), joined, posted
    const suggestion = await until('suggestion', async () => {
      const { suggestions } = await ok('GET', '/v1/me/community-suggestions', { token: resident.accessToken });
      return suggestions.find((s: { community: { communityId: string } }) => s.community.communityId === community.communityId);
    });
    expect(suggestion.reasons).toEqual(['you told us: light-food']);
    const joined = await ok('POST', `/v1/communities/${community.communityId}/members`, { token: resident.accessToken }, 201);
    expect(joined.member).toMatchObject({ displayName: '小林', role: 'member' });
    const post = await ok('POST', `/v1/communities/${community.communityId}/posts`, { token: resident.accessToken, body: { body: '分享一个十分钟的藜麦沙拉' } }, 201);
    expect(post.authorName).toBe('小林');

    // an event at the point: RSVP (a second one is refused), check in with the organiser's code
    const event = await ok(
      'POST',
      '/v1/events',
      { token: leader.accessToken, body: { communityId: community.communityId, title: '轻食试吃会', startsAt: inMinutes(30), endsAt: inMinutes(90), pickupPointId: point.pickupPointId, capacity: 10 } },
      201,
    );
    const rsvp = await ok('POST', `/v1/events/${event.eventId}/rsvps`, { token: resident.accessToken }, 201);
    expect(rsvp.status).toBe('confirmed');
    const again = await http('POST', `/v1/events/${event.eventId}/rsvps`, { token: resident.accessToken });
    expect([again.status, again.body.code]).toEqual([409, 'COMMUNITIES.ALREADY_RSVPED']);
    const wrong = await http('POST', `/v1/events/${event.eventId}/check-ins`, { token: resident.accessToken, body: { code: event.checkInCode === '000000' ? '000001' : '000000' } });
    expect([wrong.status, wrong.body.code]).toEqual([400, 'COMMUNITIES.CHECK_IN_CODE_INVALID']);
    const checkedIn = await ok('POST', `/v1/events/${event.eventId}/check-ins`, { token: resident.accessToken, body: { code: event.checkInCode } });
    expect(checkedIn.checkedInAt).not.toBeNull();

    // the attended event brings the NPS question
    const { surveys } = await ok('GET', '/v1/me/surveys', { token: resident.accessToken });
    const nps = surveys.find((s: { kind: string }) => s.kind === 'nps');
    expect(nps.trigger).toBe('event');
    const outOfRange = await http('POST', `/v1/surveys/${nps.surveyId}/responses`, { token: resident.accessToken, body: { score: 11 } });
    expect([outOfRange.status, outOfRange.body.code]).toEqual([400, 'COMMON.VALIDATION_FAILED']);
    const answer = await ok('POST', `/v1/surveys/${nps.surveyId}/responses`, { token: resident.accessToken, body: { score: 10, reason: '团长组织得很好' } }, 201);
    expect([answer.score, answer.trigger]).toEqual([10, 'event']);

    // the resident proposes a product; ops put it in the catalogue and a campaign and launch the proposal
    const proposal = await ok('POST', '/v1/proposals', { token: resident.accessToken, body: { communityId: community.communityId, title: '低糖藜麦沙拉碗' } }, 201);
    await ok('PUT', '/v1/ops/categories/salads', { token: ops.accessToken, body: { name: 'Salads 沙拉' } });
    const product = await ok(
      'POST',
      '/v1/ops/products',
      { token: ops.accessToken, body: { name: '藜麦沙拉碗 Quinoa bowl', categoryId: 'salads', unit: '碗', healthFlags: ['low-sugar'], tags: ['light-food'], skus: [{ code: 'E2E-QUINOA-BOWL', spec: '350 g', priceCents: 2500 }] } },
      201,
    );
    const skuId = product.skus[0].skuId;
    const campaign = await ok(
      'POST',
      '/v1/ops/campaigns',
      {
        token: ops.accessToken,
        body: {
          title: '共创新品 Co-created',
          startsAt: inMinutes(-1),
          cutoffAt: inMinutes(120),
          deliveryDate: new Date(Date.now() + 2 * 86_400_000).toISOString().slice(0, 10),
          targets: { compoundIds: [COMPOUND] },
          offers: [{ kind: 'sku', skuId, priceCents: 1990 }],
          stock: [{ skuId, quantity: 50 }],
        },
      },
      201,
    );
    const published = await ok('POST', `/v1/ops/campaigns/${campaign.campaignId}/publish`, { token: ops.accessToken });
    const launched = await ok('POST', `/v1/ops/proposals/${proposal.proposalId}/launch`, { token: ops.accessToken, body: { skuIds: [skuId], campaignId: campaign.campaignId } });
    expect(launched.conversion).toMatchObject({ coCreators: 1, coCreatorBuyers: 0 });

    // the resident buys it in the launch campaign and pays
    await until('binding known to orders', async () => ((await http('GET', '/v1/campaigns', { token: resident.accessToken })).status === 200 ? true : undefined));
    const order = await ok(
      'POST',
      '/v1/orders',
      { token: resident.accessToken, body: { campaignId: campaign.campaignId, idempotencyKey: 'e2e-communities-1', lines: [{ offerId: published.offers[0].offerId, quantity: 1 }], expectedTotalCents: 1990 } },
      201,
    );
    await ok('POST', `/v1/orders/${order.orderId}/pay`, { token: resident.accessToken });
    const conversion = await until('conversion counts the order', async () => {
      const current = await ok('GET', `/v1/proposals/${proposal.proposalId}`, { token: resident.accessToken });
      return current.conversion.coCreatorBuyers === 1 ? current.conversion : undefined;
    });
    expect(conversion).toEqual({ coCreators: 1, coCreatorBuyers: 1, coCreatorRate: 1, members: 2, memberBuyers: 1, memberRate: 0.5, buyers: 1 });
  });
});
