/**
 * Streaming reader for Linli's canonical purchase-history format
 * (`transactions.csv`, `customers.csv`, `products.csv`).
 *
 * - RFC 4180 CSV: quoted fields, doubled quotes (`""`), commas and line breaks inside quotes,
 *   LF or CRLF line endings, an optional UTF-8 byte-order mark.
 * - Columns are matched by header name, so column order and extra columns do not matter.
 *   A file whose header lacks a required column cannot be read at all and throws
 *   {@link CanonicalHeaderError}.
 * - Every data row is validated with zod. A malformed row is reported (1-based physical line
 *   number of the row's first line, reason) through `onReject` and in the reject summary, and
 *   is skipped: a bad row never stops the read.
 *
 * ```ts
 * const reader = readTransactions('transactions.csv', { onReject: (r) => log.warn(r) });
 * for await (const tx of reader) { ... }
 * console.log(reader.rejects.total);
 * ```
 */
import { createReadStream } from 'node:fs';
import { z } from 'zod';

/** One line item of `transactions.csv`, validated and typed. */
export interface Transaction {
  customerId: string;
  orderId: string;
  /** The original `ordered_at` text. */
  orderedAtRaw: string;
  /** `ordered_at` as epoch milliseconds (date-only values are UTC midnight). */
  orderedAt: number;
  /** May be empty when the source has no item detail. */
  productId: string;
  /** May be empty; `/`-separated when hierarchical. */
  category: string;
  quantity: number;
  /** Integer line total in cents; 0 when the source has no prices. */
  amountCents: number;
}

/** One row of `customers.csv`: the id plus every other column as a string. */
export interface CustomerRecord {
  customerId: string;
  attributes: Record<string, string>;
}

/** One row of `products.csv`. */
export interface ProductRecord {
  productId: string;
  name: string;
  category: string;
}

/** A row that was skipped. */
export interface RejectedRow {
  /** 1-based physical line number (the header is line 1). */
  line: number;
  reason: string;
}

/** Running totals of skipped rows; `samples` keeps the first {@link ReadOptions.maxSamples}. */
export interface RejectSummary {
  total: number;
  byReason: Record<string, number>;
  samples: RejectedRow[];
}

export interface ReadOptions {
  /** Called once for every skipped row, in file order. */
  onReject?: (rejected: RejectedRow) => void;
  /** How many rejected rows to keep in `rejects.samples` (default 20). */
  maxSamples?: number;
  /** Stream chunk size in bytes (default 256 KiB). */
  highWaterMark?: number;
}

/** An async iterable of validated rows that also exposes counters filled while iterating. */
export interface CanonicalReader<T> extends AsyncIterable<T> {
  /** Rows skipped so far (final once iteration has finished). */
  readonly rejects: RejectSummary;
  /** Data rows seen so far, accepted or not (the header is not counted). */
  readonly rowsRead: number;
}

/** Thrown when a file's header lacks a required column (nothing can be read then). */
export class CanonicalHeaderError extends Error {
  constructor(
    readonly path: string,
    readonly missing: string[],
  ) {
    super(`${path}: header is missing required column(s): ${missing.join(', ')}`);
    this.name = 'CanonicalHeaderError';
  }
}

/** A raw CSV record with the physical line number on which it starts. */
export interface CsvRecord {
  line: number;
  fields: string[];
  /** Set when the record is structurally broken (an unterminated quote at end of file). */
  error?: string;
}

/**
 * Incremental RFC 4180 tokenizer. Feed it text chunks; it returns the complete records found
 * so far and keeps partial state (including an open quoted field) for the next chunk.
 */
export class CsvTokenizer {
  private field = '';
  private fields: string[] = [];
  private inQuotes = false;
  /** The previous char closed a quoted section; a following `"` is an escaped quote. */
  private quoteClosed = false;
  private pendingCR = false;
  /** The previous char inside a quoted field was a CR (for CRLF split across chunks). */
  private quotedCR = false;
  private line = 1;
  private recordLine = 1;
  private first = true;
  private dirty = false;

