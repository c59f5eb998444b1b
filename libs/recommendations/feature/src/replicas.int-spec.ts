import { randomUUID } from 'node:crypto';
import { identity, orders, recommendations as r } from '@linli/contracts';
import { waitUntil } from '@linli/testing';
import { paidOrder, publishAndWait, register, startHarness, type Harness } from './recommendations.fixture.js';

// Two replicas of the service share one database and one durable consumer per stream: each event is
// handled (written) by one of them, yet both must serve from up-to-date facts.
let a: Harness;
let b: Harness;
const compoundId = 'compound-replicas';
const pickupPointId = randomUUID();
const sku = { skuId: randomUUID(), productId: randomUUID(), categoryId: 'dairy-milk', amountCents: 1200 };
const users = Array.from({ length: 6 }, () => randomUUID());

beforeAll(async () => {
  a = await startHarness();
  b = await startHarness({}, a);
  for (const userId of users) {
    await register(a, userId, { compoundId });
    for (const date of ['2026-10-01', '2026-10-15', '2026-10-29']) await paidOrder(a, { userId, compoundId, pickupPointId, placedAt: `${date}T04:00:00.000Z`, lines: [sku] });
  }
  await a.engine.refresh();
  await b.engine.refresh();
});

afterAll(async () => {
  await b?.close();
  await a?.close();
});

const personalised = (h: Harness, userId: string) => h.engine.recommend({ userId, limit: 5 });

describe('several replicas', () => {
  it('both serve personal lists, and both stop at once when consent is withdrawn', async () => {
    const userId = users[0]!;
    for (const h of [a, b]) expect(personalised(h, userId)).toMatchObject({ ok: true, personalised: true, items: [{ itemId: sku.skuId, reason: { kind: 'repurchase' } }] });
    await publishAndWait(a, identity.consentChanged, { userId, purpose: 'profiling', granted: false, changedAt: new Date().toISOString() });
    await waitUntil(() => [a, b].every((h) => personalised(h, userId).ok && !(personalised(h, userId) as { personalised: boolean }).personalised), 20_000, 'both replicas non-personal');
  });

  it('both forget an erased customer and follow a merge', async () => {
    const [erased, source, target] = [users[1]!, users[2]!, users[3]!];
    await publishAndWait(a, identity.userErased, { userId: erased, erasedAt: new Date().toISOString() });
    await publishAndWait(a, identity.userMerged, { mergeId: randomUUID(), sourceUserId: source, targetUserId: target, mergedAt: new Date().toISOString() });
    await waitUntil(() => [a, b].every((h) => h.engine.resolve(source) === target && !(personalised(h, erased) as { personalised: boolean }).personalised), 20_000, 'merge and erasure seen by both');
  });

  it('both refit after purchases handled by either, and both learn a new campaign', async () => {
    const refreshes = [a.engine.status().refreshes, b.engine.status().refreshes];
    await paidOrder(a, { userId: users[4]!, compoundId, pickupPointId, placedAt: '2026-11-20T04:00:00.000Z', lines: [sku] });
    await waitUntil(() => a.engine.status().refreshes > refreshes[0]! && b.engine.status().refreshes > refreshes[1]!, 30_000, 'both refit');
    const campaignId = randomUUID();
    await publishAndWait(a, orders.campaignPublished, {
      campaignId,
      title: 'Milk week',
      startsAt: new Date().toISOString(),
      cutoffAt: new Date(Date.now() + 86_400_000).toISOString(),
      deliveryDate: '2026-12-01',
      compoundIds: [compoundId],
      pickupPointIds: [],
      offers: [{ offerId: randomUUID(), kind: 'sku', skuId: sku.skuId, bundleId: null, productId: sku.productId, categoryId: sku.categoryId, priceCents: 1200, items: [{ skuId: sku.skuId, productId: sku.productId, categoryId: sku.categoryId, quantity: 1 }] }],
      publishedAt: new Date().toISOString(),
    });
    await waitUntil(() => [a, b].every((h) => h.engine.recommend({ userId: users[5]!, campaignId, limit: 3 }).ok), 20_000, 'campaign known to both');
    const viaRpc = await b.rpc.request(r.getRecommendations, { actor: { userId: users[5]!, roles: ['resident'] }, campaignId, limit: 3 });
    expect(viaRpc.items.map((i) => i.itemId)).toEqual([sku.skuId]);
  });
});
