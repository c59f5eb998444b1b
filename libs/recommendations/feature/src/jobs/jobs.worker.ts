/**
 * Worker thread for the heavy scheduled jobs (customer assets, backtests), so that they never block
 * the thread answering requests. Receives {@link JobsWorkerInput} as `workerData`, reads and writes
 * the database itself, and posts back `{ok: true, result}` or `{ok: false, error}`.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { BulkReader } from '@linli/recommendations-data-access';
import { computeAssets, type AssetsJobOptions, type JobEnv } from './assets.job.js';
import { computeBacktest } from './backtest.job.js';

export type JobsWorkerInput =
  | { job: 'assets'; databaseUrl: string; options: AssetsJobOptions; asOf: string }
  | { job: 'backtest'; databaseUrl: string; asOf: string; holdoutDays: number };

const input = workerData as JobsWorkerInput;
const reader = BulkReader.connect(input.databaseUrl, 2);
const env: JobEnv = { reader, db: reader.executor(), log: () => undefined, warn: () => undefined };
try {
  const result = input.job === 'assets' ? await computeAssets(env, input.options, input.asOf) : await computeBacktest(env, input.asOf, input.holdoutDays);
  parentPort!.postMessage({ ok: true, result });
} catch (error) {
  parentPort!.postMessage({ ok: false, error: error instanceof Error ? (error.stack ?? error.message) : String(error) });
} finally {
  await reader.close();
}