  push(chunk: string): CsvRecord[] {
    const out: CsvRecord[] = [];
    let text = chunk;
    if (this.first && text.length > 0) {
      this.first = false;
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    }
    let start = 0; // start of the pending unquoted run inside `text`
    const n = text.length;
    for (let i = 0; i < n; i++) {
      const c = text.charCodeAt(i);
      if (this.pendingCR) {
        this.pendingCR = false;
        if (c === 10) {
          start = i + 1;
          continue;
        }
      }
      if (this.inQuotes) {
        if (c === 34) {
          this.field += text.slice(start, i);
          this.inQuotes = false;
          this.quoteClosed = true;
          start = i + 1;
        } else if (c === 10) {
          // CRLF inside quotes is one line break (the CR already counted it)
          if (!this.quotedCR) this.line++;
        } else if (c === 13) {
          this.line++;
        }
        this.quotedCR = c === 13;
        continue;
      }
      if (c === 34) {
        this.field += text.slice(start, i);
        if (this.quoteClosed) this.field += '"';
        this.inQuotes = true;
        this.quoteClosed = false;
        this.dirty = true;
        start = i + 1;
        continue;
      }
      this.quoteClosed = false;
      if (c === 44) {
        this.field += text.slice(start, i);
        this.fields.push(this.field);
        this.field = '';
        this.dirty = true;
        start = i + 1;
      } else if (c === 10 || c === 13) {
        this.field += text.slice(start, i);
        this.endRecord(out);
        this.line++;
        this.recordLine = this.line;
        if (c === 13) {
          if (i + 1 < n) {
            if (text.charCodeAt(i + 1) === 10) i++;
          } else {
            this.pendingCR = true;
          }
        }
        start = i + 1;
      } else {
        this.dirty = true;
      }
    }
    if (start < n) this.field += text.slice(start);
    return out;
  }

  /** Flush the last record (a file need not end with a newline). */
  end(): CsvRecord[] {
    const out: CsvRecord[] = [];
    if (this.inQuotes) {
      this.fields.push(this.field);
      out.push({ line: this.recordLine, fields: this.fields, error: 'unterminated quoted field at end of file' });
      this.fields = [];
      this.field = '';
      this.inQuotes = false;
      this.dirty = false;
      return out;
    }
    this.endRecord(out);
    return out;
  }

  private endRecord(out: CsvRecord[]): void {
    this.quoteClosed = false;
    if (!this.dirty && this.fields.length === 0 && this.field === '') {
      // blank line: not a record
      return;
    }
    this.fields.push(this.field);
    out.push({ line: this.recordLine, fields: this.fields });
    this.fields = [];
    this.field = '';
    this.dirty = false;
  }
}

/** Parse a whole CSV text at once (handy for tests and small inputs). */
export function parseCsv(text: string): CsvRecord[] {
  const t = new CsvTokenizer();
  return [...t.push(text), ...t.end()];
}

/** Stream the raw CSV records of a file, header included. */
export async function* readCsvRecords(path: string, highWaterMark = 256 * 1024): AsyncGenerator<CsvRecord> {
  const stream = createReadStream(path, { encoding: 'utf8', highWaterMark });
  const tok = new CsvTokenizer();
  for await (const chunk of stream) {
    for (const rec of tok.push(chunk as string)) yield rec;
  }
  for (const rec of tok.end()) yield rec;
}

// ---------------------------------------------------------------------------------------------
// Row schemas

const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;
const ISO_DATETIME = /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/;

const intString = (label: string, min: number | null) =>
  z
    .string()
    .trim()
    .regex(/^[+-]?\d+$/, `${label} must be an integer`)
    .transform((s) => Number(s))
    .refine((v) => Number.isSafeInteger(v), `${label} is out of range`)
    .refine((v) => min === null || v >= min, `${label} must be >= ${min}`);

/** zod schema of one `transactions.csv` row (as strings keyed by column name). */
export const transactionRowSchema = z.object({
  customer_id: z.string().trim().min(1, 'customer_id is empty'),
  order_id: z.string().trim().min(1, 'order_id is empty'),
  ordered_at: z
    .string()
    .trim()
    .refine((s) => ISO_DATE.test(s) || ISO_DATETIME.test(s), 'ordered_at is not an ISO-8601 date or date-time with offset')
    .refine((s) => Number.isFinite(Date.parse(ISO_DATE.test(s) ? `${s}T00:00:00Z` : s)), 'ordered_at is not a valid date'),
  product_id: z.string().trim(),
  category: z.string().trim(),
  quantity: intString('quantity', 1),
  amount_cents: intString('amount_cents', null),
});

/** A validated transactions row as a {@link Transaction}. */
export function toTransaction(r: z.infer<typeof transactionRowSchema>): Transaction {
  return {
    customerId: r.customer_id,
    orderId: r.order_id,
    orderedAtRaw: r.ordered_at,
    orderedAt: parseOrderedAt(r.ordered_at),
    productId: r.product_id,
    category: r.category,
    quantity: r.quantity,
    amountCents: r.amount_cents,
  };
}

export const TRANSACTION_COLUMNS = ['customer_id', 'order_id', 'ordered_at', 'product_id', 'category', 'quantity', 'amount_cents'] as const;

export const productRowSchema = z.object({
  product_id: z.string().trim().min(1, 'product_id is empty'),
  name: z.string().trim(),
  category: z.string().trim(),
});

export const customerRowSchema = z.object({ customer_id: z.string().trim().min(1, 'customer_id is empty') }).catchall(z.string());

/** Parse a canonical `ordered_at` value to epoch ms (NaN when invalid). */
export function parseOrderedAt(s: string): number {
  const v = s.trim();
  return Date.parse(ISO_DATE.test(v) ? `${v}T00:00:00Z` : v);
}

