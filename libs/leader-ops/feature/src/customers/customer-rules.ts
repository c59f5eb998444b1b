import type { leaderCustomers as lc } from '@linli/contracts';
import { daysBetween, festivalsBetween, localDate, nextBirthday } from './calendar.js';

/** Churn-risk bands: high ≥ 0.6, medium ≥ 0.3, low below. */
export const RISK_BANDS: Record<'low' | 'medium' | 'high', { min: number; max: number }> = {
  low: { min: 0, max: 0.3 },
  medium: { min: 0.3, max: 0.6 },
  high: { min: 0.6, max: 1.000001 },
};

export function riskBand(churnRisk: number | null): 'low' | 'medium' | 'high' | null {
  if (churnRisk === null) return null;
  return churnRisk >= 0.6 ? 'high' : churnRisk >= 0.3 ? 'medium' : 'low';
}

/** An order as the attention rules see it. */
export interface OrderFact {
  orderId: string;
  userId: string;
  status: string;
  placedAt: Date;
  receivedAt: Date | null;
  lines: { categoryId: string | null; productId: string | null; amountCents: number }[];
}

export interface CustomerFact {
  userId: string;
  nickname: string | null;
  birthday: string | null;
  stage: string | null;
  churnRisk: number | null;
  journeyStep: string | null;
  journeyStepSince: Date | null;
}

/** Statuses of an order that counts as bought (paid or further, not cancelled/expired/refunded away). */
const BOUGHT = new Set(['paid', 'locked', 'shipped', 'received', 'picked-up', 'completed']);

/**
 * A customer's own repurchase interval per category: the median gap in days between the days they
 * bought it (at least three purchase days needed), and when the next is due.
 */
export function replenishment(orders: OrderFact[], today: string, timeZone = 'Asia/Shanghai'): { categoryId: string; intervalDays: number; lastDay: string; dueDay: string }[] {
  const daysByCategory = new Map<string, Set<string>>();
  for (const o of orders) {
    if (!BOUGHT.has(o.status)) continue;
    const day = localDate(o.placedAt, timeZone);
    for (const l of o.lines) {
      if (!l.categoryId) continue;
      const set = daysByCategory.get(l.categoryId) ?? new Set<string>();
      set.add(day);
      daysByCategory.set(l.categoryId, set);
    }
  }
  const out: { categoryId: string; intervalDays: number; lastDay: string; dueDay: string }[] = [];
  for (const [categoryId, set] of daysByCategory) {
    const days = [...set].sort();
    if (days.length < 3) continue;
    const gaps = days.slice(1).map((d, i) => daysBetween(days[i]!, d)).sort((a, b) => a - b);
    const mid = Math.floor(gaps.length / 2);
    const intervalDays = Math.max(1, Math.round(gaps.length % 2 ? gaps[mid]! : (gaps[mid - 1]! + gaps[mid]!) / 2));
    const lastDay = days.at(-1)!;
    const dueDay = new Date(Date.parse(`${lastDay}T00:00:00Z`) + intervalDays * 86_400_000).toISOString().slice(0, 10);
    if (lastDay <= today) out.push({ categoryId, intervalDays, lastDay, dueDay });
  }
  return out.sort((a, b) => a.categoryId.localeCompare(b.categoryId));
}

/** Journey steps not left for this long are reported as stuck. */
export const JOURNEY_STUCK_DAYS = 14;

/**
 * The attention list of one leader at `now` for the next `days` days: at-risk customers, overdue
 * replenishment, birthdays and festivals ahead, journey steps stuck, orders waiting for pickup.
 */
