import type { LinliRecommender, TagName } from '@linli/recommendations-analytics';
import type { recommendations } from '@linli/contracts';
import { HOUSEHOLD_REASON, SCENARIO_REASON, TAG_BIT } from './household.js';

type ReasonKind = recommendations.ReasonKind;
type RecommendedItem = recommendations.RecommendedItem;

/** What serving knows about a customer; refreshed as identity, leader-ops and order events arrive. */
export interface ServingCustomer {
  compoundId: string | null;
  pickupPointId: string | null;
  /** Profiling consent granted: only then are recommendations personal. */
  personalised: boolean;
  /** Tags inferred at the last asset computation (a mask of {@link TAG_BIT}s). */
  inferredMask: number;
  /** Tags the resident declared true, and declared false (declared always wins). */
  declaredTrue: number;
  declaredFalse: number;
}

/** The household tags serving steers by: declared ones, then inferred ones not declared otherwise. */
export function householdMask(c: Pick<ServingCustomer, 'inferredMask' | 'declaredTrue' | 'declaredFalse'>): number {
  return (c.inferredMask & ~c.declaredFalse) | c.declaredTrue;
}

export interface ServingItem {
  itemId: string;
  skuId: string | null;
  bundleId: string | null;
  productId: string | null;
  name: string | null;
  category: string;
  /** Household tags the item (or, for a bundle, its components) is made for. */
  tagMask: number;
}

export interface ServingCampaign {
  campaignId: string;
  status: string;
  /** Epoch ms; offers are on sale until then. */
  cutoffAt: number;
  itemIds: string[];
  /** item → the campaign's offer of it, so a recommendation can be ordered straight away. */
  offerIds: ReadonlyMap<string, string>;
}

/** Category preferences learnt with the model: top categories per customer and per compound. */
export interface CategoryProfile {
  categories: string[];
  /** customer → category indices, most bought first (at most {@link TOP_CATEGORIES}). */
  byUser: Map<string, Int32Array>;
  /** compound → category indices, most bought first. */
  byGroup: Map<string, Int32Array>;
  /** Platform-wide category order. */
  global: Int32Array;
}

export const TOP_CATEGORIES = 3;
/** Added to the (0–1.5) blended score of an item made for one of the household's tags. */
export const HOUSEHOLD_BOOST = 0.25;
/** Candidates fetched from the model per requested item, so that re-ranking has room. */
const OVERFETCH = 3;
const ANONYMOUS = '\u0000anonymous';

export interface RecommendRequest {
  userId: string;
  campaignId?: string;
  itemIds?: readonly string[];
  limit: number;
  /** Epoch ms (tests); defaults to now. */
  now?: number;
}

export type RecommendOutcome =
  | { ok: true; userId: string; personalised: boolean; items: RecommendedItem[] }
  | { ok: false; reason: 'campaign-not-found' };

interface Scored {
  itemId: string;
  score: number;
  kind: ReasonKind;
  text: string;
  relatedItemId?: string;
}

/**
 * The precomputed structures recommendations are served from: the fitted model plus customer,
 * item and campaign facts. Immutable except for customer and campaign updates; a refit builds a
 * new index and swaps it in.
 */
export class ServingIndex {
  /** Non-personal lists by compound, campaign and size: the same for every resident of a compound. */
  private readonly anonymousCache = new Map<string, RecommendedItem[]>();

  constructor(
    readonly recommender: LinliRecommender | null,
    readonly fittedAt: Date | null,
    readonly categoryProfile: CategoryProfile,
    private readonly customers: Map<string, ServingCustomer>,
    private readonly items: Map<string, ServingItem>,
    private readonly campaigns: Map<string, ServingCampaign>,
    private readonly merges: Map<string, string>,
  ) {}

  get customerCount(): number {
    return this.customers.size;
  }

  get itemCount(): number {
    return this.items.size;
  }

