import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import pg from 'pg';
import { createTestDatabase, type TestDatabase } from '@linli/testing';
import { BulkReader, createRecommendationsDb, type RecommendationsDb } from '@linli/recommendations-data-access';
import { BacktestService } from '../backtest.service.js';
import { DEFAULT_RECOMMENDATIONS_OPTIONS } from '../recommendations.options.js';
import { migrations } from '../recommendations.fixture.js';
import { importDataset, type ImportOptions } from './importer.js';

const root = resolve(__dirname, '..', '..', '..', '..', '..');
const datasets = process.env['LINLI_DATASETS'] ?? resolve(root, '..', 'shared', 'datasets');
const HEADER = 'customer_id,order_id,ordered_at,product_id,category,quantity,amount_cents\n';

let db: TestDatabase;
let client: pg.Client;

function folder(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'linli-import-'));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}

const run = (dataDir: string, over: Partial<ImportOptions> = {}) => importDataset({ databaseUrl: db.url, dataDir, migrationsDir: migrations, ...over });
const scalar = async (sql: string, ...values: unknown[]) => Number((await client.query(sql, values)).rows[0]!.n);

beforeAll(async () => {
  db = await createTestDatabase('recommendations', migrations);
  client = new pg.Client({ connectionString: db.url });
  await client.connect();
});

afterAll(async () => {
  await client?.end();
  await db?.drop();
});

describe('bulk import', () => {
  it('imports good rows and reports every bad one with its line number', async () => {
    const dir = folder({
      'transactions.csv':
        HEADER +
        'c1,o1,2026-01-05,p1,蔬菜/叶菜,2,1980\n' + // line 2
        'c1,o1,yesterday,p2,,1,100\n' + // 3: bad date
        'c2,o2,2026-01-06,p1,1,100\n' + // 4: six fields
        'c2,o2,2026-01-06,p3,,0,100\n' + // 5: quantity 0
        'c3,o3,2026-01-07T09:30:00+08:00,p4,"dairy, ""fresh""\nmilk",1,1200\n' + // 6–7: quoted, multi-line
        'c3,o4,2026-01-08,p4,dairy,1,3000000000\n' + // 8: amount out of range
        'c4,o5,2026-01-09,,,1,0\n', // 9: no product detail: kept
      'customers.csv': 'customer_id,age,kids_count\nc1,34,1\n,70,0\nc3,68,0\n',
      'products.csv': 'product_id,name,category\np1,菠菜,蔬菜/叶菜\np4,鲜牛奶,dairy\n',
    });
    const summary = await run(dir, { dataset: 'bad-rows', idPrefix: '' });
    const tx = summary.files.find((f) => f.file === 'transactions.csv')!;
    expect(tx).toMatchObject({ status: 'imported', rowsRead: 7, inserted: 3, rejected: 4 });
    expect(summary.rejects.samples.filter((s) => s.file === 'transactions.csv').map((s) => s.line)).toEqual([3, 4, 5, 8]);
    expect(summary.rejects.samples.find((s) => s.line === 8)!.reason).toMatch(/amount_cents/);
    expect(summary.rejects.samples).toContainEqual({ file: 'customers.csv', line: 3, reason: expect.stringMatching(/customer_id/) });
    expect(summary.files.find((f) => f.file === 'products.csv')).toMatchObject({ inserted: 2, rejected: 0 });
    expect(await scalar("SELECT count(*) AS n FROM purchases WHERE dataset = 'bad-rows'")).toBe(3);
    const milk = (await client.query("SELECT category, ordered_at FROM purchases WHERE dataset = 'bad-rows' AND order_id = 'o3'")).rows[0];
    expect(milk.category).toBe('dairy, "fresh"\nmilk');
    expect(new Date(milk.ordered_at).toISOString()).toBe('2026-01-07T01:30:00.000Z');
    expect((await client.query("SELECT attributes FROM customers WHERE user_id = 'c1'")).rows[0].attributes).toEqual({ age: '34', kids_count: '1' });

    const again = await run(dir, { dataset: 'bad-rows', idPrefix: '' });
    expect(again.files.find((f) => f.file === 'transactions.csv')!.status).toBe('already-imported');
    expect(again.rejects.total).toBe(5); // the same four transaction rows and one customer row, not twice
  });

  it('resumes after an interruption from its checkpoint and never inserts a row twice', async () => {
    let text = HEADER;
    for (let i = 0; i < 3000; i++) text += i % 500 === 7 ? `c${i},o${i},bad,p,,1,1\n` : `c${i % 97},o${Math.floor(i / 3)},2026-02-${String((i % 28) + 1).padStart(2, '0')},p${i % 41},"cat ""${i % 5}""",1,${i}\n`;
    const dir = folder({ 'transactions.csv': text });
    const first = await run(dir, { dataset: 'resume', batchRows: 200, readBytes: 2048, stopAfterBatches: 3 });
    expect(first.files.find((f) => f.file === 'transactions.csv')!.status).toBe('interrupted');
    const checkpoint = (await client.query("SELECT line, byte_offset::int AS byte_offset, done FROM import_checkpoints WHERE dataset = 'resume'")).rows[0];
    expect(checkpoint.done).toBe(false);
    expect(await scalar("SELECT count(*) AS n FROM purchases WHERE dataset = 'resume'")).toBe(await scalar("SELECT count(*) AS n FROM purchases WHERE dataset = 'resume' AND line_key::int < $1", checkpoint.line));

    const second = await run(dir, { dataset: 'resume', batchRows: 200, readBytes: 2048 });
    const tx = second.files.find((f) => f.file === 'transactions.csv')!;
    expect(tx.resumedFrom).toEqual({ line: checkpoint.line, byteOffset: checkpoint.byte_offset });
    expect(tx.alreadyPresent).toBe(0);
    expect(await scalar("SELECT count(*) AS n FROM purchases WHERE dataset = 'resume'")).toBe(3000 - 6);
    expect(await scalar("SELECT count(DISTINCT (order_id, line_key)) AS n FROM purchases WHERE dataset = 'resume'")).toBe(3000 - 6);
    expect(second.rejects).toMatchObject({ total: 6, byReason: { ordered_at: 6 } });
    expect(second.rejects.samples.map((s) => s.line)).toEqual([9, 509, 1009, 1509, 2009, 2509]);
    // customer ids are kept apart per data set by default
    expect(await scalar("SELECT count(*) AS n FROM customers WHERE user_id LIKE 'resume:%'")).toBe(97);

    // A run that died after inserting but before its checkpoint (simulated by losing the checkpoint):
    // re-reading from the start finds the rows already there and adds none.
    await client.query("DELETE FROM import_checkpoints WHERE dataset = 'resume'");
    const third = await run(dir, { dataset: 'resume', batchRows: 1000 });
    expect(third.files.find((f) => f.file === 'transactions.csv')).toMatchObject({ inserted: 0, alreadyPresent: 3000 - 6 });
    expect(await scalar("SELECT count(*) AS n FROM purchases WHERE dataset = 'resume'")).toBe(3000 - 6);
  });

  it('runs from the command line with a progress report, a summary, and exit codes', () => {
    const dir = folder({ 'transactions.csv': `${HEADER}a,1,2026-01-01,p,c,1,100\nb,2,not-a-date,p,c,1,100\n` });
    const cli = (...args: string[]) =>
      spawnSync(process.execPath, [join(root, 'tools', 'import.mjs'), ...args], { cwd: root, encoding: 'utf8', env: { ...process.env, DATABASE_URL: db.url } });
    const ok = cli('--data', dir, '--dataset', 'cli');
    expect(ok.status).toBe(0);
    expect(ok.stdout).toContain('transactions.csv: imported; 2 rows read, 1 inserted, 0 already present, 1 rejected');
    expect(ok.stdout).toContain('transactions.csv line 3: ordered_at');
    expect(ok.stderr).toMatch(/transactions\.csv +100%/);
    expect(cli('--data', dir, '--batch', 'many').status).toBe(2);
    expect(cli('--data', join(dir, 'nope')).status).toBe(1);
  });
});

