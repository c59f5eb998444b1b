import { randomUUID } from 'node:crypto';
import { growth, type Actor } from '@linli/contracts';
import { PointsRepository, memberAccount } from '@linli/communities-data-access';
import { anActor, codeOf } from '@linli/testing';
import { GrowthTransactions } from './growth.options.js';
import { LedgerService } from './ledger.service.js';
import { startGrowth, type Harness } from './growth.test-harness.js';

let h: Harness;
let ledger: LedgerService;
let txs: GrowthTransactions;
const repo = new PointsRepository();
const ops: Actor = anActor(['ops']);

beforeAll(async () => {
  // 50 spends at once need connections to queue on the balance row, not on the pool.
  h = await startGrowth({ poolSize: 20 });
  ledger = h.app.get(LedgerService);
  txs = h.app.get(GrowthTransactions);
});

afterAll(async () => {
  await h?.close();
});

const credit = (userId: string, points: number, key = randomUUID()) => h.rpc.request(growth.adjustPoints, { actor: ops, userId, delta: points, reason: 'test credit', idempotencyKey: `credit-${key}` });
const statement = (actor: Actor) => h.rpc.request(growth.getStatement, { actor, limit: 200 });
const journalSize = async () => ({ entries: await h.db.pointsEntry.count(), lines: await h.db.pointsLine.count(), reservations: await h.db.pointsReservation.count(), redemptions: await h.db.pointsRedemption.count() });

/** The journal's invariants: every entry balances, every account together sums to zero, materialised balances equal their lines, none negative. */
async function expectLedgerSound(): Promise<void> {
  expect(await repo.unbalancedEntries(h.db)).toEqual([]);
  const totals = await repo.accountTotals(h.db);
  expect(totals.reduce((a, t) => a + t.total, 0)).toBe(0);
  expect(await repo.balanceMismatches(h.db)).toEqual([]);
  expect(await h.db.pointsBalance.count({ where: { OR: [{ available: { lt: 0 } }, { held: { lt: 0 } }] } })).toBe(0);
}