  resolve(userId: string): string {
    let id = userId;
    for (let hop = 0; hop < 10; hop++) {
      const next = this.merges.get(id);
      if (!next || next === id) break;
      id = next;
    }
    return id;
  }

  setCustomer(userId: string, customer: ServingCustomer | null): void {
    if (customer) this.customers.set(userId, customer);
    else this.customers.delete(userId);
  }

  getCustomer(userId: string): ServingCustomer | undefined {
    return this.customers.get(this.resolve(userId));
  }

  /** Changes some facts of a customer (creating them with defaults when new). */
  patchCustomer(userId: string, patch: Partial<ServingCustomer>): void {
    const current = this.customers.get(userId) ?? { compoundId: null, pickupPointId: null, personalised: false, inferredMask: 0, declaredTrue: 0, declaredFalse: 0 };
    this.customers.set(userId, { ...current, ...patch });
  }

  setMerge(sourceUserId: string, targetUserId: string): void {
    this.merges.set(sourceUserId, targetUserId);
    this.customers.delete(sourceUserId);
  }

  setCampaign(campaign: ServingCampaign): void {
    this.campaigns.set(campaign.campaignId, campaign);
    this.anonymousCache.clear();
  }

  setItem(item: ServingItem): void {
    this.items.set(item.itemId, item);
    this.anonymousCache.clear();
  }

  recommend(req: RecommendRequest): RecommendOutcome {
    const userId = this.resolve(req.userId);
    const customer = this.customers.get(userId);
    const personalised = customer?.personalised === true;
    let candidates: readonly string[] | undefined = req.itemIds;
    let offerIds: ReadonlyMap<string, string> | undefined;
    if (req.campaignId !== undefined) {
      const campaign = this.campaigns.get(req.campaignId);
      if (!campaign) return { ok: false, reason: 'campaign-not-found' };
      if (campaign.status !== 'published' || campaign.cutoffAt <= (req.now ?? Date.now())) return { ok: true, userId, personalised, items: [] };
      candidates = campaign.itemIds;
      offerIds = campaign.offerIds;
    }
    const limit = req.limit;
    const group = customer?.compoundId ?? undefined;
    const cacheKey = !personalised && req.itemIds === undefined ? `${group ?? ''}\u0000${req.campaignId ?? ''}\u0000${limit}` : null;
    if (cacheKey !== null) {
      const cached = this.anonymousCache.get(cacheKey);
      if (cached) return { ok: true, userId, personalised, items: cached };
    }
    const picked = new Map<string, Scored>();
    if (this.recommender) {
      const base = this.recommender.recommend(personalised ? userId : ANONYMOUS, limit * OVERFETCH + 5, { candidates, group });
      for (const r of base) picked.set(r.itemId, { itemId: r.itemId, score: r.score, kind: r.reason.kind, text: r.reason.text, relatedItemId: r.reason.relatedItemId });
    }
    const tagMask = personalised && customer ? householdMask(customer) : 0;
    if (tagMask !== 0) this.steerByHousehold(picked, tagMask, candidates);
    if (candidates && picked.size < limit) this.fillFromCategories(picked, candidates, limit, personalised ? userId : null, group);
    const ranked = [...picked.values()].sort((a, b) => b.score - a.score || (a.itemId < b.itemId ? -1 : 1)).slice(0, limit);
    const items = ranked.map((s) => this.present(s, offerIds));
    if (cacheKey !== null) {
      if (this.anonymousCache.size >= 20_000) this.anonymousCache.clear();
      this.anonymousCache.set(cacheKey, items);
    }
    return { ok: true, userId, personalised, items };
  }

