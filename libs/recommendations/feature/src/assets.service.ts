import { Inject, Injectable, Logger, type OnApplicationBootstrap, type BeforeApplicationShutdown } from '@nestjs/common';
import type { Actor, recommendations } from '@linli/contracts';
import type { Worker } from 'node:worker_threads';
import { TAG_DIMENSIONS, tagCompleteness, type ResolvedTag } from '@linli/recommendations-analytics';
import { AssetsRepository, BulkReader, RecommendationsDb, StoreRepository } from '@linli/recommendations-data-access';
import { AccessService } from './access.service.js';
import { BULK_READER, RecommendationEngine } from './engine/recommendation-engine.js';
import { declaredTags } from './engine/household.js';
import { computeAssets, todayUtc, type AssetsJobOptions, type RefreshOutcome } from './jobs/assets.job.js';
import type { JobsWorkerInput } from './jobs/jobs.worker.js';
import { PeriodicJob, runWorker, workerFile } from './jobs/worker-runner.js';
import { RECOMMENDATIONS_OPTIONS, type RecommendationsOptions } from './recommendations.options.js';
import { RecommendationsErrors } from './recommendations.exception.js';

type CustomerAssets = recommendations.CustomerAssets;
type CustomerTag = recommendations.CustomerTag;
type Stage = NonNullable<CustomerAssets['lifecycle']>['stage'];

export type { RefreshOutcome };

/** Declared tags first (always win), then inferred ones, as the contract shows them. */
export function presentTags(declared: Partial<Record<string, boolean>>, inferred: ResolvedTag[] | Record<string, ResolvedTag>): CustomerTag[] {
  const inferredList = Array.isArray(inferred) ? inferred : Object.entries(inferred).map(([tag, t]) => ({ ...t, tag }));
  const out: CustomerTag[] = [];
  for (const [tag, value] of Object.entries(declared)) {
    if (value === undefined) continue;
    out.push({ tag, value, source: 'declared', confidence: 1, evidence: [] });
  }
  for (const t of inferredList as (ResolvedTag & { tag: string })[]) {
    if (t.source !== 'inferred' || declared[t.tag] !== undefined) continue;
    out.push({ tag: t.tag, value: t.value, source: 'inferred', confidence: Math.round(t.confidence * 1000) / 1000, evidence: t.evidence });
  }
  return out.sort((a, b) => TAG_DIMENSIONS.indexOf(a.tag as never) - TAG_DIMENSIONS.indexOf(b.tag as never));
}

/**
 * Customer assets (see `jobs/assets.job.ts`), recomputed for every customer on a schedule or on
 * request, and served per customer with consent applied.
 */
@Injectable()
export class AssetsService implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('Assets');
  private readonly assets = new AssetsRepository();
  private readonly store = new StoreRepository();
  private readonly job = new PeriodicJob(this.logger, 'scheduled asset refresh');
  private running: Promise<RefreshOutcome> | null = null;
  private worker: Worker | undefined;

  constructor(
    @Inject(RecommendationsDb) private readonly db: RecommendationsDb,
    @Inject(BULK_READER) private readonly reader: BulkReader,
    @Inject(RECOMMENDATIONS_OPTIONS) private readonly options: RecommendationsOptions,
    @Inject(AccessService) private readonly access: AccessService,
    @Inject(RecommendationEngine) private readonly engine: RecommendationEngine,
  ) {}

  onApplicationBootstrap(): void {
    this.job.start(this.options.assetsIntervalMs, () => this.scheduled());
  }

  beforeApplicationShutdown(): Promise<void> {
    return this.job.stop(this.worker, this.running);
  }

  /** The scheduled run, skipped when another replica computed the assets less than half an interval ago. */
  private async scheduled(): Promise<void> {
    const last = await this.assets.lastComputedAt(this.db);
    if (last && Date.now() - last.getTime() < this.options.assetsIntervalMs / 2) return;
    await this.refreshAll();
  }

  /**
   * Recomputes every customer's assets as of `asOf` (default today), in a worker thread unless
   * `fitMode` is `inline`. One run at a time; serving picks the new tags up at its next refresh.
   */
  refreshAll(asOf?: string): Promise<RefreshOutcome> {
    if (this.running) return this.running;
    const day = asOf ?? todayUtc();
    const options: AssetsJobOptions = { clvMonths: this.options.clvMonths, clvMonthlyDiscount: this.options.clvMonthlyDiscount };
    const run: Promise<RefreshOutcome> =
      this.options.fitMode === 'worker'
        ? runWorker<RefreshOutcome>(workerFile(new URL('./jobs/jobs.worker.js', import.meta.url)), { job: 'assets', databaseUrl: this.options.databaseUrl, options, asOf: day } satisfies JobsWorkerInput, (w) => (this.worker = w))
        : computeAssets({ reader: this.reader, db: this.db, log: (l) => this.logger.log(l), warn: (l) => this.logger.warn(l) }, options, day);
    this.running = run
      .then((outcome) => {
        this.logger.log(`assets of ${outcome.customers} customers as of ${outcome.asOf} in ${outcome.ms} ms (BG/NBD ${outcome.bgnbd}, Gamma-Gamma ${outcome.gammaGamma})`);
        this.engine.markDirty();
        return outcome;
      })
      .finally(() => {
        this.running = null;
        this.worker = undefined;
      });
    return this.running;
  }

  /** A customer's assets for ops, their leader, or themselves. */
  async getAssets(actor: Actor, userId: string): Promise<CustomerAssets> {
    const resolved = await this.store.resolveUser(this.db, userId);
    const customer = resolved.kind === 'known' ? await this.store.getCustomer(this.db, resolved.userId) : null;
    if (!customer) throw RecommendationsErrors.customerNotFound(userId);
    await this.access.assertCustomer(actor, customer);
    const asset = await this.assets.getAsset(this.db, customer.user_id);
    const declared = declaredTags({ household: customer.household, dietary: customer.dietary, attributes: customer.attributes as Record<string, string> | null });
    const stored = (asset?.tags ?? []) as (ResolvedTag & { tag: string })[];
    const tags = presentTags(declared, customer.profiling_consent === true ? stored : []);
    const known: Record<string, ResolvedTag> = {};
    for (const t of tags) known[t.tag] = { value: t.value, source: t.source, confidence: t.confidence, evidence: [] };
    const latest = await this.assets.latestFit(this.db, 'bgnbd', false);
    const good = await this.assets.latestFit(this.db, 'bgnbd', true);
    return {
      userId: customer.user_id,
      compoundId: customer.compound_id,
      pickupPointId: customer.pickup_point_id,
      consent: { profiling: customer.profiling_consent, marketing: customer.marketing_consent },
      rfm: asset ? { recencyDays: asset.recencyDays, frequency: asset.frequency, monetaryCents: asset.monetaryCents, R: asset.r, F: asset.f, M: asset.m } : null,
      lifecycle: asset ? { stage: asset.stage as Stage, expectedGapDays: asset.expectedGapDays, gapRatio: asset.gapRatio } : null,
      predictions: asset
        ? {
            pAlive: asset.pAlive,
            expectedPurchases90d: asset.expectedPurchases90d,
            clvCents: asset.clvCents,
            churnRisk: asset.churnRisk,
            model: { fittedAt: good ? good.fittedAt.toISOString() : null, latestStatus: latest ? latest.status : 'none' },
          }
        : null,
      tags,
      completeness: tagCompleteness(known),
      computedAt: asset ? asset.computedAt.toISOString() : null,
    };
  }
}
