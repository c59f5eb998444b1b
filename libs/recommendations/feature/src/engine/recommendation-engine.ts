import { Inject, Injectable, Logger, type OnApplicationBootstrap, type BeforeApplicationShutdown } from '@nestjs/common';
import type { Worker } from 'node:worker_threads';
import { BulkReader, type CampaignFact, type CustomerFact, type ItemFact } from '@linli/recommendations-data-access';
import { RECOMMENDATIONS_OPTIONS, type RecommendationsOptions } from '../recommendations.options.js';
import type { FitWorkerInput } from './fit.worker.js';
import { runWorker, workerFile } from '../jobs/worker-runner.js';
import { buildServingIndexAsync, servingCampaignOf, servingCustomerOf, servingItemsOf, type ServingFacts } from './index-builder.js';
import { emptyServingIndex, type RecommendOutcome, type RecommendRequest, type ServingIndex } from './serving-index.js';
import { train, trainingSince, type TrainingOptions, type TrainingOutput } from './training.js';

export const BULK_READER = Symbol.for('linli.recommendations-bulk-reader');

/** Facts applied to the live index are remembered this long… */
const RECENT_FACTS_MS = 60_000;
/** …and those applied up to this long before a rebuild read the database are replayed onto it. */
const REPLAY_GRACE_MS = 10_000;

export interface EngineStatus {
  fittedAt: Date | null;
  customers: number;
  items: number;
  refreshes: number;
  lastRefresh: { startedAt: Date; ms: number; lines: number; baskets: number; fitMs: number; mode: 'worker' | 'inline' } | null;
  lastError: string | null;
}

/**
 * Serves recommendations from an in-memory {@link ServingIndex} and keeps it fresh: purchases
 * mark it dirty and a debounced refit (in a worker thread in production) builds a new index that is
 * swapped in; customer, merge and campaign facts are applied to the live index at once. Facts
 * applied while a refit is running, or shortly before it read the database (their transaction may
 * not have committed yet), are replayed onto the new index in order.
 */
