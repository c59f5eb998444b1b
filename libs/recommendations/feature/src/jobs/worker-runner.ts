import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';

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
