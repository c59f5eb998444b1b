import { TagInferrer, restoreRecommender } from '@linli/recommendations-analytics';
import type { CampaignFact, CustomerFact, ItemFact } from '@linli/recommendations-data-access';
import { declaredTags, maskOfStoredTags, productTagMask, TAG_BIT } from './household.js';
import { ServingIndex, TOP_CATEGORIES, type CategoryProfile, type ServingCampaign, type ServingCustomer, type ServingItem } from './serving-index.js';
import { GROUP_CATEGORIES, type TrainingOutput } from './training.js';

export interface ServingFacts {
  customers: CustomerFact[];
  items: ItemFact[];
  products: ReadonlyMap<string, { name: string; category: string }>;
  campaigns: CampaignFact[];
  merges: Map<string, string>;
}

const inferrer = new TagInferrer();

export function servingCustomerOf(fact: CustomerFact, now: Date = new Date()): ServingCustomer {
  const declared = declaredTags({ household: fact.household, dietary: fact.dietary, attributes: fact.attributes }, now);
  let declaredTrue = 0;
  let declaredFalse = 0;
  for (const [tag, value] of Object.entries(declared)) {
    const bit = TAG_BIT[tag as keyof typeof TAG_BIT];
    if (value === true) declaredTrue |= bit;
    else if (value === false) declaredFalse |= bit;
  }
  return {
    compoundId: fact.compoundId,
    pickupPointId: fact.pickupPointId,
    personalised: fact.profilingConsent === true,
    inferredMask: maskOfStoredTags(fact.assetTags),
    declaredTrue,
    declaredFalse,
  };
}

export function servingCampaignOf(c: CampaignFact): ServingCampaign {
  const offerIds = new Map<string, string>();
  for (const offer of c.offers) if (!offerIds.has(offer.itemId)) offerIds.set(offer.itemId, offer.offerId);
  return { campaignId: c.campaignId, status: c.status, cutoffAt: c.cutoffAt, itemIds: [...offerIds.keys()], offerIds };
}

/**
 * Items with names and household tag masks (precomputed `masks` are used when given); bundles on
 * offer are named after, and tagged like, their components.
 */
export function servingItemsOf(
  items: readonly ItemFact[],
  products: ReadonlyMap<string, { name: string; category: string }>,
  campaigns: readonly CampaignFact[],
  masks?: ReadonlyMap<string, number>,
): Map<string, ServingItem> {
  const out = new Map<string, ServingItem>();
  for (const item of items) {
    out.set(item.itemId, { ...item, tagMask: masks?.get(item.itemId) ?? productTagMask(inferrer, item.name ?? '', item.category) });
  }
  for (const campaign of campaigns) {
    for (const offer of campaign.offers) {
      if (offer.kind !== 'bundle') continue;
      const parts = offer.componentProductIds.map((id) => products.get(id)).filter((p): p is { name: string; category: string } => !!p);
      let mask = 0;
      for (const p of parts) mask |= productTagMask(inferrer, p.name, p.category);
      const existing = out.get(offer.itemId);
      out.set(offer.itemId, {
        itemId: offer.itemId,
        skuId: null,
        bundleId: offer.bundleId,
        productId: null,
        name: existing?.name ?? (parts.length ? parts.map((p) => p.name).join(' + ') : null),
        category: existing?.category ?? offer.category ?? '',
        tagMask: (existing?.tagMask ?? 0) | mask,
      });
    }
  }
  return out;
}

export function categoryProfileOf(training: TrainingOutput | null): CategoryProfile {
  if (!training) return { categories: [], byUser: new Map(), byGroup: new Map(), global: new Int32Array(0) };
  const trim = (a: Int32Array) => {
    let n = a.length;
    while (n > 0 && a[n - 1] === -1) n--;
    return a.subarray(0, n);
  };
  const byUser = new Map<string, Int32Array>();
  training.categoryUsers.forEach((u, i) => byUser.set(u, trim(training.userCategories.subarray(i * TOP_CATEGORIES, (i + 1) * TOP_CATEGORIES))));
  const byGroup = new Map<string, Int32Array>();
  training.groups.forEach((g, i) => byGroup.set(g, trim(training.groupCategories.subarray(i * GROUP_CATEGORIES, (i + 1) * GROUP_CATEGORIES))));
  return { categories: training.categories, byUser, byGroup, global: trim(training.globalCategories) };
}

/** Builds the serving index from a fit and the current facts. */
export function buildServingIndex(training: TrainingOutput | null, facts: ServingFacts, now: Date = new Date()): ServingIndex {
  const recommender = training?.snapshot ? restoreRecommender(training.snapshot) : null;
  const customers = new Map(facts.customers.map((c) => [c.userId, servingCustomerOf(c, now)]));
  const items = servingItemsOf(facts.items, facts.products, facts.campaigns, masksOf(training));
  const campaigns = new Map(facts.campaigns.map((c) => [c.campaignId, servingCampaignOf(c)]));
  return new ServingIndex(recommender, training ? new Date(training.fittedAt) : null, categoryProfileOf(training), customers, items, campaigns, facts.merges);
}

/**
 * The same as {@link buildServingIndex}, in slices that give the event loop back every few
 * milliseconds, so that requests keep being answered while a new index is put together.
 */
export async function buildServingIndexAsync(training: TrainingOutput | null, facts: ServingFacts, now: Date = new Date(), sliceMs = 4): Promise<ServingIndex> {
  let sliceStart = performance.now();
  const pause = async () => {
    if (performance.now() - sliceStart < sliceMs) return;
    await new Promise<void>((resolve) => setImmediate(resolve));
    sliceStart = performance.now();
  };
  const recommender = training?.snapshot ? restoreRecommender(training.snapshot) : null;
  await pause();
  const customers = new Map<string, ServingCustomer>();
  for (let i = 0; i < facts.customers.length; i++) {
    const c = facts.customers[i]!;
    customers.set(c.userId, servingCustomerOf(c, now));
    if ((i & 1023) === 0) await pause();
  }
  const items = servingItemsOf(facts.items, facts.products, facts.campaigns, masksOf(training));
  await pause();
  const campaigns = new Map(facts.campaigns.map((c) => [c.campaignId, servingCampaignOf(c)]));
  const profile = categoryProfileOf(training);
  return new ServingIndex(recommender, training ? new Date(training.fittedAt) : null, profile, customers, items, campaigns, facts.merges);
}

function masksOf(training: TrainingOutput | null): Map<string, number> | undefined {
  if (!training) return undefined;
  const masks = new Map<string, number>();
  training.itemMaskIds.forEach((id, i) => masks.set(id, training.itemMasks[i]!));
  return masks;
}
