// Small statistics helpers for the benchmarks.

/** Nearest-rank percentile of already sorted values (`p` in 0–100). */
export function percentile(sorted, p) {
  if (sorted.length === 0) return NaN;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1];
}

export function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  if (sorted.length === 0) return NaN;
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

export const round = (value, digits = 1) => (Number.isFinite(value) ? Math.round(value * 10 ** digits) / 10 ** digits : value);

/** Latency summary in milliseconds. */
export function latencySummary(values) {
  const sorted = Float64Array.from(values).sort();
  return {
    count: sorted.length,
    p50Ms: round(percentile(sorted, 50), 2),
    p90Ms: round(percentile(sorted, 90), 2),
    p95Ms: round(percentile(sorted, 95), 2),
    p99Ms: round(percentile(sorted, 99), 2),
    p999Ms: round(percentile(sorted, 99.9), 2),
    maxMs: round(sorted[sorted.length - 1], 2),
  };
}

/** A plain-text table: `rows` are [label, value] pairs. */
export function table(title, rows) {
  const width = Math.max(...rows.map(([label]) => String(label).length));
  const lines = rows.map(([label, value]) => `  ${String(label).padEnd(width)}  ${value}`);
  return [title, ...lines].join('\n');
}
