import { Inject } from '@nestjs/common';
import { LeaderOpsDb } from '@linli/leader-ops-data-access';
import type { PayRules } from './pay-rules.js';
import type { MessageChannel, QuietHours } from './message-channels.js';
import type { TextGenerator } from './text-generator.js';

export const LEADER_CUSTOMERS_OPTIONS = Symbol('LEADER_CUSTOMERS_OPTIONS');

/** What the customer-operator part of leader-ops is configured with (see the app's config). */
export interface LeaderCustomersOptions {
  /** Quiet hours for care and marketing messages; null: none. Default 21:00–08:00 Asia/Shanghai. */
  quietHours: QuietHours | null;
  /** Channels by name; `in-app` is always there, `wechat` only when configured. */
  channels: MessageChannel[];
  textGenerator: TextGenerator;
  payRules: PayRules[];
  /** The clock (tests move it). */
  now: () => Date;
}

/** What each customer-operator service is given: leader-ops' database and the options above. */
export abstract class LeaderCustomersService {
  constructor(
    @Inject(LeaderOpsDb) protected readonly db: LeaderOpsDb,
    @Inject(LEADER_CUSTOMERS_OPTIONS) protected readonly options: LeaderCustomersOptions,
  ) {}
}
