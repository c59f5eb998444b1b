import type { DeepPartial, RecommenderConfig } from '@linli/recommendations-analytics';

export const RECOMMENDATIONS_OPTIONS = Symbol.for('linli.recommendations-options');

export interface RecommendationsOptions {
  databaseUrl: string;
  /** `worker`: refits run in a worker thread (production); `inline`: on the calling thread (tests, tools). */
  fitMode: 'worker' | 'inline';
  /** Purchases this recent train the recommender (0: all of them). */
  historyDays: number;
  /** A refit starts this long after the last change that asked for one… */
  refreshDebounceMs: number;
  /** …but at most this long after the first, and never sooner than this after the previous refit. */
  refreshMaxWaitMs: number;
  refreshMinIntervalMs: number;
  /** Nearest-neighbour customers in the repurchase model; 0 turns the (quadratic) neighbour search off. */
  tifuNeighbours: number;
  /** How often customer assets (tags, RFM, predictions) are recomputed; 0 = only on request. */
  assetsIntervalMs: number;
  /** How often the prediction backtest runs; 0 = only on request. */
  backtestIntervalMs: number;
  /** Holdout length of the scheduled backtest. */
  backtestHoldoutDays: number;
  /** Events about unknown users wait this long for the user to become known, then are applied anyway. */
  parkReleaseAfterMs: number;
  /** How often parked events are looked at. */
  parkSweepIntervalMs: number;
  /** CLV horizon and monthly discount rate. */
  clvMonths: number;
  clvMonthlyDiscount: number;
  /** Time zone of reporting days and months. */
  reportingTimeZone: string;
  /** Extra recommender settings over the tuned next-basket preset. */
  recommender?: DeepPartial<RecommenderConfig>;
}

export const DEFAULT_RECOMMENDATIONS_OPTIONS: Omit<RecommendationsOptions, 'databaseUrl'> = {
  fitMode: 'worker',
  historyDays: 365,
  refreshDebounceMs: 2_000,
  refreshMaxWaitMs: 30_000,
  refreshMinIntervalMs: 10_000,
  tifuNeighbours: 0,
  assetsIntervalMs: 60 * 60_000,
  backtestIntervalMs: 24 * 60 * 60_000,
  backtestHoldoutDays: 90,
  parkReleaseAfterMs: 15 * 60_000,
  parkSweepIntervalMs: 60_000,
  clvMonths: 12,
  clvMonthlyDiscount: 0.01,
  reportingTimeZone: 'Asia/Shanghai',
};
