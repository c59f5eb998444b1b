import type { Logger } from '@nestjs/common';

/**
 * A service's periodic job: every `intervalMs` (0 or less: never) it calls `run`, one run at a time —
 * a tick that finds a run in flight is skipped — and logs a failure as `<what> failed`. `runNow()`
 * starts a run (or joins the one in flight); `stop()` clears the timer and waits for the run in
 * flight to settle. Timers are unref'd, so they never keep a process alive.
 */
export class PeriodicTask<T = unknown> {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<T> | undefined;

  constructor(
    private readonly logger: Logger,
    private readonly what: string,
    private readonly run: () => Promise<T>,
  ) {}

  start(intervalMs: number): void {
    if (intervalMs <= 0) return;
    this.timer = setInterval(() => {
      if (!this.running) this.runNow().catch((error: unknown) => this.logger.warn(`${this.what} failed: ${String(error)}`));
    }, intervalMs);
    this.timer.unref();
  }

  /** Runs now, or joins the run in flight. */
  runNow(): Promise<T> {
    this.running ??= this.run().finally(() => (this.running = undefined));
    return this.running;
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.running?.catch(() => undefined);
  }
}
