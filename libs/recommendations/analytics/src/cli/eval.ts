/**
 * Evaluation CLI: `npm run eval -- <ltv|recs|tags> --data <dir> [...]`.
 * Prints a table on stdout, progress on stderr, and with `--out` writes the JSON result.
 * Exit codes: 0 ok, 1 data or runtime error, 2 usage error.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { UsageError, USAGE, parseArgs, dateFlag, numberFlag, choiceFlag, kListFlag } from '../eval/args.js';
import { loadDataset, DatasetError } from '../eval/data.js';
import { runLtv } from '../eval/ltv.js';
import { runRecs } from '../eval/recs.js';
import { runTags } from '../eval/tags.js';
import { CanonicalHeaderError } from '../canonical.js';
import type { DeepPartial, RecommenderConfig } from '../recommender.js';

export async function main(argv: readonly string[]): Promise<number> {
  if (argv[0] === '--help' || argv[0] === '-h') {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  let parsed;
  try {
    parsed = parseArgs(argv);
  } catch (e) {
    if (e instanceof UsageError) {
      process.stderr.write(`error: ${e.message}\n\n${USAGE}\n`);
      return 2;
    }
    throw e;
  }
  const { task, flags } = parsed;
  const quiet = flags.has('quiet');
  const log = (s: string) => {
    if (!quiet) process.stderr.write(`${s}\n`);
  };
  try {
    // validate every flag before reading data
    let run: () => Promise<{ result: unknown; report: string }>;
    const dir = flags.get('data')!;
    if (task === 'ltv') {
      const calibrationEnd = dateFlag(flags, 'calibration-end', true)!;
      const holdoutEnd = dateFlag(flags, 'holdout-end', false);
      if (holdoutEnd !== undefined && holdoutEnd < calibrationEnd) throw new UsageError('--holdout-end must not be before --calibration-end');
      const timeUnit = choiceFlag(flags, 'time-unit', ['week', 'day'] as const, 'week');
      run = async () => {
        const ds = await loadDataset(dir);
        reportRejects(log, ds.rejects.transactions.total, 'transactions.csv');
        return runLtv(ds.transactions, { calibrationEnd, ...(holdoutEnd ? { holdoutEnd } : {}), timeUnit });
      };
    } else if (task === 'recs') {
      const split = choiceFlag(flags, 'split', ['random', 'last-basket'] as const, undefined);
      const testFraction = numberFlag(flags, 'test-fraction', 0.25, (v) => v > 0 && v < 1, 'a number between 0 and 1');
      const seed = numberFlag(flags, 'seed', 42, (v) => Number.isInteger(v), 'an integer');
      const ks = kListFlag(flags);
      let linli: DeepPartial<RecommenderConfig> | undefined;
      const raw = flags.get('linli');
      if (raw !== undefined) {
        try {
          linli = JSON.parse(raw) as DeepPartial<RecommenderConfig>;
        } catch {
          throw new UsageError('--linli must be a JSON object');
        }
        if (typeof linli !== 'object' || linli === null || Array.isArray(linli)) throw new UsageError('--linli must be a JSON object');
      }
      run = async () => {
        const ds = await loadDataset(dir);
        reportRejects(log, ds.rejects.transactions.total, 'transactions.csv');
        return runRecs(ds.transactions, { split, ks, testFraction, seed, ...(linli ? { linli } : {}), log });
      };
    } else {
      const threshold = numberFlag(flags, 'threshold', 0.5, (v) => v >= 0 && v <= 1, 'a number between 0 and 1');
      run = async () => {
        const ds = await loadDataset(dir, { customers: true, products: true });
        reportRejects(log, ds.rejects.transactions.total, 'transactions.csv');
        return runTags(ds.transactions, ds.customers, ds.products, { threshold });
      };
    }
    const t0 = Date.now();
    const { result, report } = await run();
    process.stdout.write(`${report}\n`);
    log(`done in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
    const out = flags.get('out');
    if (out) {
      mkdirSync(dirname(out), { recursive: true });
      writeFileSync(out, `${JSON.stringify(result, null, 2)}\n`);
      log(`wrote ${out}`);
    }
    return 0;
  } catch (e) {
    if (e instanceof UsageError) {
      process.stderr.write(`error: ${e.message}\n\n${USAGE}\n`);
      return 2;
    }
    if (e instanceof DatasetError || e instanceof CanonicalHeaderError) {
      process.stderr.write(`error: ${e.message}\n`);
      return 1;
    }
    throw e;
  }
}

function reportRejects(log: (s: string) => void, n: number, file: string): void {
  if (n > 0) log(`${file}: skipped ${n} malformed row(s)`);
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (e: unknown) => {
    process.stderr.write(`error: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    process.exitCode = 1;
  },
);
