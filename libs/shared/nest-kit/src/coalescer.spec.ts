import { Coalescer, settle, type ItemResult } from './coalescer.js';

/** A batch runner whose batches finish only when the test says so. */
function gatedRunner() {
  const batches: number[][] = [];
  const gates: (() => void)[] = [];
  const run = async (items: number[]): Promise<ItemResult<number>[]> => {
    batches.push(items);
    await new Promise<void>((resolve) => gates.push(resolve));
    return items.map((item) => (item < 0 ? { ok: false, error: new Error(`negative ${item}`) } : { ok: true, value: item * 10 }));
  };
  const release = async () => {
    gates.shift()?.();
    await new Promise((resolve) => setImmediate(resolve));
  };
  return { batches, run, release };
}

describe('Coalescer', () => {
  it('runs an item alone at once when a slot is free', async () => {
    const runner = gatedRunner();
    const coalescer = new Coalescer(runner.run, { maxBatch: 8 });
    const answer = coalescer.submit(1);
    expect(runner.batches).toEqual([[1]]);
    await runner.release();
    await expect(answer).resolves.toBe(10);
  });

  it('gathers what arrives during a batch into the next one, up to maxBatch, in arrival order', async () => {
    const runner = gatedRunner();
    const coalescer = new Coalescer(runner.run, { maxBatch: 3 });
    const answers = [1, 2, 3, 4, 5, 6].map((item) => coalescer.submit(item));
    expect(runner.batches).toEqual([[1]]);
    expect(coalescer.queued).toBe(5);
    await runner.release();
    expect(runner.batches).toEqual([[1], [2, 3, 4]]);
    await runner.release();
    expect(runner.batches).toEqual([[1], [2, 3, 4], [5, 6]]);
    await runner.release();
    await expect(Promise.all(answers)).resolves.toEqual([10, 20, 30, 40, 50, 60]);
    expect(coalescer.stats).toEqual({ batches: 3, items: 6, largest: 3, isolated: 0 });
  });

  it('runs up to `concurrency` batches at once', async () => {
    const runner = gatedRunner();
    const coalescer = new Coalescer(runner.run, { maxBatch: 2, concurrency: 2 });
    const answers = [1, 2, 3, 4].map((item) => coalescer.submit(item));
    expect(runner.batches).toEqual([[1], [2]]);
    await runner.release();
    expect(runner.batches).toEqual([[1], [2], [3, 4]]);
    await runner.release();
    await runner.release();
    await expect(Promise.all(answers)).resolves.toEqual([10, 20, 30, 40]);
  });

  it('fails only the item whose result is an error', async () => {
    const runner = gatedRunner();
    const coalescer = new Coalescer(runner.run, { maxBatch: 4 });
    const settled = Promise.allSettled([0, 1, -2, 3].map((item) => coalescer.submit(item)));
    await runner.release();
    await runner.release();
    const [first, ...rest] = await settled;
    expect(first).toEqual({ status: 'fulfilled', value: 0 });
    expect(rest.map((result) => (result.status === 'fulfilled' ? result.value : (result.reason as Error).message))).toEqual([10, 'negative -2', 30]);
  });

  it('fails every item of a batch whose run throws or miscounts, and goes on with the next batch', async () => {
    let calls = 0;
    const coalescer = new Coalescer<number, number>(async (items) => {
      calls += 1;
      if (calls === 1) throw new Error('database gone');
      if (calls === 2) return [{ ok: true, value: 1 }];
      return items.map((item) => ({ ok: true, value: item }));
    }, { maxBatch: 2 });
    const settled = Promise.allSettled([1, 2, 3, 4].map((item) => coalescer.submit(item)));
    const results = (await settled).map((result) => (result.status === 'fulfilled' ? result.value : (result.reason as Error).message));
    expect(results).toEqual(['database gone', 'a batch of 2 answered 1 results', 'a batch of 2 answered 1 results', 4]);
  });

  it('with isolateFailures, runs the items of a failed batch one by one so only the bad one fails', async () => {
    const seen: number[][] = [];
    let gate: (() => void) | undefined;
    const coalescer = new Coalescer<number, number>(async (items) => {
      seen.push(items);
      if (seen.length === 1) await new Promise<void>((resolve) => (gate = resolve));
      if (items.includes(-1)) throw new Error('batch holds -1');
      return items.map((item) => ({ ok: true, value: item }));
    }, { maxBatch: 8, isolateFailures: true });
    const settled = Promise.allSettled([0, 1, -1, 2].map((item) => coalescer.submit(item)));
    gate!();
    const results = (await settled).map((result) => (result.status === 'fulfilled' ? result.value : (result.reason as Error).message));
    expect(results).toEqual([0, 1, 'batch holds -1', 2]);
    expect(seen).toEqual([[0], [1, -1, 2], [1], [-1], [2]]);
    expect(coalescer.stats.isolated).toBe(3);
  });

  it('refuses nonsense sizes', () => {
    expect(() => new Coalescer(async () => [], { maxBatch: 0 })).toThrow('maxBatch');
    expect(() => new Coalescer(async () => [], { maxBatch: 1, concurrency: 0 })).toThrow('concurrency');
  });
});

describe('settle', () => {
  it('captures a value or an error', async () => {
    await expect(settle(async () => 1)).resolves.toEqual({ ok: true, value: 1 });
    const error = new Error('no');
    await expect(settle(async () => Promise.reject(error))).resolves.toEqual({ ok: false, error });
  });
});
