import { countdown, percent, requestKey, yuan } from './format';
import { format } from '../i18n/format';

describe('console formatting', () => {
  it('shows integer cents as yuan and rates as percentages', () => {
    expect(yuan(2190)).toBe('21.90');
    expect(yuan(5)).toBe('0.05');
    expect(yuan(null)).toBe('—');
    expect(percent(0.1667)).toBe('16.7%');
    expect(percent(null)).toBe('—');
  });

  it('counts down to the cut-off in days and a clock', () => {
    expect(countdown(((26 * 60 + 3) * 60 + 4) * 1000, 'zh-CN')).toBe('1天 02:03:04');
    expect(countdown(59_000, 'en')).toBe('00:00:59');
    expect(countdown(-5_000, 'en')).toBe('00:00:00');
  });

  it('makes idempotency keys the API accepts', () => {
    const key = requestKey('console');
    expect(key).toMatch(/^[A-Za-z0-9._:-]{8,100}$/);
    expect(requestKey('console')).not.toBe(key);
  });

  it('fills message templates', () => {
    expect(format('距截单 {t}', { t: '01:00:00' })).toBe('距截单 01:00:00');
    expect(format('{n} left, {missing}', { n: 3 })).toBe('3 left, {missing}');
  });
});
