import { existsSync, statSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import pg from 'pg';
import { migrate } from '@linli/nest-kit';
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

interface Checkpoint {
  byteOffset: number;
  line: number;
  rowsImported: number;
  rowsRejected: number;
  done: boolean;
  fileSize: number;
}

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
  const client = new pg.Client({ connectionString: options.databaseUrl });
  await client.connect();
  try {
    const files: FileSummary[] = [];
    files.push(await importProducts(client, join(dataDir, 'products.csv'), dataset, prefix, log));
    files.push(await importCustomers(client, join(dataDir, 'customers.csv'), dataset, prefix, consent, log));
    files.push(
      await importTransactions(client, transactions, { dataset, prefix, consent, batchRows, readBytes: options.readBytes ?? 64 * 1024, progress: options.progress, stopAfterBatches: options.stopAfterBatches, log }),
    );
    return { dataset, files, rejects: await rejectSummary(client, dataset), ms: Date.now() - started };
  } finally {
    await client.end();
  }
}

async function rejectSummary(client: pg.Client, dataset: string): Promise<ImportSummary['rejects']> {
  const byReason = await client.query<{ reason: string; n: number }>(
    `SELECT split_part(reason, ':', 1) AS reason, count(*)::int AS n FROM import_rejects WHERE dataset = $1 GROUP BY 1 ORDER BY 2 DESC, 1`,
    [dataset],
  );
  const samples = await client.query<{ file: string; line: number; reason: string }>(
    'SELECT file, line, reason FROM import_rejects WHERE dataset = $1 ORDER BY file, line LIMIT 20',
    [dataset],
  );
  return {
    total: byReason.rows.reduce((s, r) => s + r.n, 0),
    byReason: Object.fromEntries(byReason.rows.map((r) => [r.reason, r.n])),
    samples: samples.rows,
  };
}

async function recordRejects(client: pg.Client, dataset: string, file: string, rejects: RejectedRow[]): Promise<void> {
  if (rejects.length === 0) return;
  await client.query(
    `INSERT INTO import_rejects (dataset, file, line, reason) SELECT $1, $2, r.line, r.reason FROM unnest($3::int[], $4::text[]) AS r(line, reason)
     ON CONFLICT DO NOTHING`,
    [dataset, file, rejects.map((r) => r.line), rejects.map((r) => r.reason.slice(0, 500))],
  );
}

async function importProducts(client: pg.Client, path: string, dataset: string, prefix: string, log: (line: string) => void): Promise<FileSummary> {
  const summary: FileSummary = { file: 'products.csv', status: 'missing', resumedFrom: null, rowsRead: 0, inserted: 0, alreadyPresent: 0, rejected: 0 };
  if (!existsSync(path)) return summary;
  const rejects: RejectedRow[] = [];
  const reader = readProducts(path, { onReject: (r) => rejects.push(r) });
  let batch: { id: string; name: string; category: string }[] = [];
  const flush = async () => {
    if (batch.length === 0) return;
    const result = await client.query(
      `INSERT INTO products (product_id, name, category, source)
       SELECT p.id, p.name, p.category, 'import' FROM unnest($1::text[], $2::text[], $3::text[]) AS p(id, name, category)
       ON CONFLICT (product_id) DO UPDATE SET name = EXCLUDED.name, category = EXCLUDED.category, updated_at = now()
       WHERE products.source = 'import'`,
      [batch.map((p) => p.id), batch.map((p) => p.name), batch.map((p) => p.category)],
    );
    summary.inserted += result.rowCount ?? 0;
    batch = [];
  };
  for await (const p of reader) {
    batch.push({ id: prefix + p.productId, name: p.name, category: p.category });
    if (batch.length >= 5_000) await flush();
  }
  await flush();
  await recordRejects(client, dataset, 'products.csv', rejects);
  summary.status = 'imported';
  summary.rowsRead = reader.rowsRead;
  summary.rejected = rejects.length;
  log(`products.csv: ${summary.inserted} products, ${rejects.length} rejected`);
  return summary;
}

async function importCustomers(client: pg.Client, path: string, dataset: string, prefix: string, consent: boolean | null, log: (line: string) => void): Promise<FileSummary> {
  const summary: FileSummary = { file: 'customers.csv', status: 'missing', resumedFrom: null, rowsRead: 0, inserted: 0, alreadyPresent: 0, rejected: 0 };
  if (!existsSync(path)) return summary;
  const rejects: RejectedRow[] = [];
  const reader = readCustomers(path, { onReject: (r) => rejects.push(r) });
  let batch: { id: string; attributes: string }[] = [];
  const flush = async () => {
    if (batch.length === 0) return;
    const result = await client.query(
      `INSERT INTO customers (user_id, source, dataset, attributes, profiling_consent)
       SELECT c.id, 'import', $3, c.attributes::jsonb, $4 FROM unnest($1::text[], $2::text[]) AS c(id, attributes)
       ON CONFLICT (user_id) DO UPDATE SET attributes = EXCLUDED.attributes, updated_at = now() WHERE customers.source = 'import'`,
      [batch.map((c) => c.id), batch.map((c) => c.attributes), dataset, consent],
    );
    summary.inserted += result.rowCount ?? 0;
    batch = [];
  };
  for await (const c of reader) {
    batch.push({ id: prefix + c.customerId, attributes: JSON.stringify(c.attributes) });
    if (batch.length >= 5_000) await flush();
  }
  await flush();
  await recordRejects(client, dataset, 'customers.csv', rejects);
  summary.status = 'imported';
  summary.rowsRead = reader.rowsRead;
  summary.rejected = rejects.length;
  log(`customers.csv: ${summary.inserted} customers, ${rejects.length} rejected`);
  return summary;
}

