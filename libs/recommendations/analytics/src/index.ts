/**
 * @linli/recommendations-analytics — the pure analytics core of the user asset engine:
 * canonical data reading, customer-base models (BG/NBD, Gamma-Gamma, CLV), RFM and lifecycle,
 * household tags and segments, the recommender and its evaluation metrics.
 */
export * from './canonical.js';
export * from './special.js';
export * from './optimize.js';
export * from './summary.js';
export * from './bgnbd.js';
export * from './gamma-gamma.js';
export * from './rfm.js';
export * from './tags.js';
export * from './metrics.js';
export * from './linalg.js';
export * from './recommender.js';
export * from './baselines.js';
export { runLtv, type LtvOptions, type LtvResult } from './eval/ltv.js';
export { runRecs, randomSplit, lastBasketSplit, type RecsOptions, type RecsResult, type RecsRow, type SplitKind } from './eval/recs.js';
export { runTags, type TagsOptions, type TagsResult, type TagsRow } from './eval/tags.js';
export { loadDataset, toBaskets, DatasetError, type Dataset } from './eval/data.js';
export * from './canonical-resumable.js';
export * from './recommender-snapshot.js';
