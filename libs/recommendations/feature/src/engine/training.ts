import {
  LINLI_PRESETS,
  fitRecommender,
  snapshotRecommender,
  type DeepPartial,
  type InteractionBasket,
  type RecommenderConfig,
  type RecommenderSnapshot,
} from '@linli/recommendations-analytics';
import { TagInferrer } from '@linli/recommendations-analytics';
import type { ItemFact, PurchaseFact } from '@linli/recommendations-data-access';
import { productTagMask } from './household.js';
import { TOP_CATEGORIES } from './serving-index.js';

export interface TrainingOptions {
  /** Only purchases this recent train the model (0: all). */
  historyDays: number;
  /** Epoch ms of "now". */
  now: number;
  /** Over the `nextBasket` preset of the analytics library. */
  recommender?: DeepPartial<RecommenderConfig>;
}

/** Categories kept per compound and platform-wide for ranking new items. */
export const GROUP_CATEGORIES = 30;

/** What a fit produces, as plain transferable data (it may cross a worker boundary). */
export interface TrainingOutput {
  snapshot: RecommenderSnapshot | null;
  categories: string[];
  /** Customers with a category profile, and their top categories (TOP_CATEGORIES each, −1 padded). */
  categoryUsers: string[];
  userCategories: Int32Array;
  groups: string[];
  /** GROUP_CATEGORIES per group, −1 padded. */
  groupCategories: Int32Array;
  globalCategories: Int32Array;
  /** Household tag masks of the catalogue's items (computed here: keyword matching is the costly part of an index build). */
  itemMaskIds: string[];
  itemMasks: Int32Array;
  stats: { lines: number; baskets: number; customers: number; items: number; loadMs: number; fitMs: number };
  fittedAt: number;
}

/** The recommender settings serving uses: the tuned next-basket preset with overrides. */
export function servingRecommenderConfig(over: DeepPartial<RecommenderConfig> = {}): DeepPartial<RecommenderConfig> {
  const preset = LINLI_PRESETS.nextBasket;
  return {
    weights: { ...preset.weights, ...over.weights } as RecommenderConfig['weights'],
    tifu: { ...preset.tifu, ...over.tifu } as RecommenderConfig['tifu'],
    itemCf: { ...preset.itemCf, ...over.itemCf } as RecommenderConfig['itemCf'],
    popularity: { ...preset.popularity, ...over.popularity } as RecommenderConfig['popularity'],
  };
}

/** Accumulates purchase lines into baskets and category counts. */
export class TrainingSet {
  private readonly baskets = new Map<string, { userId: string; time: number; items: Set<string> }>();
  private readonly userGroup = new Map<string, { group: string; time: number }>();
  private readonly categoryIndex = new Map<string, number>();
  readonly categories: string[] = [];
  /** user → category → orders */
  private readonly userCategoryOrders = new Map<string, Map<number, Set<string>>>();
  private readonly groupCategoryCount = new Map<string, Map<number, number>>();
  private readonly globalCategoryCount = new Map<number, number>();
  lines = 0;

  add(line: Pick<PurchaseFact, 'userId' | 'orderId' | 'orderedAt' | 'itemId' | 'category' | 'compoundId'>): void {
    if (!line.itemId) return;
    this.lines++;
    const key = `${line.userId}\u0000${line.orderId}`;
    let basket = this.baskets.get(key);
    if (!basket) this.baskets.set(key, (basket = { userId: line.userId, time: line.orderedAt, items: new Set() }));
    else if (line.orderedAt < basket.time) basket.time = line.orderedAt;
    basket.items.add(line.itemId);
    if (line.compoundId) {
      const g = this.userGroup.get(line.userId);
      if (!g || g.time <= line.orderedAt) this.userGroup.set(line.userId, { group: line.compoundId, time: line.orderedAt });
    }
    if (line.category) {
      let c = this.categoryIndex.get(line.category);
      if (c === undefined) {
        c = this.categories.length;
        this.categoryIndex.set(line.category, c);
        this.categories.push(line.category);
      }
      let perUser = this.userCategoryOrders.get(line.userId);
      if (!perUser) this.userCategoryOrders.set(line.userId, (perUser = new Map()));
      let orders = perUser.get(c);
      if (!orders) perUser.set(c, (orders = new Set()));
      orders.add(line.orderId);
      this.globalCategoryCount.set(c, (this.globalCategoryCount.get(c) ?? 0) + 1);
      if (line.compoundId) {
        let perGroup = this.groupCategoryCount.get(line.compoundId);
        if (!perGroup) this.groupCategoryCount.set(line.compoundId, (perGroup = new Map()));
        perGroup.set(c, (perGroup.get(c) ?? 0) + 1);
      }
    }
  }

