/** `tags` task: household tags inferred from purchases, checked against declared ground truth. */
import type { CustomerRecord, ProductRecord, Transaction } from '../canonical.js';
import { rocAuc } from '../metrics.js';
import { TAG_DIMENSIONS, TagInferrer, declaredTagsFromAttributes, DEFAULT_TAG_THRESHOLD, type PurchaseLine, type TagName } from '../tags.js';
import { round, table } from './format.js';

export interface TagsRow {
  tag: string;
  /** Customers whose ground truth is positive (null: no ground truth for this tag). */
  support: number | null;
  precision: number | null;
  recall: number | null;
  auc: number | null;
}

export interface TagsResult {
  task: 'tags';
  results: TagsRow[];
}

export interface TagsOptions {
  threshold?: number;
}

export function runTags(
  transactions: readonly Transaction[],
  customers: readonly CustomerRecord[] | null,
  products: readonly ProductRecord[] | null,
  opts: TagsOptions = {},
): { result: TagsResult; report: string } {
  const threshold = opts.threshold ?? DEFAULT_TAG_THRESHOLD;
  const productById = new Map((products ?? []).map((p) => [p.productId, p]));
  const lines = new Map<string, PurchaseLine[]>();
  for (const t of transactions) {
    const p = productById.get(t.productId);
    let l = lines.get(t.customerId);
    if (!l) lines.set(t.customerId, (l = []));
    l.push({ orderId: t.orderId, productId: t.productId, productName: p?.name ?? '', category: t.category || p?.category || '' });
  }
  const inferrer = new TagInferrer();
  const inferred = new Map<string, Record<TagName, { confidence: number }>>();
  for (const [c, l] of lines) inferred.set(c, inferrer.infer(l));
  const truth = new Map<string, Partial<Record<TagName, boolean>>>();
  for (const c of customers ?? []) truth.set(c.customerId, declaredTagsFromAttributes(c.attributes));
  const notes: string[] = [];
  if (!customers) notes.push('No customers.csv: there is no ground truth, so support, precision, recall and AUC cannot be computed (inferred counts are still shown).');
  if (!products) notes.push('No products.csv: tags are inferred from transaction categories only.');
  const rows: TagsRow[] = [];
  const inferredCounts: number[] = [];
  for (const tag of TAG_DIMENSIONS) {
    const scores: number[] = [];
    const labels: boolean[] = [];
    let predictedPos = 0;
    for (const [c, tags] of inferred) {
      const conf = tags[tag].confidence;
      if (conf >= threshold) predictedPos++;
      const gt = truth.get(c)?.[tag];
      if (gt === undefined) continue;
      scores.push(conf);
      labels.push(gt);
    }
    inferredCounts.push(predictedPos);
    if (labels.length === 0) {
      rows.push({ tag, support: null, precision: null, recall: null, auc: null });
      if (customers && (tag === 'has_children' || tag === 'elderly')) {
        notes.push(`${tag}: customers.csv has no ground-truth column for it (${tag === 'has_children' ? 'kids_count' : 'age or age_band'}).`);
      }
      continue;
    }
    let tp = 0;
    let fp = 0;
    let pos = 0;
    for (let i = 0; i < labels.length; i++) {
      const pred = scores[i]! >= threshold;
      if (labels[i]) pos++;
      if (pred && labels[i]) tp++;
      if (pred && !labels[i]) fp++;
    }
    rows.push({ tag, support: pos, precision: tp + fp > 0 ? round(tp / (tp + fp)) : null, recall: pos > 0 ? round(tp / pos) : null, auc: round(rocAuc(scores, labels)) });
  }
  const report = [
    `Household tags — ${lines.size} customers with purchases, ${customers?.length ?? 0} with descriptive attributes; threshold ${threshold}`,
    '',
    table(
      ['tag', 'inferred (≥ threshold)', 'support', 'precision', 'recall', 'AUC'],
      rows.map((r, i) => [r.tag, inferredCounts[i]!, r.support, r.precision, r.recall, r.auc]),
    ),
    ...(notes.length ? ['', ...notes] : []),
  ].join('\n');
  return { result: { task: 'tags', results: rows }, report };
}
