import type { CampaignFact, CustomerFact, ItemFact } from '@linli/recommendations-data-access';
import { buildServingIndex, buildServingIndexAsync } from './index-builder.js';
import { TrainingSet, servingRecommenderConfig } from './training.js';

const DAY = 86_400_000;
const t0 = Date.UTC(2026, 9, 1);
const item = (itemId: string, name: string, category: string): ItemFact => ({ itemId, skuId: itemId, bundleId: null, productId: `p-${itemId}`, name, category });
const items = [item('milk', '鲜牛奶', 'dairy'), item('bread', '全麦面包', 'bakery'), item('cereal', '婴儿米粉', 'baby-food'), item('apple', '苹果', 'fruit'), item('spinach', '菠菜', 'vegetables'), item('rye', '黑麦面包', 'bakery')];
const customer = (userId: string, over: Partial<CustomerFact> = {}): CustomerFact => ({
  userId,
  source: 'live',
  compoundId: 'A',
  pickupPointId: 'pp',
  profilingConsent: true,
  marketingConsent: null,
  household: null,
  dietary: null,
  attributes: null,
  assetTags: null,
  ...over,
});
const campaign = (over: Partial<CampaignFact> = {}): CampaignFact => ({
  campaignId: 'c1',
  status: 'published',
  cutoffAt: t0 + 365 * DAY,
  compoundIds: ['A'],
  pickupPointIds: [],
  offers: [
    ...['milk', 'bread', 'apple', 'spinach'].map((id) => ({ offerId: `offer-${id}`, itemId: id, kind: 'sku', skuId: id, bundleId: null, productId: `p-${id}`, category: null, componentProductIds: [] })),
    { offerId: 'offer-kit', itemId: 'bundle:kit', kind: 'bundle', skuId: null, bundleId: 'kit', productId: null, category: 'baby-food', componentProductIds: ['p-cereal'] },
  ],
  ...over,
});

function build() {
  const set = new TrainingSet();
  const buy = (userId: string, day: number, ...ids: string[]) =>
    ids.forEach((id) => set.add({ userId, orderId: `${userId}-${day}`, orderedAt: t0 + day * DAY, itemId: id, category: items.find((i) => i.itemId === id)!.category, compoundId: 'A' }));
  for (const d of [0, 14, 28, 42]) buy('rebuyer', d, 'milk');
  for (const d of [1, 8, 15]) buy('fan', d, 'milk', 'bread');
  for (const d of [2, 9]) buy('parent', d, 'cereal', 'apple');
  buy('other', 3, 'apple');
  const { output } = set.fit(servingRecommenderConfig({ tifu: { neighbours: 0, alpha: 1 } }), items, 0);
  const products = new Map(items.map((i) => [i.productId!, { name: i.name!, category: i.category }]));
  const facts = {
    customers: [
      customer('rebuyer'),
      customer('fan'),
      customer('parent', { household: { children: [{ birthYear: new Date().getUTCFullYear() }] } }),
      customer('private', { profilingConsent: false }),
      customer('undecided', { profilingConsent: null }),
    ],
    items,
    products,
    campaigns: [campaign(), campaign({ campaignId: 'closed', status: 'closed' })],
    merges: new Map([['old-rebuyer', 'rebuyer']]),
  };
  return { output, facts };
}

describe('ServingIndex', () => {
  const { output, facts } = build();
  const index = buildServingIndex(output, facts);

  it('recommends a campaign’s offers only, with a reason each, and the resident’s repurchases first', () => {
    const out = index.recommend({ userId: 'rebuyer', campaignId: 'c1', limit: 10 });
    if (!out.ok) throw new Error('expected a list');
    expect(out.personalised).toBe(true);
    expect(out.items.map((i) => i.itemId).every((id) => ['milk', 'bread', 'apple', 'spinach', 'bundle:kit'].includes(id))).toBe(true);
    expect(out.items[0]).toMatchObject({ itemId: 'milk', name: '鲜牛奶', reason: { kind: 'repurchase', text: 'you buy this every ~2 weeks' } });
    expect(out.items.every((i) => i.reason.text.length > 0)).toBe(true);
  });

  it('is not personal without profiling consent (refused or never given)', () => {
    for (const userId of ['private', 'undecided', 'stranger']) {
      const out = index.recommend({ userId, campaignId: 'c1', limit: 10 });
      if (!out.ok) throw new Error('expected a list');
      expect(out.personalised).toBe(false);
      expect(out.items.map((i) => i.reason.kind).every((k) => k === 'popular_in_group' || k === 'popular')).toBe(true);
    }
    const a = index.recommend({ userId: 'private', campaignId: 'c1', limit: 3 });
    const b = index.recommend({ userId: 'undecided', campaignId: 'c1', limit: 3 });
    expect(a).toEqual({ ...b, userId: 'private' });
  });

  it('proposes a kit on offer to a household it suits, and steers items made for it', () => {
    const out = index.recommend({ userId: 'parent', campaignId: 'c1', limit: 5 });
    if (!out.ok) throw new Error('expected a list');
    expect(out.items[0]).toMatchObject({ itemId: 'bundle:kit', bundleId: 'kit', name: '婴儿米粉', reason: { kind: 'scenario_bundle', text: 'a kit for families with a baby' } });
    const catalogue = index.recommend({ userId: 'parent', limit: 5 });
    if (!catalogue.ok) throw new Error('expected a list');
    expect(catalogue.items.find((i) => i.itemId === 'cereal')?.reason.kind).toBe('repurchase');
  });

  it('ranks items without history by the resident’s own categories, then says they are new', () => {
    const out = index.recommend({ userId: 'fan', itemIds: ['spinach', 'rye'], limit: 3 });
    if (!out.ok) throw new Error('expected a list');
    expect(out.items).toEqual([
      expect.objectContaining({ itemId: 'rye', reason: { kind: 'category_affinity', text: 'you often buy bakery' } }),
      expect.objectContaining({ itemId: 'spinach', reason: { kind: 'popular', text: 'new in this campaign' } }),
    ]);
  });

  it('answers closed and unknown campaigns, follows merges, and applies consent changes at once', () => {
    expect(index.recommend({ userId: 'rebuyer', campaignId: 'closed', limit: 5 })).toMatchObject({ ok: true, items: [] });
    expect(index.recommend({ userId: 'rebuyer', campaignId: 'nope', limit: 5 })).toEqual({ ok: false, reason: 'campaign-not-found' });
    expect(index.recommend({ userId: 'old-rebuyer', campaignId: 'c1', limit: 1 })).toMatchObject({ userId: 'rebuyer', personalised: true, items: [{ itemId: 'milk' }] });
    index.patchCustomer('rebuyer', { personalised: false });
    expect(index.recommend({ userId: 'rebuyer', campaignId: 'c1', limit: 3 })).toMatchObject({ personalised: false });
  });

  it('builds the same index in slices', async () => {
    const sliced = await buildServingIndexAsync(output, facts, new Date(), 0);
    const whole = buildServingIndex(output, facts);
    for (const userId of ['rebuyer', 'fan', 'parent', 'private']) {
      expect(sliced.recommend({ userId, campaignId: 'c1', limit: 5 })).toEqual(whole.recommend({ userId, campaignId: 'c1', limit: 5 }));
    }
  });
});