  /** Fits the recommender and packs everything for serving, with the buffers that may be moved to another thread. */
  fit(config: DeepPartial<RecommenderConfig>, items: readonly ItemFact[], loadMs: number): { output: TrainingOutput; transfer: ArrayBuffer[] } {
    const started = Date.now();
    const labels = new Map<string, string>();
    for (const item of items) if (item.name) labels.set(item.itemId, item.name);
    const baskets: InteractionBasket[] = [];
    for (const b of this.baskets.values()) baskets.push({ userId: b.userId, time: b.time, items: [...b.items] });
    const userGroups = new Map([...this.userGroup].map(([u, g]) => [u, g.group]));
    const recommender = baskets.length > 0 ? fitRecommender({ baskets, userGroups, itemLabels: labels }, config) : null;
    const fitMs = Date.now() - started;
    const top = (counts: Map<number, number>, n: number, out: Int32Array, at: number) => {
      const ranked = [...counts].sort((a, b) => b[1] - a[1] || a[0] - b[0]);
      for (let i = 0; i < n; i++) out[at + i] = i < ranked.length ? ranked[i]![0] : -1;
    };
    const categoryUsers = [...this.userCategoryOrders.keys()];
    const userCategories = new Int32Array(categoryUsers.length * TOP_CATEGORIES);
    categoryUsers.forEach((u, i) => {
      const counts = new Map([...this.userCategoryOrders.get(u)!].map(([c, orders]) => [c, orders.size]));
      top(counts, TOP_CATEGORIES, userCategories, i * TOP_CATEGORIES);
    });
    const groups = [...this.groupCategoryCount.keys()];
    const groupCategories = new Int32Array(groups.length * GROUP_CATEGORIES);
    groups.forEach((g, i) => top(this.groupCategoryCount.get(g)!, GROUP_CATEGORIES, groupCategories, i * GROUP_CATEGORIES));
    const globalCategories = new Int32Array(GROUP_CATEGORIES);
    top(this.globalCategoryCount, GROUP_CATEGORIES, globalCategories, 0);
    const inferrer = new TagInferrer();
    const itemMaskIds = items.map((item) => item.itemId);
    const itemMasks = Int32Array.from(items, (item) => productTagMask(inferrer, item.name ?? '', item.category));
    const packed = recommender ? snapshotRecommender(recommender) : null;
    const output: TrainingOutput = {
      snapshot: packed?.snapshot ?? null,
      categories: this.categories,
      categoryUsers,
      userCategories,
      groups,
      groupCategories,
      globalCategories,
      itemMaskIds,
      itemMasks,
      stats: { lines: this.lines, baskets: baskets.length, customers: recommender?.users.length ?? 0, items: recommender?.items.length ?? 0, loadMs, fitMs },
      fittedAt: Date.now(),
    };
    const transfer = [...(packed?.transfer ?? []), userCategories.buffer, groupCategories.buffer, globalCategories.buffer, itemMasks.buffer] as ArrayBuffer[];
    return { output, transfer };
  }
}

/** The start of the training window, or undefined for the whole history. */
export function trainingSince(options: Pick<TrainingOptions, 'historyDays' | 'now'>): Date | undefined {
  return options.historyDays > 0 ? new Date(options.now - options.historyDays * 86_400_000) : undefined;
}

/** Reads the training window from the purchase pages and fits. */
export async function train(
  pages: AsyncIterable<PurchaseFact[]>,
  items: () => Promise<ItemFact[]>,
  options: TrainingOptions,
): Promise<{ output: TrainingOutput; transfer: ArrayBuffer[] }> {
  const started = Date.now();
  const set = new TrainingSet();
  for await (const page of pages) for (const line of page) set.add(line);
  const catalogue = await items();
  return set.fit(servingRecommenderConfig(options.recommender), catalogue, Date.now() - started);
}
