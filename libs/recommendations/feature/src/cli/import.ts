/**
 * `npm run import -- --data <dir> [options]`: loads a canonical purchase history into the
 * recommendations database (see README). Progress on stderr, summary on stdout; exit code 2 for
 * bad flags, 1 for errors.
 */
import { DEFAULT_DATABASE_URL, importDataset, type ImportProgress, type ImportSummary } from '../import/importer.js';

const USAGE = `usage: npm run import -- --data <dir> [--dataset <name>] [--id-prefix <p>] [--consent granted|unknown]
                         [--batch <rows>] [--database-url <url>] [--migrations <dir>] [--json] [--no-progress]
  Loads <dir>/transactions.csv (and customers.csv, products.csv when present) into the recommendations
  database (DATABASE_URL, default ${DEFAULT_DATABASE_URL}). Re-running resumes an interrupted import and
  never inserts a row twice.`;

interface Flags {
  data?: string;
  dataset?: string;
  idPrefix?: string;
  consent: 'granted' | 'unknown';
  batch: number;
  databaseUrl: string;
  migrations?: string;
  json: boolean;
  progress: boolean;
}

class UsageError extends Error {}

function parse(argv: string[]): Flags {
  const flags: Flags = { consent: 'unknown', batch: 5_000, databaseUrl: DEFAULT_DATABASE_URL, json: false, progress: true };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const value = () => {
      const v = argv[++i];
      if (v === undefined || v.startsWith('--')) throw new UsageError(`${arg} needs a value`);
      return v;
    };
    switch (arg) {
      case '--data':
        flags.data = value();
        break;
      case '--dataset':
        flags.dataset = value();
        break;
      case '--id-prefix':
        flags.idPrefix = value();
        break;
      case '--consent': {
        const v = value();
        if (v !== 'granted' && v !== 'unknown') throw new UsageError('--consent is granted or unknown');
        flags.consent = v;
        break;
      }
      case '--batch': {
        const n = Number(value());
        if (!Number.isInteger(n) || n < 1 || n > 100_000) throw new UsageError('--batch is a whole number from 1 to 100000');
        flags.batch = n;
        break;
      }
      case '--database-url':
        flags.databaseUrl = value();
        break;
      case '--migrations':
        flags.migrations = value();
        break;
      case '--json':
        flags.json = true;
        break;
      case '--no-progress':
        flags.progress = false;
        break;
      case '--help':
      case '-h':
        throw new UsageError('');
      default:
        throw new UsageError(`unknown flag ${arg}`);
    }
  }
  if (!flags.data) throw new UsageError('--data is required');
  if (!/^postgres(ql)?:\/\//.test(flags.databaseUrl)) throw new UsageError('the database URL must be a postgres:// URL');
  return flags;
}

const mb = (bytes: number) => (bytes / 1_048_576).toFixed(1);

/** A one-line progress bar on stderr (redrawn in place on a terminal, every 10% otherwise). */
function progressBar(enabled: boolean): (p: ImportProgress) => void {
  const tty = process.stderr.isTTY === true;
  let lastDraw = 0;
  let lastDecile = -1;
  return (p) => {
    if (!enabled) return;
    const share = p.fileSize > 0 ? Math.min(1, p.bytesRead / p.fileSize) : 1;
    const now = Date.now();
    const rate = p.rows / Math.max(0.001, (now - p.startedAt) / 1000);
    const text = `${p.file} ${(share * 100).toFixed(0).padStart(3)}% ${mb(p.bytesRead)}/${mb(p.fileSize)} MB ${p.rows.toLocaleString('en')} rows (${Math.round(rate).toLocaleString('en')}/s) ${p.rejected} rejected`;
    if (tty) {
      if (now - lastDraw < 100 && share < 1) return;
      lastDraw = now;
      const width = 30;
      const filled = Math.round(share * width);
      process.stderr.write(`\r[${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${text}\x1b[K`);
      if (share >= 1) process.stderr.write('\n');
    } else {
      const decile = Math.floor(share * 10);
      if (decile === lastDecile) return;
      lastDecile = decile;
      process.stderr.write(`${text}\n`);
    }
  };
}

function report(summary: ImportSummary): string {
  const lines = [`dataset ${summary.dataset} (${(summary.ms / 1000).toFixed(1)} s)`];
  for (const f of summary.files) {
    if (f.status === 'missing') continue;
    const resumed = f.resumedFrom ? `, resumed at line ${f.resumedFrom.line}` : '';
    lines.push(`  ${f.file}: ${f.status}${resumed}; ${f.rowsRead} rows read, ${f.inserted} inserted, ${f.alreadyPresent} already present, ${f.rejected} rejected`);
  }
  const r = summary.rejects;
  lines.push(`rejected rows in this data set: ${r.total}`);
  for (const [reason, n] of Object.entries(r.byReason)) lines.push(`  ${n} × ${reason}`);
  for (const s of r.samples) lines.push(`  ${s.file} line ${s.line}: ${s.reason}`);
  if (r.total > r.samples.length) lines.push(`  … ${r.total - r.samples.length} more (table import_rejects)`);
  return lines.join('\n');
}

async function main(): Promise<number> {
  if (process.argv.includes('--help') || process.argv.includes('-h')) {
    console.log(USAGE);
    return 0;
  }
  let flags: Flags;
  try {
    flags = parse(process.argv.slice(2));
  } catch (error) {
    if (error instanceof UsageError) {
      if (error.message) console.error(`import: ${error.message}`);
      console.error(USAGE);
      return 2;
    }
    throw error;
  }
  const migrationsDir = flags.migrations ?? new URL('../../../data-access/prisma/migrations', import.meta.url).pathname;
  try {
    const summary = await importDataset({
      databaseUrl: flags.databaseUrl,
      dataDir: flags.data!,
      migrationsDir,
      dataset: flags.dataset,
      idPrefix: flags.idPrefix,
      consent: flags.consent,
      batchRows: flags.batch,
      progress: progressBar(flags.progress),
      log: (line) => process.stderr.write(`import: ${line}\n`),
    });
    process.stdout.write(`${flags.json ? JSON.stringify(summary, null, 2) : report(summary)}\n`);
    return 0;
  } catch (error) {
    console.error(`import failed: ${error instanceof Error ? error.message : String(error)}`);
    return 1;
  }
}

process.exitCode = await main();
