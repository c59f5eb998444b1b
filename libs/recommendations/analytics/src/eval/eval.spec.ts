import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Transaction } from '../canonical.js';
import { parseArgs, kListFlag, UsageError } from './args.js';
import { lastBasketSplit, randomSplit, runRecs } from './recs.js';
import { runLtv } from './ltv.js';
import { runTags } from './tags.js';

const DAY = 86_400_000;
let seq = 0;
const t = (customerId: string, orderId: string, day: number, productId = '', amountCents = 0, category = ''): Transaction => ({
  customerId,
  orderId,
  orderedAtRaw: '',
  orderedAt: Date.UTC(2020, 0, 1) + day * DAY + seq++,
  productId,
  category,
  quantity: 1,
  amountCents,
});

describe('argument parsing', () => {
  it('rejects unknown tasks, unknown flags and missing values', () => {
    expect(() => parseArgs([])).toThrow(UsageError);
    expect(() => parseArgs(['nope', '--data', 'x'])).toThrow(/unknown task/);
    expect(() => parseArgs(['ltv', '--data', 'x', '--split', 'random'])).toThrow(/unknown option --split/);
    expect(() => parseArgs(['recs', '--data'])).toThrow(/needs a value/);
    expect(() => parseArgs(['tags'])).toThrow(/--data/);
    expect(parseArgs(['recs', '--data=d', '--k', '10,20']).flags.get('k')).toBe('10,20');
    expect(kListFlag(new Map([['k', '20,10']]))).toEqual([10, 20]);
    expect(() => kListFlag(new Map([['k', '0']]))).toThrow(UsageError);
  });
});

describe('splits', () => {
  const txs: Transaction[] = [];
  for (let u = 0; u < 5; u++) for (let i = 0; i < 8; i++) txs.push(t(`u${u}`, `u${u}-${i}`, i, `p${(u + i) % 10}`));

  it('random split is seeded, stratified by user and keeps one training item per user', () => {
    const a = randomSplit(txs, 0.25, 42);
    const b = randomSplit(txs, 0.25, 42);
    const c = randomSplit(txs, 0.25, 7);
    expect([...a.test]).toEqual([...b.test]);
    expect([...a.test].map(([, s]) => [...s])).not.toEqual([...c.test].map(([, s]) => [...s]));
    for (const [, s] of a.test) expect(s.size).toBe(2); // round(8 × 0.25)
    for (const bk of a.train) for (const i of bk.items) expect(a.test.get(bk.userId)!.has(i)).toBe(false);
    expect(a.excludeSeen).toBe(true);
  });

  it('last-basket split holds out the last basket by time, then order of appearance', () => {
    const s = lastBasketSplit([t('a', 'o1', 0, 'x'), t('a', 'o3', 5, 'y'), t('a', 'o2', 5, 'z'), t('b', 'o9', 0, 'x')]);
    // o3 and o2 share a day; o2's line comes later in time by a millisecond here, so it is last
    expect([...s.test.get('a')!]).toEqual(['z']);
    expect(s.test.has('b')).toBe(false); // a single basket has no history
    expect(s.train.map((b) => b.items)).toEqual([['x'], ['y']]);
  });
});

describe('tasks on awkward data', () => {
  it('ltv copes with zero amounts (Gamma-Gamma reports no fit) and still fits BG/NBD', () => {
    const txs: Transaction[] = [];
    for (let c = 0; c < 60; c++) {
      const n = c % 4;
      for (let k = 0; k <= n; k++) txs.push(t(`c${c}`, `c${c}-${k}`, (c % 30) + k * (7 + (c % 5)), '', 0));
    }
    const { result, report } = runLtv(txs, { calibrationEnd: '2020-03-01', holdoutEnd: '2020-04-30', timeUnit: 'week' });
    expect(result.gammaGamma).toEqual({ p: null, q: null, v: null });
    expect(report).toMatch(/Gamma-Gamma: no usable fit/);
    expect(result.holdout.customers).toBe(60);
    expect(Object.keys(result)).toEqual(['task', 'bgnbd', 'gammaGamma', 'holdout']);
  });

  it('recs reports no test users when there is no item detail', () => {
    const { result, report } = runRecs([t('a', 'o1', 0), t('a', 'o2', 1)], { split: 'last-basket', ks: [10, 20], testFraction: 0.25, seed: 1 });
    expect(result.k).toEqual([10, 20]);
    expect(result.results.every((r) => r.ndcg === null)).toBe(true);
    expect(report).toMatch(/No test users/);
  });

  it('tags says clearly when there is no ground truth and still returns every tag', () => {
    const { result, report } = runTags([t('a', 'o1', 0, 'p1', 0, 'Baby/Diapers')], null, null);
    expect(result.results.map((r) => r.tag)).toEqual(expect.arrayContaining(['has_children', 'elderly']));
    expect(result.results.every((r) => r.support === null && r.auc === null)).toBe(true);
    expect(report).toMatch(/No customers.csv: there is no ground truth/);
  });

  it('tags evaluates against kids_count and age', () => {
    const txs = [t('a', 'o1', 0, 'p1', 0, 'Baby/Diapers'), t('b', 'o2', 0, 'p2', 0, 'Snacks'), t('c', 'o3', 0, 'p3', 0, 'Health supplements')];
    const customers = [
      { customerId: 'a', attributes: { kids_count: '1', age: '30' } },
      { customerId: 'b', attributes: { kids_count: '0', age: '70' } },
      { customerId: 'c', attributes: { kids_count: '0', age: '68' } },
    ];
    const { result } = runTags(txs, customers, null);
    const hc = result.results.find((r) => r.tag === 'has_children')!;
    expect(hc).toEqual({ tag: 'has_children', support: 1, precision: 1, recall: 1, auc: 1 });
    const el = result.results.find((r) => r.tag === 'elderly')!;
    expect(el.support).toBe(2);
    expect(el.auc).toBeCloseTo(0.75, 12);
  });
});

describe('CLI', () => {
  const root = resolve(__dirname, '../../../../..');
  const run = (...args: string[]) =>
    spawnSync(process.execPath, ['--conditions=@linli/source', '--import', '@swc-node/register/esm-register', 'libs/recommendations/analytics/src/cli/eval.ts', ...args], {
      cwd: root,
      encoding: 'utf8',
    });

  it('exits with 2 and a usage message on bad flags', () => {
    const r = run('recs', '--data', '/nowhere', '--split', 'sideways');
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/--split must be one of random, last-basket/);
    expect(r.stderr).toMatch(/usage:/);
  });

  it('runs a task end to end and writes the JSON shape', () => {
    const dir = mkdtempSync(join(tmpdir(), 'eval-cli-'));
    writeFileSync(join(dir, 'transactions.csv'), 'customer_id,order_id,ordered_at,product_id,category,quantity,amount_cents\na,o1,2020-01-01,p1,Toys,1,100\nb,o2,2020-01-02,p1,Toys,1,100\nbad,row\n');
    const out = join(dir, 'out.json');
    const r = run('tags', '--data', dir, '--out', out);
    expect(r.status).toBe(0);
    expect(r.stderr).toMatch(/skipped 1 malformed row/);
    expect(JSON.parse(readFileSync(out, 'utf8')).task).toBe('tags');
  });
});
