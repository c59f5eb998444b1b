import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { Logger } from '@nestjs/common';

/** The compiled worker file beside the caller, or its TypeScript source when running from source. */
export function workerFile(compiled: URL): URL {
  return existsSync(fileURLToPath(compiled)) ? compiled : new URL(compiled.href.replace(/\.js$/, '.ts'));
}

/**
 * Runs a worker thread that posts exactly one `{ok: true, result}` or `{ok: false, error}` message.
 * `onStart` receives the worker (so an owner can terminate it on shutdown).
 */
export function runWorker<T>(file: URL, workerData: unknown, onStart?: (worker: Worker) => void): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const worker = new Worker(file, { workerData });
    onStart?.(worker);
    let settled = false;
    worker.once('message', (message: { ok: true; result: T } | { ok: false; error: string }) => {
      settled = true;
      if (message.ok) resolve(message.result);
      else reject(new Error(message.error));
    });
    worker.once('error', (error) => {
      settled = true;
      reject(error);
    });
    worker.once('exit', (code) => {
      if (!settled) reject(new Error(`worker ${file.pathname.split('/').pop()} exited with code ${code}`));
    });
  });
}

/**
 * A periodic job of a service whose runs may go to a worker thread: `every` ms (0: never) it calls
 * `run`, logging a failure as `what failed`; `stop()` clears the timer, terminates a running worker and
 * waits for the run to settle.
 */
export class PeriodicJob {
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly logger: Logger,
    private readonly what: string,
  ) {}

  start(every: number, run: () => Promise<unknown>): void {
    if (every <= 0) return;
    this.timer = setInterval(() => void run().catch((e) => this.logger.error(`${this.what} failed: ${String(e)}`)), every);
    this.timer.unref();
  }

  async stop(worker: Worker | undefined, running: Promise<unknown> | null | undefined): Promise<void> {
    clearInterval(this.timer);
    await worker?.terminate();
    await running?.catch(() => undefined);
  }
}