@Injectable()
export class RecommendationEngine implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('RecommendationEngine');
  private index: ServingIndex = emptyServingIndex();
  private running: Promise<void> | null = null;
  private queued: Promise<void> | null = null;
  private timer: NodeJS.Timeout | undefined;
  private firstDirtyAt = 0;
  private lastRefreshEndedAt = 0;
  /** Facts applied to the live index recently, replayed onto a rebuilt one (in order). */
  private readonly recent: { at: number; change: (index: ServingIndex) => void }[] = [];
  private closed = false;
  private worker: Worker | undefined;
  private readonly stats: EngineStatus = { fittedAt: null, customers: 0, items: 0, refreshes: 0, lastRefresh: null, lastError: null };

  constructor(
    @Inject(RECOMMENDATIONS_OPTIONS) private readonly options: RecommendationsOptions,
    @Inject(BULK_READER) private readonly reader: BulkReader,
  ) {}

  onApplicationBootstrap(): void {
    void this.refresh().catch(() => undefined);
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.closed = true;
    clearTimeout(this.timer);
    await this.worker?.terminate();
    await this.running?.catch(() => undefined);
  }

  status(): EngineStatus {
    return { ...this.stats, fittedAt: this.index.fittedAt, customers: this.index.customerCount, items: this.index.itemCount };
  }

  recommend(req: RecommendRequest): RecommendOutcome {
    return this.index.recommend(req);
  }

  /** Resolves merged ids to the surviving customer. */
  resolve(userId: string): string {
    return this.index.resolve(userId);
  }

  /** Asks for a refit soon (debounced; see the refresh options). */
  markDirty(): void {
    if (this.closed) return;
    const now = Date.now();
    if (!this.firstDirtyAt) this.firstDirtyAt = now;
    const o = this.options;
    // Never refit more often than every other refit's duration: a big model is not rebuilt back to back.
    const minInterval = Math.max(o.refreshMinIntervalMs, 2 * (this.stats.lastRefresh?.ms ?? 0));
    const delay = Math.max(Math.min(o.refreshDebounceMs, this.firstDirtyAt + o.refreshMaxWaitMs - now), this.lastRefreshEndedAt + minInterval - now, 0);
    clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.refresh().catch(() => undefined), delay);
    this.timer.unref();
  }

  /** Refits and rebuilds now; resolves when a refresh that started after this call has finished. */
  refresh(): Promise<void> {
    if (this.running) {
      this.queued ??= this.running.catch(() => undefined).then(() => {
        this.queued = null;
        return this.refresh();
      });
      return this.queued;
    }
    clearTimeout(this.timer);
    this.firstDirtyAt = 0;
    this.running = this.rebuild().finally(() => {
      this.running = null;
      this.lastRefreshEndedAt = Date.now();
    });
    return this.running;
  }

  /** A customer's current facts (after a profile, consent, binding, order or merge). */
  putCustomer(fact: CustomerFact): void {
    const customer = servingCustomerOf(fact);
    this.apply((index) => index.setCustomer(fact.userId, customer));
  }

  /** Stops personalising for a customer at once (consent withdrawn), before anything else is known. */
  withdrawConsent(userId: string): void {
    this.apply((index) => index.patchCustomer(index.resolve(userId), { personalised: false }));
  }

  removeCustomer(userId: string): void {
    this.apply((index) => index.setCustomer(userId, null));
    this.markDirty();
  }

  merged(sourceUserId: string, targetUserId: string, target: CustomerFact | null): void {
    this.apply((index) => index.setMerge(sourceUserId, targetUserId));
    if (target) this.putCustomer(target);
    this.markDirty();
  }

  /** A published (or closed) campaign with its offers; new items get names and tags at once. */
  putCampaign(campaign: CampaignFact, items: ItemFact[], products: ReadonlyMap<string, { name: string; category: string }>): void {
    const serving = servingCampaignOf(campaign);
    const servingItems = servingItemsOf(items, products, [campaign]);
    this.apply((index) => {
      for (const item of servingItems.values()) index.setItem(item);
      index.setCampaign(serving);
    });
  }

  private apply(change: (index: ServingIndex) => void): void {
    change(this.index);
    const now = Date.now();
    this.recent.push({ at: now, change });
    while (this.recent.length > 0 && this.recent[0]!.at < now - RECENT_FACTS_MS) this.recent.shift();
  }

  private async rebuild(): Promise<void> {
    const startedAt = new Date();
    try {
      const options: TrainingOptions = {
        historyDays: this.options.historyDays,
        now: startedAt.getTime(),
        recommender: { ...this.options.recommender, tifu: { ...this.options.recommender?.tifu, neighbours: this.options.tifuNeighbours, ...(this.options.tifuNeighbours === 0 ? { alpha: 1 } : {}) } },
      };
      const training = this.options.fitMode === 'worker' ? await this.trainInWorker(options) : await this.trainInline(options);
      const factsReadAt = Date.now();
      const facts = await this.loadFacts();
      const next = await buildServingIndexAsync(training, facts);
      // Facts applied shortly before the database was read may not have been committed when it was.
      const since = factsReadAt - REPLAY_GRACE_MS;
      for (const { at, change } of this.recent) if (at >= since) change(next);
      this.index = next;
      this.stats.refreshes++;
      this.stats.lastError = null;
      this.stats.lastRefresh = {
        startedAt,
        ms: Date.now() - startedAt.getTime(),
        lines: training.stats.lines,
        baskets: training.stats.baskets,
        fitMs: training.stats.fitMs,
        mode: this.options.fitMode,
      };
      this.logger.log(
        `model refreshed in ${this.stats.lastRefresh.ms} ms (${this.options.fitMode}): ${training.stats.baskets} baskets, ${training.stats.customers} customers, ${training.stats.items} items`,
      );
    } catch (error) {
      this.stats.lastError = error instanceof Error ? error.message : String(error);
      if (!this.closed) this.logger.error(`model refresh failed; still serving the previous model: ${this.stats.lastError}`);
      throw error;
    }
  }

  private async loadFacts(): Promise<ServingFacts> {
    const [customers, items, products, campaigns, merges] = await Promise.all([
      this.reader.customers(),
      this.reader.items(),
      this.reader.productNames(),
      this.reader.campaigns(),
      this.reader.merges(),
    ]);
    return { customers, items, products, campaigns, merges };
  }

  private async trainInline(options: TrainingOptions): Promise<TrainingOutput> {
    const since = trainingSince(options);
    const { output } = await train(this.reader.countedPurchases({ since, withItemOnly: true }), () => this.reader.items(), options);
    return output;
  }

  private trainInWorker(options: TrainingOptions): Promise<TrainingOutput> {
    const input: FitWorkerInput = { databaseUrl: this.options.databaseUrl, options };
    return runWorker<TrainingOutput>(workerFile(new URL('./fit.worker.js', import.meta.url)), input, (worker) => (this.worker = worker)).finally(() => (this.worker = undefined));
  }
}