export function attentionItems(customers: CustomerFact[], orders: OrderFact[], now: Date, days: number): lc.AttentionItem[] {
  const today = localDate(now);
  const items: lc.AttentionItem[] = [];
  const ordersByUser = new Map<string, OrderFact[]>();
  for (const o of orders) ordersByUser.set(o.userId, [...(ordersByUser.get(o.userId) ?? []), o]);

  for (const c of customers) {
    const base = { userId: c.userId, nickname: c.nickname };
    if (c.stage === 'at_risk' || c.stage === 'lapsed' || (c.churnRisk ?? 0) >= 0.6) {
      items.push({ ...base, kind: 'at-risk', date: null, reason: `churn risk ${Math.round((c.churnRisk ?? 0) * 100)}%, stage ${c.stage ?? 'unknown'}`, details: { stage: c.stage, churnRisk: c.churnRisk } });
    }
    for (const r of replenishment(ordersByUser.get(c.userId) ?? [], today)) {
      if (r.dueDay <= today) {
        items.push({
          ...base,
          kind: 'replenishment-due',
          date: r.dueDay,
          reason: `buys ${r.categoryId} about every ${r.intervalDays} days; last on ${r.lastDay}`,
          details: { categoryId: r.categoryId, intervalDays: r.intervalDays, lastDay: r.lastDay, overdueDays: daysBetween(r.dueDay, today) },
        });
      }
    }
    if (c.birthday) {
      const next = nextBirthday(c.birthday, today);
      const inDays = daysBetween(today, next);
      if (inDays < days) items.push({ ...base, kind: 'birthday', date: next, reason: inDays === 0 ? 'birthday today' : `birthday in ${inDays} days`, details: { inDays } });
    }
    if (c.journeyStep && c.journeyStepSince && now.getTime() - c.journeyStepSince.getTime() >= JOURNEY_STUCK_DAYS * 86_400_000) {
      const since = Math.floor((now.getTime() - c.journeyStepSince.getTime()) / 86_400_000);
      items.push({ ...base, kind: 'journey-stuck', date: null, reason: `on journey step ${c.journeyStep} for ${since} days`, details: { journeyStep: c.journeyStep, days: since } });
    }
    for (const o of ordersByUser.get(c.userId) ?? []) {
      if (o.status === 'received') {
        items.push({
          ...base,
          kind: 'pickup-waiting',
          date: o.receivedAt ? localDate(o.receivedAt) : null,
          reason: 'order arrived at the pickup point and waits to be collected',
          details: { orderId: o.orderId },
        });
      }
    }
  }
  for (const f of festivalsBetween(today, days)) {
    items.push({ kind: 'festival', userId: null, nickname: null, date: f.date, reason: `${f.name} on ${f.date}`, details: { key: f.key, name: f.name } });
  }
  const order: Record<string, number> = { 'pickup-waiting': 0, birthday: 1, festival: 2, 'replenishment-due': 3, 'at-risk': 4, 'journey-stuck': 5 };
  return items.sort((a, b) => order[a.kind]! - order[b.kind]! || (a.date ?? '').localeCompare(b.date ?? '') || (a.userId ?? '').localeCompare(b.userId ?? ''));
}

/** Reminders the system proposes from the attention list (the leader accepts them by creating them). */
export function proposedReminders(items: lc.AttentionItem[], now: Date): { userId: string; kind: 'pickup-waiting' | 'replenishment-due' | 'birthday'; text: string; dueAt: string }[] {
  const out: { userId: string; kind: 'pickup-waiting' | 'replenishment-due' | 'birthday'; text: string; dueAt: string }[] = [];
  for (const item of items) {
    if (!item.userId) continue;
    const who = item.nickname ?? 'customer';
    if (item.kind === 'pickup-waiting') out.push({ userId: item.userId, kind: 'pickup-waiting', text: `Remind ${who} to collect their order`, dueAt: now.toISOString() });
    if (item.kind === 'replenishment-due') out.push({ userId: item.userId, kind: 'replenishment-due', text: `${who} may need ${String(item.details['categoryId'])} again`, dueAt: now.toISOString() });
    if (item.kind === 'birthday' && item.date) out.push({ userId: item.userId, kind: 'birthday', text: `${who}'s birthday on ${item.date}`, dueAt: new Date(`${item.date}T09:00:00+08:00`).toISOString() });
  }
  return out;
}

/** Categories counted as sugary for the healthy-eating note. */
export const SUGARY_CATEGORIES = ['snacks', 'sweets', 'desserts', 'beverages', 'drinks', 'bakery'];

/** Share of a household's spend on sugary categories over its bought orders. */
export function sugarShare(orders: OrderFact[]): number {
  let total = 0;
  let sugary = 0;
  for (const o of orders) {
    if (!BOUGHT.has(o.status)) continue;
    for (const l of o.lines) {
      total += l.amountCents;
      if (l.categoryId && SUGARY_CATEGORIES.includes(l.categoryId)) sugary += l.amountCents;
    }
  }
  return total > 0 ? sugary / total : 0;
}
