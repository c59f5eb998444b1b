/**
 * Resumable reading of `transactions.csv` for bulk imports: the same validation as
 * {@link readTransactions}, but rows come in chunks, each ending at a *resume point* — the byte
 * offset and line number of a record boundary — so an importer can commit a checkpoint with its
 * batch and later continue from exactly there (`from`), without re-reading the file.
 *
 * Resume points are found without decoding twice: each buffer is cut after its last LF, and the
 * cut is a record boundary when the number of `"` seen since the previous boundary is even (a
 * quoted field always holds an even number of quote characters once closed). A chunk ending
 * inside a quoted field has no resume point (`resume: null`); its rows are still yielded.
 */
import { createReadStream } from 'node:fs';
import {
  CanonicalHeaderError,
  CsvTokenizer,
  readCsvRecords,
  toTransaction,
  transactionRowSchema,
  type CsvRecord,
  type RejectedRow,
  type Transaction,
} from './canonical.js';

/** A record boundary: `byteOffset` is where the next record starts, `line` its 1-based line number. */
export interface ResumePoint {
  byteOffset: number;
  line: number;
}

export interface PositionedTransaction {
  /** 1-based physical line number of the row (the header is line 1). */
  line: number;
  tx: Transaction;
}

export interface TransactionChunk {
  rows: PositionedTransaction[];
  rejects: RejectedRow[];
  /** Where reading may continue after this chunk; null when the chunk ends inside a quoted field. */
  resume: ResumePoint | null;
  /** Bytes of the file consumed so far (for progress). */
  bytesRead: number;
}

export interface ResumableReadOptions {
  /** Continue from a resume point returned earlier (the header is still read from the start). */
  from?: ResumePoint;
  /** Buffer size in bytes (default 1 MiB). */
  highWaterMark?: number;
}

const REQUIRED = ['customer_id', 'order_id', 'ordered_at', 'quantity', 'amount_cents'] as const;
const OPTIONAL = ['product_id', 'category'] as const;

function reasonOf(issues: ReadonlyArray<{ path: PropertyKey[]; message: string }>): string {
  return issues.map((i) => (i.path.length ? `${String(i.path[0])}: ${i.message}` : i.message)).join('; ');
}

/** The header fields of a CSV file (its first record). */
async function readHeader(path: string): Promise<{ fields: string[]; endLine: number } | null> {
  for await (const rec of readCsvRecords(path, 64 * 1024)) return { fields: rec.fields.map((h) => h.trim()), endLine: rec.line };
  return null;
}

/**
 * Streams `transactions.csv` in chunks that end at resume points. Throws
 * {@link CanonicalHeaderError} when the header lacks a required column.
 */
export async function* readTransactionChunks(path: string, opts: ResumableReadOptions = {}): AsyncGenerator<TransactionChunk> {
  const header = await readHeader(path);
  if (!header) throw new CanonicalHeaderError(path, [...REQUIRED]);
  const missing = REQUIRED.filter((c) => !header.fields.includes(c));
  if (missing.length) throw new CanonicalHeaderError(path, missing);
  const index = [...REQUIRED, ...OPTIONAL].filter((c) => header.fields.includes(c)).map((c) => [c, header.fields.indexOf(c)] as const);
  const width = header.fields.length;

  const start = opts.from?.byteOffset ?? 0;
  const lineAtStart = opts.from?.line ?? 1;
  let skipHeader = start === 0;
  const stream = createReadStream(path, { start, highWaterMark: opts.highWaterMark ?? 1024 * 1024 });
  const tokenizer = new CsvTokenizer();
  const decoder = new TextDecoder('utf-8');
  let carry: Buffer = Buffer.alloc(0);
  let quotes = 0; // quote characters since the last record boundary
  let consumed = start;
  let linesSinceStart = 0;

  const toRows = (records: CsvRecord[], chunk: TransactionChunk) => {
    for (const rec of records) {
      const line = rec.line + lineAtStart - 1;
      if (skipHeader) {
        skipHeader = false;
        continue;
      }
      if (rec.error) {
        chunk.rejects.push({ line, reason: rec.error });
        continue;
      }
      if (rec.fields.length !== width) {
        chunk.rejects.push({ line, reason: `column count: expected ${width} fields, got ${rec.fields.length}` });
        continue;
      }
      const row: Record<string, string> = { product_id: '', category: '' };
      for (const [name, i] of index) row[name] = rec.fields[i] ?? '';
      const parsed = transactionRowSchema.safeParse(row);
      if (!parsed.success) {
        chunk.rejects.push({ line, reason: reasonOf(parsed.error.issues) });
        continue;
      }
      const r = parsed.data;
      chunk.rows.push({ line, tx: toTransaction(r) });
    }
  };

  for await (const data of stream) {
    const buf = carry.length ? Buffer.concat([carry, data as Buffer]) : (data as Buffer);
    const cut = buf.lastIndexOf(10);
    if (cut < 0) {
      carry = buf;
      continue;
    }
    const piece = buf.subarray(0, cut + 1);
    carry = Buffer.from(buf.subarray(cut + 1));
    for (let i = 0; i < piece.length; i++) {
      const c = piece[i]!;
      if (c === 34) quotes++;
      else if (c === 10) linesSinceStart++;
    }
    consumed += piece.length;
    const chunk: TransactionChunk = { rows: [], rejects: [], resume: null, bytesRead: consumed };
    toRows(tokenizer.push(decoder.decode(piece, { stream: true })), chunk);
    if (quotes % 2 === 0) {
      quotes = 0;
      chunk.resume = { byteOffset: consumed, line: lineAtStart + linesSinceStart };
    }
    yield chunk;
  }
  const last: TransactionChunk = { rows: [], rejects: [], resume: null, bytesRead: consumed + carry.length };
  toRows([...tokenizer.push(decoder.decode(carry)), ...tokenizer.end()], last);
  last.resume = { byteOffset: consumed + carry.length, line: lineAtStart + linesSinceStart + (carry.length ? 1 : 0) };
  yield last;
}
