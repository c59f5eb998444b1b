import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import type { Actor } from '@linli/contracts';
import { PeriodicTask } from '@linli/nest-kit';
import { GROWTH_OPTIONS, type GrowthOptions } from './growth.options.js';
import { JourneysService } from './journeys.service.js';
import { LedgerService } from './ledger.service.js';
import { TiersService } from './tiers.service.js';

/**
 * The growth module's schedule: expiry of points due, journey nudges, and the monthly tier review
 * (of the previous month, once — replicas racing for it are decided by the review's primary key).
 */
@Injectable()
export class GrowthJobs implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('GrowthJobs');
  private readonly task = new PeriodicTask(this.logger, 'growth jobs', () => this.runOnce());

  constructor(
    @Inject(GROWTH_OPTIONS) private readonly options: GrowthOptions,
    @Inject(LedgerService) private readonly ledger: LedgerService,
    @Inject(JourneysService) private readonly journeys: JourneysService,
    @Inject(TiersService) private readonly tiers: TiersService,
  ) {}

  onApplicationBootstrap(): void {
    this.task.start(this.options.jobIntervalMs);
  }

  onApplicationShutdown(): Promise<void> {
    return this.task.stop();
  }

  /** One pass of every job; failures are logged and retried on the next pass. */
  async runOnce(now = new Date()): Promise<{ expired: number; nudged: number }> {
    let expired = 0;
    let nudged = 0;
    try {
      expired = await this.ledger.expireDue(now);
      await this.ledger.releaseOrphanedHolds(now, this.options.orphanedHoldHours);
      nudged = await this.journeys.nudgeDue(now);
      await this.review(null, this.tiers.dueReviewMonth(now));
    } catch (error) {
      this.logger.error(`growth jobs failed, retrying next pass: ${error instanceof Error ? error.message : String(error)}`);
    }
    return { expired, nudged };
  }

  review(actor: Actor | null, month: string) {
    return this.tiers.review(actor, month, (tx, userId, text) => this.journeys.notify(tx, userId, text, 'tier-review', month));
  }
}
