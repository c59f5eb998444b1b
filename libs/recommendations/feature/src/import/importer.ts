import { existsSync, statSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { migrate } from '@linli/nest-kit';
import { ImportRepository, type ImportCheckpoint } from '@linli/recommendations-data-access';
import { readCustomers, readProducts, readTransactionChunks, type PositionedTransaction, type RejectedRow, type ResumePoint } from '@linli/recommendations-analytics';

/** Largest value of an INTEGER column. */
const INT4_MAX = 2_147_483_647;

export interface ImportProgress {
  file: string;
  bytesRead: number;
  fileSize: number;
  rows: number;
  rejected: number;
  startedAt: number;
}

export interface ImportOptions {
  databaseUrl: string;
  dataDir: string;
  migrationsDir: string;
  /** Name the imported rows are kept under (default: the data folder's last two path parts, e.g. `cdnow/canonical-sample`). */
  dataset?: string;
  /**
   * Prepended to customer and product ids so that two data sets with the same ids stay apart
   * (default `<dataset>:`; '' keeps ids as they are). Order ids are already kept apart per data set.
   */
  idPrefix?: string;
  /** Profiling consent recorded for imported customers (`granted` for internal analysis only). */
  consent?: 'granted' | 'unknown';
  /** Rows per transaction (default 5,000; a batch ends at the first record boundary after that many). */
  batchRows?: number;
  /** Read size in bytes (default 64 KiB); batches end on read boundaries. */
  readBytes?: number;
  progress?: (p: ImportProgress) => void;
  log?: (line: string) => void;
  /** Stops after this many committed batches, as an interruption would (tests). */
  stopAfterBatches?: number;
}

export interface FileSummary {
  file: string;
  status: 'imported' | 'already-imported' | 'missing' | 'interrupted';
  /** Where this run started (null: from the beginning). */
  resumedFrom: ResumePoint | null;
  rowsRead: number;
  inserted: number;
  /** Rows already in the database (an earlier, interrupted run got further than its checkpoint). */
  alreadyPresent: number;
  rejected: number;
}

export interface ImportSummary {
  dataset: string;
  files: FileSummary[];
  /** Every rejected row of the data set so far (this run and earlier ones), by reason, with the first lines. */
  rejects: { total: number; byReason: Record<string, number>; samples: { file: string; line: number; reason: string }[] };
  ms: number;
}

type Checkpoint = ImportCheckpoint;

/** The database URL of the import: `DATABASE_URL`, else the local default. */
export const DEFAULT_DATABASE_URL = 'postgresql://postgres@127.0.0.1:5432/linli_recommendations';

/**
 * Bulk import of a canonical purchase history (`transactions.csv`, optional `customers.csv` and
 * `products.csv`) into the recommendations database. Streams the files, inserts in batches (one
 * multi-row `INSERT … SELECT unnest(…)` per table and batch), commits a checkpoint (byte offset and
 * line) with every batch so a re-run continues where the last one stopped, never inserts a row
 * twice (`(source, dataset, order_id, line)` is unique), and records every rejected row with its
 * line number.
 */
export async function importDataset(options: ImportOptions): Promise<ImportSummary> {
  const started = Date.now();
  const log = options.log ?? (() => undefined);
  const dataDir = resolve(options.dataDir);
  const dataset = options.dataset ?? `${basename(dirname(dataDir))}/${basename(dataDir)}`;
  const prefix = options.idPrefix ?? `${dataset}:`;
  const consent = options.consent === 'granted' ? true : null;
  const batchRows = options.batchRows ?? 5_000;
  const transactions = join(dataDir, 'transactions.csv');
  if (!existsSync(transactions)) throw new Error(`${transactions} does not exist`);
  const migrated = await migrate({ databaseUrl: options.databaseUrl, migrationsDir: options.migrationsDir, createDatabase: true });
  if (migrated.applied.length) log(`applied migrations ${migrated.applied.join(', ')}`);
  const client = await ImportRepository.connect(options.databaseUrl);
  try {
    const files: FileSummary[] = [];
    files.push(await importProducts(client, join(dataDir, 'products.csv'), dataset, prefix, log));
    files.push(await importCustomers(client, join(dataDir, 'customers.csv'), dataset, prefix, consent, log));
    files.push(
      await importTransactions(client, transactions, { dataset, prefix, consent, batchRows, readBytes: options.readBytes ?? 64 * 1024, progress: options.progress, stopAfterBatches: options.stopAfterBatches, log }),
    );
    return { dataset, files, rejects: await client.rejectSummary(dataset), ms: Date.now() - started };
  } finally {
    await client.close();
  }
}

/**
 * Imports one optional file of rows (products or customers) in batches of 5,000: each row mapped by
 * `toRow`, each batch written by `write` (which answers how many rows it wrote), rejects recorded.
 */
async function importFile<R, T>(
  client: ImportRepository,
  dataset: string,
  file: string,
  path: string,
  read: (path: string, options: { onReject: (r: RejectedRow) => void }) => AsyncIterable<R> & { rowsRead: number },
  toRow: (row: R) => T,
  write: (batch: T[]) => Promise<number>,
  log: (line: string) => void,
): Promise<FileSummary> {
  const summary: FileSummary = { file, status: 'missing', resumedFrom: null, rowsRead: 0, inserted: 0, alreadyPresent: 0, rejected: 0 };
  if (!existsSync(path)) return summary;
  const rejects: RejectedRow[] = [];
  const reader = read(path, { onReject: (r) => rejects.push(r) });
  let batch: T[] = [];
  const flush = async () => {
    if (batch.length === 0) return;
    summary.inserted += await write(batch);
    batch = [];
  };
  for await (const row of reader) {
    batch.push(toRow(row));
    if (batch.length >= 5_000) await flush();
  }
  await flush();
  await client.recordRejects(dataset, file, rejects);
  summary.status = 'imported';
  summary.rowsRead = reader.rowsRead;
  summary.rejected = rejects.length;
  log(`${file}: ${summary.inserted} rows written, ${rejects.length} rejected`);
  return summary;
}

function importProducts(client: ImportRepository, path: string, dataset: string, prefix: string, log: (line: string) => void): Promise<FileSummary> {
  return importFile(client, dataset, 'products.csv', path, readProducts, (p) => ({ id: prefix + p.productId, name: p.name, category: p.category }), (batch) => client.upsertProducts(batch), log);
}

function importCustomers(client: ImportRepository, path: string, dataset: string, prefix: string, consent: boolean | null, log: (line: string) => void): Promise<FileSummary> {
  return importFile(
    client,
    dataset,
    'customers.csv',
    path,
    readCustomers,
    (c) => ({ id: prefix + c.customerId, attributes: JSON.stringify(c.attributes) }),
    (batch) => client.upsertCustomers(batch, dataset, consent),
    log,
  );
}

async function importTransactions(
  client: ImportRepository,
  path: string,
  o: { dataset: string; prefix: string; consent: boolean | null; batchRows: number; readBytes: number; progress?: (p: ImportProgress) => void; stopAfterBatches?: number; log: (line: string) => void },
): Promise<FileSummary> {
  const file = 'transactions.csv';
  const fileSize = statSync(path).size;
  let checkpoint = await client.readCheckpoint(o.dataset, file);
  if (checkpoint?.done && checkpoint.fileSize === fileSize) {
    o.log(`${file}: already imported (${checkpoint.rowsImported} rows); nothing to do`);
    return { file, status: 'already-imported', resumedFrom: null, rowsRead: 0, inserted: 0, alreadyPresent: 0, rejected: 0 };
  }
  if (checkpoint && (checkpoint.done || checkpoint.byteOffset > fileSize)) {
    o.log(`${file}: the file changed since the last import; reading it again from the start (rows already imported are kept, not duplicated)`);
    checkpoint = { ...checkpoint, byteOffset: 0, line: 1, done: false };
  }
  const from = checkpoint && checkpoint.byteOffset > 0 ? { byteOffset: checkpoint.byteOffset, line: checkpoint.line } : undefined;
  if (from) o.log(`${file}: resuming at line ${from.line} (byte ${from.byteOffset} of ${fileSize})`);
  const summary: FileSummary = { file, status: 'imported', resumedFrom: from ?? null, rowsRead: 0, inserted: 0, alreadyPresent: 0, rejected: 0 };
  const state: Checkpoint = checkpoint ?? { byteOffset: 0, line: 1, rowsImported: 0, rowsRejected: 0, done: false, fileSize };
  state.fileSize = fileSize;
  const progress: ImportProgress = { file, bytesRead: from?.byteOffset ?? 0, fileSize, rows: 0, rejected: 0, startedAt: Date.now() };
  let rows: PositionedTransaction[] = [];
  let rejects: RejectedRow[] = [];
  let batches = 0;

  const commit = async (resume: ResumePoint, done: boolean) => {
    const valid: PositionedTransaction[] = [];
    for (const r of rows) {
      const { quantity, amountCents } = r.tx;
      if (quantity > INT4_MAX) rejects.push({ line: r.line, reason: 'quantity: is out of range' });
      else if (Math.abs(amountCents) > INT4_MAX) rejects.push({ line: r.line, reason: 'amount_cents: is out of range' });
      else valid.push(r);
    }
    const inserted = await client.transaction(async () => {
      let inserted = 0;
      if (valid.length) {
        await client.ensureCustomers([...new Set(valid.map((r) => o.prefix + r.tx.customerId))], o.dataset, o.consent);
        inserted = await client.insertPurchases(
          o.dataset,
          valid.map((r) => ({
            customerId: o.prefix + r.tx.customerId,
            orderId: r.tx.orderId,
            line: r.line,
            orderedAt: r.tx.orderedAt,
            productId: r.tx.productId ? o.prefix + r.tx.productId : '',
            category: r.tx.category,
            quantity: r.tx.quantity,
            amountCents: r.tx.amountCents,
          })),
        );
      }
      await client.recordRejects(o.dataset, file, rejects);
      state.byteOffset = resume.byteOffset;
      state.line = resume.line;
      state.rowsImported += inserted;
      state.rowsRejected += rejects.length;
      state.done = done;
      await client.writeCheckpoint(o.dataset, file, state);
      return inserted;
    });
    summary.inserted += inserted;
    summary.alreadyPresent += valid.length - inserted;
    summary.rejected += rejects.length;
    rows = [];
    rejects = [];
    batches++;
  };

  let last: ResumePoint | null = null;
  for await (const chunk of readTransactionChunks(path, { from, highWaterMark: o.readBytes })) {
    rows.push(...chunk.rows);
    rejects.push(...chunk.rejects);
    summary.rowsRead += chunk.rows.length + chunk.rejects.length;
    progress.bytesRead = chunk.bytesRead;
    progress.rows += chunk.rows.length;
    progress.rejected += chunk.rejects.length;
    o.progress?.(progress);
    if (chunk.resume) last = chunk.resume;
    if (chunk.resume && rows.length + rejects.length >= o.batchRows) {
      await commit(chunk.resume, false);
      if (o.stopAfterBatches !== undefined && batches >= o.stopAfterBatches) {
        summary.status = 'interrupted';
        o.log(`${file}: stopped after ${batches} batch(es) at line ${chunk.resume.line}`);
        return summary;
      }
    }
  }
  await commit(last ?? { byteOffset: fileSize, line: state.line }, true);
  o.log(`${file}: ${summary.inserted} rows inserted, ${summary.alreadyPresent} already present, ${summary.rejected} rejected`);
  return summary;
}
