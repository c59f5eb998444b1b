import { LinliError, leaderCustomers as lc } from '@linli/contracts';

/** Errors of the leader's customer operations; each carries a code from the contracts. */
export const LeaderCustomerErrors = {
  yearOutOfRange: (year: number) =>
    new LinliError('LEADER_OPS.YEAR_OUT_OF_RANGE', `the calendar covers ${lc.CALENDAR_FIRST_YEAR}–${lc.CALENDAR_LAST_YEAR}`, { year, first: lc.CALENDAR_FIRST_YEAR, last: lc.CALENDAR_LAST_YEAR }),
  leaderOnly: () => new LinliError('AUTH.FORBIDDEN', 'only a leader may do this'),
  opsOnly: () => new LinliError('AUTH.FORBIDDEN', 'only ops may do this'),
  notYourCustomer: (userId: string) =>
    new LinliError('LEADER_OPS.NOT_YOUR_CUSTOMER', 'this resident does not collect at a pickup point you run', { userId }),
  reminderNotFound: (reminderId: string) => new LinliError('LEADER_OPS.REMINDER_NOT_FOUND', 'no such reminder', { reminderId }),
  draftNotFound: (draftId: string) => new LinliError('LEADER_OPS.DRAFT_NOT_FOUND', 'no such draft', { draftId }),
  draftNotEditable: (draftId: string, status: string) =>
    new LinliError('LEADER_OPS.DRAFT_NOT_EDITABLE', `the draft is ${status}; only a draft can be edited or approved`, { draftId, status }),
  draftNotApproved: (draftId: string, status: string) =>
    new LinliError('LEADER_OPS.DRAFT_NOT_APPROVED', status === 'sent' ? 'the draft was already sent' : 'approve the draft before sending it', { draftId, status }),
  noMarketingConsent: (userId: string) =>
    new LinliError('LEADER_OPS.NO_MARKETING_CONSENT', 'the resident has not agreed to receive care or marketing messages', { userId }),
  quietHours: (window: { from: string; to: string; timeZone: string }, sendableAt: string) =>
    new LinliError('LEADER_OPS.QUIET_HOURS', `no care or marketing messages between ${window.from} and ${window.to} (${window.timeZone}); send after ${sendableAt}`, {
      ...window,
      sendableAt,
    }),
  channelUnavailable: (channel: string, reason: string) => new LinliError('LEADER_OPS.CHANNEL_UNAVAILABLE', `the ${channel} channel is not available: ${reason}`, { channel }),
  messageNotFound: (messageId: string) => new LinliError('LEADER_OPS.MESSAGE_NOT_FOUND', 'no such message in your inbox', { messageId }),
  noCustomers: () => new LinliError('COMMON.VALIDATION_FAILED', 'no customer of yours matches the segment', { fields: [{ path: 'segment', message: 'matches none of your customers' }] }),
  settlementNotFound: (leaderUserId: string, month: string) =>
    new LinliError('LEADER_OPS.SETTLEMENT_NOT_FOUND', `no statement for ${month} has been issued`, { leaderUserId, month }),
  settlementAlreadyIssued: (month: string, leaderUserIds: string[]) =>
    new LinliError('LEADER_OPS.SETTLEMENT_ALREADY_ISSUED', `the statement for ${month} was already issued; correct it with an adjustment line`, { month, leaderUserIds }),
  settlementMonthOpen: (month: string) => new LinliError('LEADER_OPS.SETTLEMENT_MONTH_OPEN', `${month} has not ended yet (China time)`, { month }),
  settlementTransition: (status: string, action: string) =>
    new LinliError('LEADER_OPS.SETTLEMENT_INVALID_TRANSITION', `a statement that is ${status} cannot be ${action}`, { status, action }),
  negativePayout: (totalCents: number, amountCents: number) =>
    new LinliError('LEADER_OPS.NEGATIVE_PAYOUT', 'the adjustment would make the statement pay less than nothing', { totalCents, amountCents }),
};