const cdnow = join(datasets, 'cdnow', 'canonical-sample');
(existsSync(join(cdnow, 'transactions.csv')) ? describe : describe.skip)('CDNOW sample through import and the backtest', () => {
  let recDb: RecommendationsDb;
  let reader: BulkReader;

  beforeAll(async () => {
    recDb = createRecommendationsDb({ databaseUrl: db.url }).client;
    reader = BulkReader.connect(db.url);
  });

  afterAll(async () => {
    await reader?.close();
    await recDb?.$disconnect();
  });

  it('reproduces the published holdout accuracy (weeks 40–78)', async () => {
    const summary = await run(cdnow);
    expect(summary.files.find((f) => f.file === 'transactions.csv')).toMatchObject({ inserted: 6919, rejected: 0 });
    await client.query("DELETE FROM purchases WHERE dataset <> 'cdnow/canonical-sample'");
    const service = new BacktestService(recDb, reader, { ...DEFAULT_RECOMMENDATIONS_OPTIONS, databaseUrl: db.url, fitMode: 'inline' });
    const backtest = await service.run('1998-06-30', 273);
    expect(backtest).toMatchObject({ status: 'ok', calibrationEnd: '1997-09-30', holdoutEnd: '1998-06-30', customers: 2357, actualPurchases: 1882 });
    expect(backtest.model!.r).toBeCloseTo(0.243, 2);
    expect(backtest.model!.alpha).toBeCloseTo(4.414, 1);
    expect(backtest.predictedPurchases!).toBeCloseTo(1653.4, 0);
    expect(backtest.mae!).toBeCloseTo(0.786, 2);
    expect(backtest.correlation!).toBeCloseTo(0.626, 2);
    expect(backtest.calibration[0]).toMatchObject({ bucket: '0', customers: 1411 });
  });
});
