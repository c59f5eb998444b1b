import { defineMessages } from '../i18n/i18n';

/** Strings of the moderation queue (ops console and the leader's groups). */
export const messages = defineMessages(
  {
    'moderation.none': '该社群没有待处理的举报',
    'moderation.reports': '{n} 次举报',
    'moderation.reasons': '举报原因',
    'moderation.hide': '隐藏',
    'moderation.keep': '保留',
    'moderation.hidden': '已隐藏',
    'moderation.kept': '已保留，举报已处理',
    'moderation.hiddenTag': '已隐藏',
    'moderation.ban': '禁言',
    'moderation.banTitle': '禁言 {name}',
    'moderation.banDays': '禁言天数',
    'moderation.banReason': '禁言原因',
    'moderation.banned': '已禁言至 {d}',
    'moderation.reasonOptional': '处理说明（可选）',
  },
  {
    'moderation.none': 'No open reports in this community',
    'moderation.reports': '{n} reports',
    'moderation.reasons': 'Reasons',
    'moderation.hide': 'Hide',
    'moderation.keep': 'Keep',
    'moderation.hidden': 'Hidden',
    'moderation.kept': 'Kept; the reports are resolved',
    'moderation.hiddenTag': 'Hidden',
    'moderation.ban': 'Ban',
    'moderation.banTitle': 'Ban {name}',
    'moderation.banDays': 'Days',
    'moderation.banReason': 'Reason',
    'moderation.banned': 'Banned until {d}',
    'moderation.reasonOptional': 'Note (optional)',
  },
);