describe('spending', () => {
  it('50 parallel spends of a balance covering 10: exactly 10 succeed, the balance is 0, never negative', async () => {
    const member = anActor();
    await credit(member.userId, 10);
    const results = await Promise.allSettled(
      Array.from({ length: 50 }, (_, i) => h.rpc.request(growth.reservePoints, { actor: member, points: 1, reference: { kind: 'order', id: `order-${i}` }, idempotencyKey: `spend-${i}-${member.userId.slice(0, 8)}` })),
    );
    const ok = results.filter((r) => r.status === 'fulfilled');
    const refused = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    expect(ok).toHaveLength(10);
    expect(refused).toHaveLength(40);
    expect(new Set(refused.map((r) => (r.reason as { code: string }).code))).toEqual(new Set(['GROWTH.INSUFFICIENT_POINTS']));
    // the refused ones left nothing behind: only the 10 reservations exist
    expect(await h.db.pointsReservation.count({ where: { userId: member.userId } })).toBe(10);
    for (const r of ok) await h.rpc.request(growth.commitPoints, { actor: member, reservationId: (r as PromiseFulfilledResult<growth.Reservation>).value.reservationId });
    const s = await statement(member);
    expect({ balance: s.balance, held: s.held }).toEqual({ balance: 0, held: 0 });
    expect(s.entries.filter((e) => e.kind === 'commit')).toHaveLength(10);
    await expectLedgerSound();
  });

  it('a spend above the balance is 409 GROWTH.INSUFFICIENT_POINTS and writes nothing', async () => {
    const member = anActor();
    await credit(member.userId, 30);
    const before = await journalSize();
    const eventsBefore = await h.db.outboxEvent.count();
    expect(await codeOf(h.rpc.request(growth.reservePoints, { actor: member, points: 31, reference: { kind: 'order', id: randomUUID() }, idempotencyKey: 'too-much-1' }))).toBe('GROWTH.INSUFFICIENT_POINTS');
    expect(await codeOf(h.rpc.request(growth.redeemReward, { actor: member, rewardId: 'coupon-5-yuan', idempotencyKey: 'too-much-2' }))).toBe('GROWTH.INSUFFICIENT_POINTS');
    expect(await codeOf(h.rpc.request(growth.adjustPoints, { actor: ops, userId: member.userId, delta: -31, reason: 'too much', idempotencyKey: 'too-much-3' }))).toBe('GROWTH.INSUFFICIENT_POINTS');
    expect(await journalSize()).toEqual(before);
    expect(await h.db.outboxEvent.count()).toBe(eventsBefore);
    expect((await statement(member)).balance).toBe(30);
  });

  it('reserve is idempotent by key, commit and release settle once, a settled reservation refuses the other', async () => {
    const member = anActor();
    await credit(member.userId, 100);
    const req = { actor: member, points: 40, reference: { kind: 'booking' as const, id: 'booking-1' }, idempotencyKey: 'reserve-key-1' };
    const a = await h.rpc.request(growth.reservePoints, req);
    const b = await h.rpc.request(growth.reservePoints, req);
    expect(b.reservationId).toBe(a.reservationId);
    expect(await codeOf(h.rpc.request(growth.reservePoints, { ...req, points: 41 }))).toBe('GROWTH.IDEMPOTENCY_KEY_REUSED');
    expect((await statement(member)).held).toBe(40);
    const released = await h.rpc.request(growth.releasePoints, { actor: member, reservationId: a.reservationId });
    expect(released).toMatchObject({ status: 'released', balance: 100 });
    expect((await h.rpc.request(growth.releasePoints, { actor: member, reservationId: a.reservationId })).status).toBe('released');
    expect(await codeOf(h.rpc.request(growth.commitPoints, { actor: member, reservationId: a.reservationId }))).toBe('GROWTH.RESERVATION_SETTLED');
    expect(await codeOf(h.rpc.request(growth.commitPoints, { actor: anActor(), reservationId: a.reservationId }))).toBe('AUTH.FORBIDDEN');
    expect(await codeOf(h.rpc.request(growth.commitPoints, { actor: member, reservationId: randomUUID() }))).toBe('GROWTH.RESERVATION_NOT_FOUND');
    expect(await codeOf(h.rpc.request(growth.reservePoints, { ...req, actor: anActor(), userId: member.userId }))).toBe('AUTH.FORBIDDEN');
  });

  it('a reward with a per-member limit is redeemed once; the same key returns the same redemption', async () => {
    const member = anActor();
    await credit(member.userId, 200);
    const first = await h.rpc.request(growth.redeemReward, { actor: member, rewardId: 'welcome-gift', idempotencyKey: 'welcome-1' });
    expect(await h.rpc.request(growth.redeemReward, { actor: member, rewardId: 'welcome-gift', idempotencyKey: 'welcome-1' })).toEqual(first);
    expect(await codeOf(h.rpc.request(growth.redeemReward, { actor: member, rewardId: 'welcome-gift', idempotencyKey: 'welcome-2' }))).toBe('GROWTH.REWARD_ALREADY_REDEEMED');
    expect(await codeOf(h.rpc.request(growth.redeemReward, { actor: member, rewardId: 'no-such-reward', idempotencyKey: 'welcome-3' }))).toBe('GROWTH.REWARD_NOT_FOUND');
    expect((await statement(member)).balance).toBe(150);
  });

  it('the database itself refuses a negative balance, an unbalanced entry and any change to the journal', async () => {
    const member = anActor();
    await credit(member.userId, 5);
    await expect(h.db.$executeRawUnsafe('UPDATE points_balances SET available = available - 6 WHERE user_id = $1::uuid', member.userId)).rejects.toThrow(/points_balances_available_nonnegative/);
    await expect(
      h.db.$transaction(async (tx) => {
        const id = randomUUID();
        await tx.$executeRawUnsafe(`INSERT INTO points_entries (id, idempotency_key, kind, user_id, description) VALUES ($1::uuid, $2, 'adjust', $3::uuid, 'bad')`, id, `bad-${id}`, member.userId);
        await tx.$executeRawUnsafe(`INSERT INTO points_lines (entry_id, account, user_id, amount) VALUES ($1::uuid, $2, $3::uuid, 7)`, id, memberAccount(member.userId, 'available'), member.userId);
      }),
    ).rejects.toThrow(/does not balance/);
    await expect(h.db.$executeRawUnsafe('UPDATE points_lines SET amount = amount + 1 WHERE user_id = $1::uuid', member.userId)).rejects.toThrow(/append-only/);
    await expect(h.db.$executeRawUnsafe('DELETE FROM points_entries WHERE user_id = $1::uuid', member.userId)).rejects.toThrow(/append-only/);
    await expectLedgerSound();
  });
});

