import { LinliError } from '@linli/contracts';
import { daysBetween, festivalCalendar, festivalsBetween, nextBirthday } from './calendar.js';

const dates = (year: number) => Object.fromEntries(festivalCalendar(year).festivals.map((f) => [f.key, f.date]));
const terms = (year: number) => Object.fromEntries(festivalCalendar(year).solarTerms.map((t) => [t.key, t.date]));

// Published dates (China's official holiday notices and the Hong Kong Observatory's lunar calendar).
describe('festivalCalendar', () => {
  it.each([
    [2020, { 'spring-festival': '2020-01-25', 'new-years-eve': '2020-01-24', laba: '2020-01-02', 'dragon-boat': '2020-06-25', 'mid-autumn': '2020-10-01', qingming: '2020-04-04' }],
    [2023, { 'spring-festival': '2023-01-22', lantern: '2023-02-05', 'dragon-boat': '2023-06-22', qixi: '2023-08-22', 'mid-autumn': '2023-09-29', 'double-ninth': '2023-10-23' }],
    [2024, { 'spring-festival': '2024-02-10', 'new-years-eve': '2024-02-09', lantern: '2024-02-24', qingming: '2024-04-04', 'dragon-boat': '2024-06-10', 'mid-autumn': '2024-09-17' }],
    // lunar 2024's 腊月 had 29 days: New Year's Eve is the 29th
    [2025, { laba: '2025-01-07', 'new-years-eve': '2025-01-28', 'spring-festival': '2025-01-29', 'dragon-boat': '2025-05-31', qixi: '2025-08-29', 'mid-autumn': '2025-10-06', 'double-ninth': '2025-10-29' }],
    [2026, { 'new-years-eve': '2026-02-16', 'spring-festival': '2026-02-17', lantern: '2026-03-03', 'dragon-boat': '2026-06-19', 'mid-autumn': '2026-09-25' }],
    [1901, { 'spring-festival': '1901-02-19' }],
  ])('dates the festivals of %i as published', (year, expected) => {
    expect(dates(year)).toMatchObject(expected);
  });

  it('lists the nine festivals once each in an ordinary year, in date order, and all 24 solar terms', () => {
    const calendar = festivalCalendar(2025);
    expect(calendar.festivals.map((f) => f.key).sort()).toEqual(['double-ninth', 'dragon-boat', 'laba', 'lantern', 'mid-autumn', 'new-years-eve', 'qingming', 'qixi', 'spring-festival']);
    expect(calendar.festivals.map((f) => f.date)).toEqual([...calendar.festivals.map((f) => f.date)].sort());
    expect(calendar.festivals.find((f) => f.key === 'spring-festival')?.name).toBe('春节');
    expect(calendar.solarTerms).toHaveLength(24);
    expect(new Set(calendar.solarTerms.map((t) => t.key)).size).toBe(24);
    expect(calendar.solarTerms.every((t) => t.date.startsWith('2025-'))).toBe(true);
  });

  it('dates Laba in the Gregorian year it falls in, not its lunar year', () => {
    // lunar 2019's Laba fell on 2020-01-02 and lunar 2020's on 2021-01-20: 2020 has one, 2021 has one
    expect(festivalCalendar(2020).festivals.filter((f) => f.key === 'laba').map((f) => f.date)).toEqual(['2020-01-02']);
    expect(festivalCalendar(2021).festivals.filter((f) => f.key === 'laba').map((f) => f.date)).toEqual(['2021-01-20']);
  });

  it('dates solar terms as published', () => {
    expect(terms(2024)).toMatchObject({ 'spring-equinox': '2024-03-20', 'pure-brightness': '2024-04-04', 'summer-solstice': '2024-06-21', 'winter-solstice': '2024-12-21' });
    expect(terms(2025)).toMatchObject({ 'minor-cold': '2025-01-05', 'start-of-spring': '2025-02-03', 'autumn-equinox': '2025-09-23', 'winter-solstice': '2025-12-21' });
    expect(terms(2026)).toMatchObject({ 'pure-brightness': '2026-04-05', 'start-of-spring': '2026-02-04' });
  });

  it.each([1900, 2100, 0, -5, 2025.5])('refuses %p with a code', (year) => {
    let error: unknown;
    try {
      festivalCalendar(year);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(LinliError);
    expect((error as LinliError).code).toBe('LEADER_OPS.YEAR_OUT_OF_RANGE');
  });

  it('covers the edges of the range', () => {
    expect(festivalCalendar(1901).solarTerms).toHaveLength(24);
    expect(festivalCalendar(2099).festivals.length).toBeGreaterThanOrEqual(8);
  });
});

describe('festivalsBetween, nextBirthday', () => {
  it('finds festivals in a window, across the year end', () => {
    expect(festivalsBetween('2025-01-25', 7).map((f) => f.key)).toEqual(['new-years-eve', 'spring-festival']);
    expect(festivalsBetween('2025-12-30', 10)).toEqual([]);
    expect(festivalsBetween('2025-10-01', 7).map((f) => f.key)).toEqual(['mid-autumn']);
  });

  it('finds the next birthday, this year or next, with 29 February on the 28th', () => {
    expect(nextBirthday('1960-06-03', '2025-06-01')).toBe('2025-06-03');
    expect(nextBirthday('1960-06-03', '2025-06-03')).toBe('2025-06-03');
    expect(nextBirthday('1960-01-02', '2025-12-30')).toBe('2026-01-02');
    expect(nextBirthday('1964-02-29', '2025-02-01')).toBe('2025-02-28');
    expect(nextBirthday('1964-02-29', '2028-02-01')).toBe('2028-02-29');
    expect(daysBetween('2025-12-30', '2026-01-02')).toBe(3);
  });
});
