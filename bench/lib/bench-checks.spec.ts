// The flash-sale benchmark's verdicts (bench/lib/bench-verify.mjs) and statistics (bench-stats.mjs):
// what makes an order count as lost, a unit as oversold, and how percentiles are taken.
// @ts-expect-error plain ESM tool module without type declarations
import { accountFor, judgeHot } from './bench-verify.mjs';
// @ts-expect-error plain ESM tool module without type declarations
import { latencySummary, median, percentile } from './bench-stats.mjs';

const everything = (ids: string[], units = 1) => ({
  haveRow: new Set(ids),
  reserved: new Map(ids.map((id) => [id, units])),
  outbox: new Map(ids.map((id) => [id, 1])),
  stream: new Map(ids.map((id) => [id, 1])),
});

describe('accountFor', () => {
  const accepted = new Map([
    ['a', 1],
    ['b', 2],
    ['c', 1],
  ]);

  it('finds nothing lost when every accepted order has its row, reservation, outbox event and stream message', () => {
    const found = everything(['a', 'c']);
    found.haveRow.add('b');
    found.reserved.set('b', 2);
    found.outbox.set('b', 1);
    found.stream.set('b', 1);
    expect(accountFor(accepted, found)).toEqual({ missing: { row: 0, stock: 0, outbox: 0, stream: 0 }, lost: 0 });
  });

  it('counts an order as lost once, whatever it misses, and says what is missing', () => {
    const found = everything(['a', 'c']);
    // b: no row, no reservation, no events at all; c: reserved 2 units for 1 ordered; a: never reached the stream.
    found.reserved.set('c', 2);
    found.stream.delete('a');
    expect(accountFor(accepted, found)).toEqual({ missing: { row: 1, stock: 2, outbox: 1, stream: 2 }, lost: 3 });
  });
});

describe('judgeHot', () => {
  const books = { skuId: 's', hotStock: 100, hotLimit: 5, total: 100, reserved: 100, remaining: 0, ordered: 100, perBuyer: 5, quotaMax: 5 };

  it('passes a sold-out SKU whose books balance', () => {
    expect(judgeHot(books)).toMatchObject({ conserved: true, oversoldUnits: 0, limitHeld: true });
  });

  it('reports units reserved beyond the stock, unbalanced books and a broken limit', () => {
    expect(judgeHot({ ...books, reserved: 103, total: 103 })).toMatchObject({ oversoldUnits: 3, conserved: true });
    expect(judgeHot({ ...books, remaining: 1 })).toMatchObject({ conserved: false });
    expect(judgeHot({ ...books, perBuyer: 6 })).toMatchObject({ limitHeld: false });
    expect(judgeHot({ ...books, quotaMax: 6 })).toMatchObject({ limitHeld: false });
  });
});

describe('bench statistics', () => {
  it('takes nearest-rank percentiles', () => {
    const sorted = Array.from({ length: 100 }, (_, i) => i + 1);
    expect(percentile(sorted, 50)).toBe(50);
    expect(percentile(sorted, 99)).toBe(99);
    expect(percentile(sorted, 99.9)).toBe(100);
    expect(percentile([7], 99)).toBe(7);
    expect(Number.isNaN(percentile([], 50))).toBe(true);
  });

  it('summarises unsorted latencies, tail included', () => {
    const values = [...Array(98).fill(10), 500, 2_000];
    expect(latencySummary(values)).toMatchObject({ count: 100, p50Ms: 10, p95Ms: 10, p99Ms: 500, maxMs: 2_000 });
    expect(median([3, 1, 2, 10])).toBe(2.5);
  });
});
