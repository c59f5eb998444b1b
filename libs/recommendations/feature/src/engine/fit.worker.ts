/**
 * Worker thread that loads the training window and fits the recommender, so that a refit never
 * blocks the thread answering requests. Receives {@link FitWorkerInput} as `workerData`, posts
 * back `{ok: true, result}` (the training output; model buffers transferred, not copied) or
 * `{ok: false, error}` (the error's stack).
 */
import { parentPort, workerData } from 'node:worker_threads';
import { BulkReader } from '@linli/recommendations-data-access';
import { train, trainingSince, type TrainingOptions } from './training.js';

export interface FitWorkerInput {
  databaseUrl: string;
  options: TrainingOptions;
}

const input = workerData as FitWorkerInput;
const reader = BulkReader.connect(input.databaseUrl, 1);
try {
  const since = trainingSince(input.options);
  const { output, transfer } = await train(reader.countedPurchases({ since, withItemOnly: true }), () => reader.items(), input.options);
  parentPort!.postMessage({ ok: true, result: output }, transfer);
} catch (error) {
  parentPort!.postMessage({ ok: false, error: error instanceof Error ? (error.stack ?? error.message) : String(error) });
} finally {
  await reader.close();
}
