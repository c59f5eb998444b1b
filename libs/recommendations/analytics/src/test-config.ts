/** Locating the shared benchmark data sets for tests and scripts (never copied into the repo). */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';

/** Root of the shared data sets: `../shared/datasets` beside the repository; override with LINLI_DATASETS. */
export function datasetsRoot(): string {
  return process.env['LINLI_DATASETS'] ?? resolve(__dirname, '..', '..', '..', '..', '..', 'shared', 'datasets');
}

/** Path of a canonical file, or a clear error when the data set is not on this machine. */
export function requireDatasetFile(relative: string): string {
  const p = join(datasetsRoot(), relative);
  if (!existsSync(p)) {
    throw new Error(`benchmark data set file ${p} is missing: this test needs the shared data sets (set LINLI_DATASETS to their folder)`);
  }
  return p;
}