async function readCheckpoint(client: pg.Client, dataset: string, file: string): Promise<Checkpoint | null> {
  const { rows } = await client.query<{ byte_offset: string; line: number; rows_imported: number; rows_rejected: number; done: boolean; file_size: string }>(
    'SELECT byte_offset::text, line, rows_imported, rows_rejected, done, file_size::text FROM import_checkpoints WHERE dataset = $1 AND file = $2',
    [dataset, file],
  );
  const r = rows[0];
  return r
    ? { byteOffset: Number(r.byte_offset), line: r.line, rowsImported: r.rows_imported, rowsRejected: r.rows_rejected, done: r.done, fileSize: Number(r.file_size) }
    : null;
}

async function writeCheckpoint(client: pg.Client, dataset: string, file: string, c: Checkpoint): Promise<void> {
  await client.query(
    `INSERT INTO import_checkpoints (dataset, file, byte_offset, line, rows_imported, rows_rejected, done, file_size)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
     ON CONFLICT (dataset, file) DO UPDATE SET byte_offset = EXCLUDED.byte_offset, line = EXCLUDED.line, rows_imported = EXCLUDED.rows_imported,
       rows_rejected = EXCLUDED.rows_rejected, done = EXCLUDED.done, file_size = EXCLUDED.file_size, updated_at = now()`,
    [dataset, file, c.byteOffset, c.line, c.rowsImported, c.rowsRejected, c.done, c.fileSize],
  );
}

async function importTransactions(
  client: pg.Client,
  path: string,
  o: { dataset: string; prefix: string; consent: boolean | null; batchRows: number; readBytes: number; progress?: (p: ImportProgress) => void; stopAfterBatches?: number; log: (line: string) => void },
): Promise<FileSummary> {
  const file = 'transactions.csv';
  const fileSize = statSync(path).size;
  let checkpoint = await readCheckpoint(client, o.dataset, file);
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
    await client.query('BEGIN');
    try {
      let inserted = 0;
      if (valid.length) {
        const customers = [...new Set(valid.map((r) => o.prefix + r.tx.customerId))];
        await client.query(
          `INSERT INTO customers (user_id, source, dataset, profiling_consent) SELECT c, 'import', $2, $3 FROM unnest($1::text[]) AS c ON CONFLICT (user_id) DO NOTHING`,
          [customers, o.dataset, o.consent],
        );
        const result = await client.query(
          `INSERT INTO purchases (user_id, source, dataset, order_id, line_key, ordered_at, item_id, product_id, category, quantity, amount_cents, status)
           SELECT t.customer, 'import', $1, t.order_id, t.line::text, to_timestamp(t.at / 1000.0), t.product, nullif(t.product, ''), t.category, t.quantity, t.amount, 'completed'
             FROM unnest($2::text[], $3::text[], $4::int[], $5::float8[], $6::text[], $7::text[], $8::int[], $9::int[])
                  AS t(customer, order_id, line, at, product, category, quantity, amount)
           ON CONFLICT (source, dataset, order_id, line_key) DO NOTHING`,
          [
            o.dataset,
            valid.map((r) => o.prefix + r.tx.customerId),
            valid.map((r) => r.tx.orderId),
            valid.map((r) => r.line),
            valid.map((r) => r.tx.orderedAt),
            valid.map((r) => (r.tx.productId ? o.prefix + r.tx.productId : '')),
            valid.map((r) => r.tx.category),
            valid.map((r) => r.tx.quantity),
            valid.map((r) => r.tx.amountCents),
          ],
        );
        inserted = result.rowCount ?? 0;
      }
      await recordRejects(client, o.dataset, file, rejects);
      state.byteOffset = resume.byteOffset;
      state.line = resume.line;
      state.rowsImported += inserted;
      state.rowsRejected += rejects.length;
      state.done = done;
      await writeCheckpoint(client, o.dataset, file, state);
      await client.query('COMMIT');
      summary.inserted += inserted;
      summary.alreadyPresent += valid.length - inserted;
      summary.rejected += rejects.length;
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    }
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