/** Deterministic pseudo-random numbers (mulberry32), so a failing run can be replayed from its seed. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

describe('ledger invariants under a randomized run (earn, spend, redeem, cancel, expire)', () => {
  const seed = Number(process.env.GROWTH_PROPERTY_SEED ?? Date.now() % 1_000_000);

  it(`stays balanced, never negative and idempotent (seed ${seed})`, async () => {
    const random = rng(seed);
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)]!;
    const members = Array.from({ length: 4 }, () => anActor());
    const model = new Map(members.map((m) => [m.userId, { available: 0, held: 0 }]));
    const earnKeys: { userId: string; key: string; points: number }[] = [];
    const open: { actor: Actor; reservationId: string; points: number; orderId: string; status: 'held' | 'committed' | 'released' | 'refunded' }[] = [];
    let expiredAll = false;

    for (let step = 0; step < 160; step++) {
      const member = pick(members);
      const m = model.get(member.userId)!;
      const roll = random();
      if (roll < 0.3) {
        // earn (a fresh source, or a redelivery of an earlier one: must change nothing)
        const again = earnKeys.length > 0 && random() < 0.3;
        const e = again ? pick(earnKeys) : { userId: member.userId, key: randomUUID(), points: 1 + Math.floor(random() * 80) };
        const posted = await txs.run((tx) => ledger.earn(tx, { userId: e.userId, points: e.points, key: e.key, description: 'random earn' }));
        if (again) expect(posted).toBeNull();
        else {
          earnKeys.push(e);
          model.get(e.userId)!.available += e.points;
        }
      } else if (roll < 0.55) {
        const points = 1 + Math.floor(random() * 60);
        const orderId = randomUUID();
        const attempt = h.rpc.request(growth.reservePoints, { actor: member, points, reference: { kind: 'order', id: orderId }, idempotencyKey: `r-${orderId}` });
        if (points > m.available) expect(await codeOf(attempt)).toBe('GROWTH.INSUFFICIENT_POINTS');
        else {
          const r = await attempt;
          m.available -= points;
          m.held += points;
          open.push({ actor: member, reservationId: r.reservationId, points, orderId, status: 'held' });
        }
      } else if (roll < 0.8 && open.length > 0) {
        // the order's lifecycle: paid (commit), cancelled (release, or refund after commit), or an explicit release
        const r = pick(open);
        const rm = model.get(r.actor.userId)!;
        const what = pick(['paid', 'cancelled', 'release'] as const);
        if (what === 'release') {
          const attempt = h.rpc.request(growth.releasePoints, { actor: r.actor, reservationId: r.reservationId });
          if (r.status === 'held' || r.status === 'released') {
            await attempt;
            if (r.status === 'held') {
              rm.held -= r.points;
              rm.available += r.points;
              r.status = 'released';
            }
          } else expect(await codeOf(attempt)).toBe('GROWTH.RESERVATION_SETTLED');
        } else {
          await txs.run((tx) => ledger.followReference(tx, 'order', r.orderId, what));
          if (what === 'paid' && r.status === 'held') {
            rm.held -= r.points;
            r.status = 'committed';
          } else if (what === 'cancelled' && r.status === 'held') {
            rm.held -= r.points;
            rm.available += r.points;
            r.status = 'released';
          } else if (what === 'cancelled' && r.status === 'committed') {
            rm.available += r.points;
            r.status = 'refunded';
          }
        }
      } else if (roll < 0.92) {
        const attempt = h.rpc.request(growth.redeemReward, { actor: member, rewardId: 'free-delivery', idempotencyKey: `x-${randomUUID()}` });
        if (m.available < 200) expect(await codeOf(attempt)).toBe('GROWTH.INSUFFICIENT_POINTS');
        else {
          await attempt;
          m.available -= 200;
        }
      } else if (!expiredAll && step > 80) {
        // three years on, every point earned so far has expired (held points are spoken for and stay)
        const future = new Date(Date.now() + 3 * 366 * 86_400_000);
        await ledger.expireDue(future);
        expect(await ledger.expireDue(future)).toBe(0); // idempotent
        for (const mm of model.values()) mm.available = 0;
        expiredAll = true;
      }
      for (const [userId, mm] of model) {
        expect(mm.available).toBeGreaterThanOrEqual(0);
        expect(mm.held).toBeGreaterThanOrEqual(0);
        if (step % 20 === 0) expect(await repo.balance(h.db, userId)).toEqual(mm);
      }
    }
    for (const [userId, mm] of model) expect([userId, await repo.balance(h.db, userId)]).toEqual([userId, mm]);
    await expectLedgerSound();
  });
});
