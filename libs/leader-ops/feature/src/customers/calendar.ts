import { LunarFestival, SolarTerm } from 'tyme4ts';
import { leaderCustomers as lc } from '@linli/contracts';
import { LeaderCustomerErrors } from './leader-customers.exception.js';

/** tyme4ts' lunar festival names → our keys (the others it knows, e.g. 龙头节, are not shown). */
const FESTIVAL_BY_NAME: Record<string, lc.FestivalKey> = {
  春节: 'spring-festival',
  元宵节: 'lantern',
  清明节: 'qingming',
  端午节: 'dragon-boat',
  七夕节: 'qixi',
  中秋节: 'mid-autumn',
  重阳节: 'double-ninth',
  腊八节: 'laba',
  除夕: 'new-years-eve',
};

/** tyme4ts' solar term index 1…24 of a year is 小寒 … 冬至, the order of SOLAR_TERM_KEYS. */
const TERMS_PER_YEAR = 24;

const pad = (n: number) => String(n).padStart(2, '0');

function isoOf(day: { getYear(): number; getMonth(): number; getDay(): number }): string {
  return `${day.getYear()}-${pad(day.getMonth())}-${pad(day.getDay())}`;
}

/**
 * The lunar festivals and solar terms of a Gregorian year, dated in China time (tyme4ts computes in
 * Beijing time). A festival's lunar year and Gregorian year differ around New Year (腊八 and 除夕 of
 * lunar year Y fall in January or February of Y+1), so the festivals of the lunar years before and
 * of the year are both looked at and kept when their date falls in the year.
 */
export function festivalCalendar(year: number): lc.FestivalCalendar {
  if (!Number.isInteger(year) || year < lc.CALENDAR_FIRST_YEAR || year > lc.CALENDAR_LAST_YEAR) throw LeaderCustomerErrors.yearOutOfRange(year);
  const festivals: lc.FestivalCalendar['festivals'] = [];
  for (const lunarYear of [year - 1, year]) {
    for (let index = 0; index < LunarFestival.NAMES.length; index++) {
      const festival = LunarFestival.fromIndex(lunarYear, index);
      if (!festival) continue;
      const key = FESTIVAL_BY_NAME[festival.getName()];
      if (!key) continue;
      const solar = festival.getDay().getSolarDay();
      if (solar.getYear() !== year) continue;
      festivals.push({ key, name: festival.getName(), date: isoOf(solar) });
    }
  }
  festivals.sort((a, b) => a.date.localeCompare(b.date));
  const solarTerms = Array.from({ length: TERMS_PER_YEAR }, (_, i) => {
    const term = SolarTerm.fromIndex(year, i + 1);
    return { key: lc.SOLAR_TERM_KEYS[i]!, name: term.getName(), date: isoOf(term.getJulianDay().getSolarDay()) };
  });
  return { year, festivals, solarTerms };
}

/** English names for drafts in English. */
export const FESTIVAL_NAMES_EN: Record<lc.FestivalKey, string> = {
  'spring-festival': 'Spring Festival',
  lantern: 'the Lantern Festival',
  qingming: 'Qingming',
  'dragon-boat': 'the Dragon Boat Festival',
  qixi: 'Qixi',
  'mid-autumn': 'the Mid-Autumn Festival',
  'double-ninth': 'the Double Ninth Festival',
  laba: 'Laba',
  'new-years-eve': "New Year's Eve",
};

/** The festivals dated from `from` (inclusive) for `days` days, China-time dates `YYYY-MM-DD`. */
export function festivalsBetween(from: string, days: number): lc.FestivalCalendar['festivals'] {
  const start = Date.parse(`${from}T00:00:00Z`);
  const until = new Date(start + days * 86_400_000).toISOString().slice(0, 10);
  const years = new Set([Number(from.slice(0, 4)), Number(until.slice(0, 4))]);
  return [...years]
    .filter((y) => y >= lc.CALENDAR_FIRST_YEAR && y <= lc.CALENDAR_LAST_YEAR)
    .flatMap((y) => festivalCalendar(y).festivals)
    .filter((f) => f.date >= from && f.date < until);
}

/**
 * The next occurrence (on or after `today`) of a birthday `YYYY-MM-DD` (Gregorian), China time. A
 * 29 February birthday falls on 28 February in other years.
 */
export function nextBirthday(birthday: string, today: string): string {
  const [, month, day] = birthday.split('-').map(Number) as [number, number, number];
  const on = (year: number) => {
    const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
    const d = month === 2 && day === 29 && !leap ? 28 : day;
    return `${year}-${pad(month)}-${pad(d)}`;
  };
  const year = Number(today.slice(0, 4));
  const thisYear = on(year);
  return thisYear >= today ? thisYear : on(year + 1);
}

/** Days from one `YYYY-MM-DD` to another. */
export function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000);
}

/** Today's date in a time zone, `YYYY-MM-DD`. */
export function localDate(at: Date, timeZone = 'Asia/Shanghai'): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(at);
}