// ---------------------------------------------------------------------------------------------
// Generic validated reader

interface RowSpec<T> {
  required: readonly string[];
  optional?: readonly string[];
  /** Keep every column of the header (customers.csv). */
  allColumns?: boolean;
  schema: z.ZodType<unknown>;
  map: (row: Record<string, string>, parsed: unknown) => T;
}

function newSummary(): RejectSummary {
  return { total: 0, byReason: {}, samples: [] };
}

function reasonOf(err: z.ZodError): string {
  return err.issues.map((i) => (i.path.length ? `${String(i.path[0])}: ${i.message}` : i.message)).join('; ');
}

function makeReader<T>(path: string, spec: RowSpec<T>, opts: ReadOptions): CanonicalReader<T> {
  const rejects = newSummary();
  const maxSamples = opts.maxSamples ?? 20;
  let rowsRead = 0;
  const reject = (line: number, reason: string) => {
    rejects.total++;
    const key = reason.split(':')[0] ?? reason;
    rejects.byReason[key] = (rejects.byReason[key] ?? 0) + 1;
    const r = { line, reason };
    if (rejects.samples.length < maxSamples) rejects.samples.push(r);
    opts.onReject?.(r);
  };
  async function* iterate(): AsyncGenerator<T> {
    let header: string[] | null = null;
    let index: Array<[string, number]> = [];
    for await (const rec of readCsvRecords(path, opts.highWaterMark)) {
      if (header === null) {
        header = rec.fields.map((h) => h.trim());
        const missing = spec.required.filter((c) => !header!.includes(c));
        if (missing.length) throw new CanonicalHeaderError(path, missing);
        const wanted = spec.allColumns ? header : [...spec.required, ...(spec.optional ?? [])];
        index = wanted.filter((c) => c !== '' && header!.includes(c)).map((c) => [c, header!.indexOf(c)] as [string, number]);
        continue;
      }
      rowsRead++;
      if (rec.error) {
        reject(rec.line, rec.error);
        continue;
      }
      if (rec.fields.length !== header.length) {
        reject(rec.line, `column count: expected ${header.length} fields, got ${rec.fields.length}`);
        continue;
      }
      const row: Record<string, string> = {};
      for (const [name, i] of index) row[name] = rec.fields[i] ?? '';
      for (const c of spec.optional ?? []) if (!(c in row)) row[c] = '';
      const parsed = spec.schema.safeParse(row);
      if (!parsed.success) {
        reject(rec.line, reasonOf(parsed.error));
        continue;
      }
      yield spec.map(row, parsed.data);
    }
    if (header === null) throw new CanonicalHeaderError(path, [...spec.required]);
  }
  return {
    [Symbol.asyncIterator]: () => iterate(),
    get rejects() {
      return rejects;
    },
    get rowsRead() {
      return rowsRead;
    },
  };
}

/** Stream `transactions.csv`. See the module comment for the validation rules. */
export function readTransactions(path: string, opts: ReadOptions = {}): CanonicalReader<Transaction> {
  return makeReader<Transaction>(
    path,
    {
      required: ['customer_id', 'order_id', 'ordered_at', 'quantity', 'amount_cents'],
      optional: ['product_id', 'category'],
      schema: transactionRowSchema,
      map: (_row, p) => toTransaction(p as z.infer<typeof transactionRowSchema>),
    },
    opts,
  );
}

/** Stream `customers.csv`: `customer_id` plus every other column as a string attribute. */
export function readCustomers(path: string, opts: ReadOptions = {}): CanonicalReader<CustomerRecord> {
  return makeReader<CustomerRecord>(
    path,
    {
      required: ['customer_id'],
      allColumns: true,
      schema: customerRowSchema,
      map: (row) => {
        const attributes: Record<string, string> = {};
        for (const [k, v] of Object.entries(row)) if (k !== 'customer_id') attributes[k] = v.trim();
        return { customerId: row.customer_id!.trim(), attributes };
      },
    },
    opts,
  );
}

/** Stream `products.csv` (`product_id,name,category`; name and category may be empty). */
export function readProducts(path: string, opts: ReadOptions = {}): CanonicalReader<ProductRecord> {
  return makeReader<ProductRecord>(
    path,
    {
      required: ['product_id'],
      optional: ['name', 'category'],
      schema: productRowSchema,
      map: (_row, p) => {
        const r = p as z.infer<typeof productRowSchema>;
        return { productId: r.product_id, name: r.name, category: r.category };
      },
    },
    opts,
  );
}

/** Drain a reader into an array, returning the rows and the final reject summary. */
export async function collect<T>(reader: CanonicalReader<T>): Promise<{ rows: T[]; rejects: RejectSummary; rowsRead: number }> {
  const rows: T[] = [];
  for await (const r of reader) rows.push(r);
  return { rows, rejects: reader.rejects, rowsRead: reader.rowsRead };
}
