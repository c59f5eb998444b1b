import { Inject, Injectable, Logger, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import type { Worker } from 'node:worker_threads';
import type { recommendations } from '@linli/contracts';
import { AssetsRepository, BulkReader, RecommendationsDb } from '@linli/recommendations-data-access';
import { BULK_READER } from './engine/recommendation-engine.js';
import { todayUtc } from './jobs/assets.job.js';
import { computeBacktest } from './jobs/backtest.job.js';
import type { JobsWorkerInput } from './jobs/jobs.worker.js';
import { PeriodicJob, runWorker, workerFile } from './jobs/worker-runner.js';
import { RECOMMENDATIONS_OPTIONS, type RecommendationsOptions } from './recommendations.options.js';

type Backtest = recommendations.Backtest;

/**
 * Prediction accuracy (see `jobs/backtest.job.ts`): runs on a schedule and on request, in a worker
 * thread unless `fitMode` is `inline`; every run is stored, the latest is served.
 */
@Injectable()
export class BacktestService implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('Backtest');
  private readonly assets = new AssetsRepository();
  private readonly job = new PeriodicJob(this.logger, 'scheduled backtest');
  private running: Promise<Backtest> | null = null;
  private worker: Worker | undefined;

  constructor(
    @Inject(RecommendationsDb) private readonly db: RecommendationsDb,
    @Inject(BULK_READER) private readonly reader: BulkReader,
    @Inject(RECOMMENDATIONS_OPTIONS) private readonly options: RecommendationsOptions,
  ) {}

  onApplicationBootstrap(): void {
    this.job.start(this.options.backtestIntervalMs, () => this.scheduled());
  }

  beforeApplicationShutdown(): Promise<void> {
    return this.job.stop(this.worker, this.running);
  }

  /** The scheduled run, skipped when another replica ran one less than half an interval ago. */
  private async scheduled(): Promise<void> {
    const last = await this.assets.latestBacktest(this.db);
    if (last && Date.now() - last.ranAt.getTime() < this.options.backtestIntervalMs / 2) return;
    await this.run();
  }

  run(asOf?: string, holdoutDays?: number): Promise<Backtest> {
    if (this.running) return this.running;
    const day = asOf ?? todayUtc();
    const days = holdoutDays ?? this.options.backtestHoldoutDays;
    const run =
      this.options.fitMode === 'worker'
        ? runWorker<Backtest>(workerFile(new URL('./jobs/jobs.worker.js', import.meta.url)), { job: 'backtest', databaseUrl: this.options.databaseUrl, asOf: day, holdoutDays: days } satisfies JobsWorkerInput, (w) => (this.worker = w))
        : computeBacktest({ reader: this.reader, db: this.db, log: () => undefined, warn: (l) => this.logger.warn(l) }, day, days);
    this.running = run
      .then((b) => {
        this.logger.log(`backtest ${b.calibrationEnd} → ${b.holdoutEnd}: ${b.status}, MAE ${b.mae}, r ${b.correlation} over ${b.customers} customers`);
        return b;
      })
      .finally(() => {
        this.running = null;
        this.worker = undefined;
      });
    return this.running;
  }

  async latest(): Promise<Backtest | null> {
    const row = await this.assets.latestBacktest(this.db);
    return row ? { ...(row.result as Omit<Backtest, 'backtestId' | 'ranAt'>), backtestId: row.id, ranAt: row.ranAt.toISOString() } : null;
  }
}
