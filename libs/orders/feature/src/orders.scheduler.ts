import { Inject, Injectable, Logger, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import { CutoffService } from './cutoff.service.js';
import { ORDERS_OPTIONS, type OrdersOptions } from './orders.options.js';

/**
 * The orders service's own scheduler: every tick it expires unpaid orders, carries campaigns past
 * their cut-off, and completes orders whose complaint window has passed. Work is claimed with
 * `FOR UPDATE SKIP LOCKED`, so every replica may run it.
 */
@Injectable()
export class OrdersScheduler implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('OrdersScheduler');
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;
  private stopped = false;

  constructor(
    @Inject(CutoffService) private readonly cutoff: CutoffService,
    @Inject(ORDERS_OPTIONS) private readonly options: OrdersOptions,
  ) {}

  onApplicationBootstrap(): void {
    if (this.options.schedulerIntervalMs > 0) this.schedule();
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running;
  }

  /** One pass over every job; returns what it did. */
  async runOnce(): Promise<{ expired: number; closedCampaigns: number; completed: number }> {
    const expired = await this.cutoff.expireDue();
    const closedCampaigns = await this.cutoff.processCutoffs();
    const completed = await this.cutoff.completeDue();
    return { expired, closedCampaigns, completed };
  }

  private schedule(): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.running = this.runOnce()
        .then((done) => {
          if (done.expired || done.closedCampaigns || done.completed) this.logger.log(`tick: ${JSON.stringify(done)}`);
        })
        .catch((error: unknown) => this.logger.warn(`tick failed: ${error instanceof Error ? error.message : String(error)}`))
        .finally(() => {
          this.running = undefined;
          this.schedule();
        });
    }, this.options.schedulerIntervalMs);
  }
}
