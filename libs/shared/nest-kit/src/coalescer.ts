/** One item's answer from a batch: its value, or the error that item alone fails with. */
export type ItemResult<Out> = { ok: true; value: Out } | { ok: false; error: unknown };

export interface CoalescerOptions {
  /** Most items one batch takes. */
  maxBatch: number;
  /** Batches run at once (default 1). */
  concurrency?: number;
  /**
   * When a batch of several items throws as a whole, run each of its items again as a batch of its
   * own (one after another, in the same slot), so one bad item fails alone. Only for work that a
   * failed batch leaves undone — one transaction, say.
   */
  isolateFailures?: boolean;
}

interface Waiting<In, Out> {
  item: In;
  resolve: (value: Out) => void;
  reject: (error: unknown) => void;
}

/**
 * Gathers single requests into batches without waiting for them: an item submitted while a batch
 * slot is free starts a batch at once (alone, if nothing else is queued); items submitted while every
 * slot is busy queue, and the next free slot takes up to `maxBatch` of them in arrival order. At
 * low load every item is its own batch and waits for nothing; under load batches grow by themselves
 * to what arrived during one batch's run — group commit without a timer.
 *
 * `run` answers one result per item, in order. An item's error fails only that item; a thrown `run`
 * (or a wrong number of results) fails every item of the batch, unless `isolateFailures` retries them
 * one by one.
 */
export class Coalescer<In, Out> {
  private readonly queue: Waiting<In, Out>[] = [];
  private running = 0;
  private readonly concurrency: number;
  /** Batches run, items they carried, the largest, and items retried alone after their batch failed. */
  readonly stats = { batches: 0, items: 0, largest: 0, isolated: 0 };

  constructor(
    private readonly run: (items: In[]) => Promise<ItemResult<Out>[]>,
    private readonly options: CoalescerOptions,
  ) {
    if (!Number.isInteger(options.maxBatch) || options.maxBatch < 1) throw new Error('maxBatch must be a whole number of at least 1');
    this.concurrency = options.concurrency ?? 1;
    if (!Number.isInteger(this.concurrency) || this.concurrency < 1) throw new Error('concurrency must be a whole number of at least 1');
  }

  submit(item: In): Promise<Out> {
    return new Promise<Out>((resolve, reject) => {
      this.queue.push({ item, resolve, reject });
      this.pump();
    });
  }

  /** Items queued and not yet in a batch. */
  get queued(): number {
    return this.queue.length;
  }

  private pump(): void {
    while (this.running < this.concurrency && this.queue.length > 0) {
      const batch = this.queue.splice(0, this.options.maxBatch);
      this.running += 1;
      this.stats.batches += 1;
      this.stats.items += batch.length;
      this.stats.largest = Math.max(this.stats.largest, batch.length);
      void this.execute(batch).finally(() => {
        this.running -= 1;
        this.pump();
      });
    }
  }

  private async execute(batch: Waiting<In, Out>[]): Promise<void> {
    let results: ItemResult<Out>[];
    try {
      results = await this.runChecked(batch.map((waiting) => waiting.item));
    } catch (error) {
      if (!this.options.isolateFailures || batch.length === 1) {
        for (const waiting of batch) waiting.reject(error);
        return;
      }
      this.stats.isolated += batch.length;
      results = [];
      for (const waiting of batch) {
        try {
          results.push((await this.runChecked([waiting.item]))[0]!);
        } catch (alone) {
          results.push({ ok: false, error: alone });
        }
      }
    }
    batch.forEach((waiting, i) => {
      const result = results[i]!;
      if (result.ok) waiting.resolve(result.value);
      else waiting.reject(result.error);
    });
  }

  private async runChecked(items: In[]): Promise<ItemResult<Out>[]> {
    const results = await this.run(items);
    if (results.length !== items.length) throw new Error(`a batch of ${items.length} answered ${results.length} results`);
    return results;
  }
}

/** Runs `fn` for one item and captures its outcome as an {@link ItemResult}. */
export async function settle<Out>(fn: () => Promise<Out>): Promise<ItemResult<Out>> {
  try {
    return { ok: true, value: await fn() };
  } catch (error) {
    return { ok: false, error };
  }
}
