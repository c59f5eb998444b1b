import pg from 'pg';

/** Where an import of one file stands, so an interrupted import resumes where it stopped. */
export interface ImportCheckpoint {
  byteOffset: number;
  line: number;
  rowsImported: number;
  rowsRejected: number;
  done: boolean;
  fileSize: number;
}

/** One imported purchase line (ids already prefixed with the dataset's prefix). */
export interface ImportedPurchase {
  customerId: string;
  orderId: string;
  line: number;
  orderedAt: number;
  /** '' when the row named no product. */
  productId: string;
  category: string;
  quantity: number;
  amountCents: number;
}

export interface RejectSummary {
  total: number;
  byReason: Record<string, number>;
  samples: { file: string; line: number; reason: string }[];
}

/**
 * The writes of a dataset import (products, customers, purchases, rejects, checkpoints) over one
 * connection of its own: an import runs outside the service, as a command, in batches of thousands
 * of rows per statement.
 */
export class ImportRepository {
  private constructor(private readonly client: pg.Client) {}

  static async connect(databaseUrl: string): Promise<ImportRepository> {
    const client = new pg.Client({ connectionString: databaseUrl });
    await client.connect();
    return new ImportRepository(client);
  }

  close(): Promise<void> {
    return this.client.end();
  }

  /** Runs `work` in a transaction on the import's connection. */
  async transaction<T>(work: () => Promise<T>): Promise<T> {
    await this.client.query('BEGIN');
    try {
      const result = await work();
      await this.client.query('COMMIT');
      return result;
    } catch (error) {
      await this.client.query('ROLLBACK').catch(() => undefined);
      throw error;
    }
  }

  async rejectSummary(dataset: string): Promise<RejectSummary> {
    const byReason = await this.client.query<{ reason: string; n: number }>(
      `SELECT split_part(reason, ':', 1) AS reason, count(*)::int AS n FROM import_rejects WHERE dataset = $1 GROUP BY 1 ORDER BY 2 DESC, 1`,
      [dataset],
    );
    const samples = await this.client.query<{ file: string; line: number; reason: string }>(
      'SELECT file, line, reason FROM import_rejects WHERE dataset = $1 ORDER BY file, line LIMIT 20',
      [dataset],
    );
    return {
      total: byReason.rows.reduce((s, r) => s + r.n, 0),
      byReason: Object.fromEntries(byReason.rows.map((r) => [r.reason, r.n])),
      samples: samples.rows,
    };
  }

  async recordRejects(dataset: string, file: string, rejects: { line: number; reason: string }[]): Promise<void> {
    if (rejects.length === 0) return;
    await this.client.query(
      `INSERT INTO import_rejects (dataset, file, line, reason) SELECT $1, $2, r.line, r.reason FROM unnest($3::int[], $4::text[]) AS r(line, reason)
       ON CONFLICT DO NOTHING`,
      [dataset, file, rejects.map((r) => r.line), rejects.map((r) => r.reason.slice(0, 500))],
    );
  }

  /** Inserts or updates imported products (never one the live service wrote); returns the rows written. */
  async upsertProducts(products: { id: string; name: string; category: string }[]): Promise<number> {
    const result = await this.client.query(
      `INSERT INTO products (product_id, name, category, source)
       SELECT p.id, p.name, p.category, 'import' FROM unnest($1::text[], $2::text[], $3::text[]) AS p(id, name, category)
       ON CONFLICT (product_id) DO UPDATE SET name = EXCLUDED.name, category = EXCLUDED.category, updated_at = now()
       WHERE products.source = 'import'`,
      [products.map((p) => p.id), products.map((p) => p.name), products.map((p) => p.category)],
    );
    return result.rowCount ?? 0;
  }

  /** Inserts or updates imported customers with their attributes (JSON text); returns the rows written. */
  async upsertCustomers(customers: { id: string; attributes: string }[], dataset: string, consent: boolean | null): Promise<number> {
    const result = await this.client.query(
      `INSERT INTO customers (user_id, source, dataset, attributes, profiling_consent)
       SELECT c.id, 'import', $3, c.attributes::jsonb, $4 FROM unnest($1::text[], $2::text[]) AS c(id, attributes)
       ON CONFLICT (user_id) DO UPDATE SET attributes = EXCLUDED.attributes, updated_at = now() WHERE customers.source = 'import'`,
      [customers.map((c) => c.id), customers.map((c) => c.attributes), dataset, consent],
    );
    return result.rowCount ?? 0;
  }

  /** Makes these imported customers known (no-op for those who are). */
  async ensureCustomers(ids: string[], dataset: string, consent: boolean | null): Promise<void> {
    await this.client.query(
      `INSERT INTO customers (user_id, source, dataset, profiling_consent) SELECT c, 'import', $2, $3 FROM unnest($1::text[]) AS c ON CONFLICT (user_id) DO NOTHING`,
      [ids, dataset, consent],
    );
  }

  /** Inserts purchase lines not imported before (by dataset, order and line); returns how many were new. */
  async insertPurchases(dataset: string, rows: ImportedPurchase[]): Promise<number> {
    const result = await this.client.query(
      `INSERT INTO purchases (user_id, source, dataset, order_id, line_key, ordered_at, item_id, product_id, category, quantity, amount_cents, status)
       SELECT t.customer, 'import', $1, t.order_id, t.line::text, to_timestamp(t.at / 1000.0), t.product, nullif(t.product, ''), t.category, t.quantity, t.amount, 'completed'
         FROM unnest($2::text[], $3::text[], $4::int[], $5::float8[], $6::text[], $7::text[], $8::int[], $9::int[])
              AS t(customer, order_id, line, at, product, category, quantity, amount)
       ON CONFLICT (source, dataset, order_id, line_key) DO NOTHING`,
      [
        dataset,
        rows.map((r) => r.customerId),
        rows.map((r) => r.orderId),
        rows.map((r) => r.line),
        rows.map((r) => r.orderedAt),
        rows.map((r) => r.productId),
        rows.map((r) => r.category),
        rows.map((r) => r.quantity),
        rows.map((r) => r.amountCents),
      ],
    );
    return result.rowCount ?? 0;
  }

  async readCheckpoint(dataset: string, file: string): Promise<ImportCheckpoint | null> {
    const { rows } = await this.client.query<{ byte_offset: string; line: number; rows_imported: number; rows_rejected: number; done: boolean; file_size: string }>(
      'SELECT byte_offset::text, line, rows_imported, rows_rejected, done, file_size::text FROM import_checkpoints WHERE dataset = $1 AND file = $2',
      [dataset, file],
    );
    const r = rows[0];
    return r
      ? { byteOffset: Number(r.byte_offset), line: r.line, rowsImported: r.rows_imported, rowsRejected: r.rows_rejected, done: r.done, fileSize: Number(r.file_size) }
      : null;
  }

  async writeCheckpoint(dataset: string, file: string, c: ImportCheckpoint): Promise<void> {
    await this.client.query(
      `INSERT INTO import_checkpoints (dataset, file, byte_offset, line, rows_imported, rows_rejected, done, file_size)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
       ON CONFLICT (dataset, file) DO UPDATE SET byte_offset = EXCLUDED.byte_offset, line = EXCLUDED.line, rows_imported = EXCLUDED.rows_imported,
         rows_rejected = EXCLUDED.rows_rejected, done = EXCLUDED.done, file_size = EXCLUDED.file_size, updated_at = now()`,
      [dataset, file, c.byteOffset, c.line, c.rowsImported, c.rowsRejected, c.done, c.fileSize],
    );
  }
}