  /** Items made for the household's tags move up; a matching bundle on offer is proposed as a kit. */
  private steerByHousehold(picked: Map<string, Scored>, tagMask: number, candidates: readonly string[] | undefined): void {
    let top = 0;
    for (const s of picked.values()) {
      const item = this.items.get(s.itemId);
      const match = item ? item.tagMask & tagMask : 0;
      if (match) {
        s.score += HOUSEHOLD_BOOST;
        if (s.kind !== 'repurchase' && s.kind !== 'bought_with') {
          s.kind = 'household_fit';
          s.text = HOUSEHOLD_REASON[firstTag(match)];
          delete s.relatedItemId;
        }
      }
      if (s.score > top) top = s.score;
    }
    if (!candidates) return;
    let bundles = 0;
    for (const id of candidates) {
      if (!id.startsWith('bundle:')) continue;
      const item = this.items.get(id);
      const match = item ? item.tagMask & tagMask : 0;
      if (!match) continue;
      picked.set(id, { itemId: id, score: top + 0.01 * (2 - bundles), kind: 'scenario_bundle', text: SCENARIO_REASON[firstTag(match)] });
      if (++bundles >= 2) break;
    }
  }

  /** Candidates the model has no history for (new products) ranked by the customer's and the compound's favourite categories. */
  private fillFromCategories(picked: Map<string, Scored>, candidates: readonly string[], limit: number, userId: string | null, group: string | undefined): void {
    const profile = this.categoryProfile;
    const own = userId ? profile.byUser.get(userId) : undefined;
    const local = group ? profile.byGroup.get(group) : undefined;
    const rankIn = (list: Int32Array | undefined, category: number) => {
      if (!list || category < 0) return -1;
      for (let i = 0; i < list.length; i++) if (list[i] === category) return i;
      return -1;
    };
    const categoryIndex = new Map(profile.categories.map((c, i) => [c, i]));
    const extra: Scored[] = [];
    for (const id of candidates) {
      if (picked.has(id)) continue;
      const item = this.items.get(id);
      const category = item ? (categoryIndex.get(item.category) ?? -1) : -1;
      const mine = rankIn(own, category);
      const theirs = rankIn(local ?? profile.global, category);
      if (mine >= 0) extra.push({ itemId: id, score: 0.09 - 0.01 * mine, kind: 'category_affinity', text: `you often buy ${item!.category.split('/').pop()}` });
      else if (theirs >= 0) extra.push({ itemId: id, score: 0.05 - 0.0001 * theirs, kind: local ? 'popular_in_group' : 'popular', text: local ? 'popular in your compound' : 'popular right now' });
      else extra.push({ itemId: id, score: 0.001, kind: 'popular', text: 'new in this campaign' });
    }
    extra.sort((a, b) => b.score - a.score);
    for (const s of extra.slice(0, limit - picked.size)) picked.set(s.itemId, s);
  }

  private present(s: Scored, offerIds: ReadonlyMap<string, string> | undefined): RecommendedItem {
    const item = this.items.get(s.itemId);
    const reason: RecommendedItem['reason'] = { kind: s.kind, text: s.text };
    if (s.relatedItemId) reason.relatedItemId = s.relatedItemId;
    return {
      itemId: s.itemId,
      skuId: item?.skuId ?? null,
      bundleId: item?.bundleId ?? null,
      productId: item?.productId ?? null,
      offerId: offerIds?.get(s.itemId) ?? null,
      name: item?.name ?? null,
      score: Math.round(s.score * 1e6) / 1e6,
      reason,
    };
  }
}

/** The most specific tags first: a baby says more about a household than children do. */
const TAG_PRIORITY: readonly TagName[] = ['has_infant', 'has_children', 'elderly', 'pet_owner', 'vegetarian', 'health_conscious', 'light_food'];

function firstTag(mask: number): TagName {
  return TAG_PRIORITY.find((tag) => (mask & TAG_BIT[tag]) !== 0) ?? 'has_children';
}

/** An index with nothing in it (before the first refresh). */
export function emptyServingIndex(): ServingIndex {
  return new ServingIndex(null, null, { categories: [], byUser: new Map(), byGroup: new Map(), global: new Int32Array(0) }, new Map(), new Map(), new Map(), new Map());
}
