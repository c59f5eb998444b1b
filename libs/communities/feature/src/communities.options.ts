export const COMMUNITIES_OPTIONS = Symbol.for('linli.communities-options');

export interface CommunitiesOptions {
  /** Posts a member may write per window, and the window. */
  postLimit: number;
  postWindowSeconds: number;
  /** The NPS question is offered at most once per resident in this many days… */
  npsIntervalDays: number;
  /** …and an offer may be answered this many days after it was made. */
  npsAnswerDays: number;
}

export const DEFAULT_COMMUNITIES_OPTIONS: CommunitiesOptions = { postLimit: 5, postWindowSeconds: 600, npsIntervalDays: 30, npsAnswerDays: 14 };
