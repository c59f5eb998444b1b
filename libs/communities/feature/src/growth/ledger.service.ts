import { Injectable } from '@nestjs/common';
import { growth, type Actor } from '@linli/contracts';
import { PointsRepository, expiryKey, memberAccount, platformAccount, type JournalEntryInput, type ReservationRow } from '@linli/communities-data-access';
import { enqueueEvent } from '@linli/nest-kit';
import { GrowthErrors, assertOps, memberOf } from './growth.exception.js';
import { GrowthService, type Tx } from './growth.options.js';
import { expiryOf, refundShare } from './growth.rules.js';

type Reservation = growth.Reservation;

/**
 * The points ledger's operations: earning, reserve → commit | release, refunds of committed spends,
 * redemptions, ops adjustments, expiry and statements. Every movement is one balanced journal entry
 * with an idempotency key; a movement the balance does not cover fails with
 * `GROWTH.INSUFFICIENT_POINTS` and its transaction writes nothing.
 */
@Injectable()
export class LedgerService extends GrowthService {
  readonly points = new PointsRepository();

  /**
   * Posts an entry and publishes the member's new balance. Returns the entry id, or null for a
   * duplicate. Throws `GROWTH.INSUFFICIENT_POINTS` when the member's points do not cover it (the
   * caller's transaction then rolls back).
   */
  async post(tx: Tx, input: JournalEntryInput): Promise<{ entryId: string; balance: number; duplicate: boolean }> {
    const result = await this.points.post(tx, input);
    if (result.status === 'insufficient') {
      const needed = -input.lines.filter((l) => l.amount < 0 && l.account.startsWith('member:')).reduce((a, l) => a + l.amount, 0);
      throw GrowthErrors.insufficient(needed, result.balance.available);
    }
    if (result.status === 'duplicate') return { entryId: result.entryId, balance: result.balance.available, duplicate: true };
    if (result.delta !== 0 || result.heldDelta !== 0) {
      await enqueueEvent(tx, growth.pointsChanged, {
        userId: input.userId,
        entryId: result.entryId,
        kind: input.kind as growth.StatementEntry['kind'],
        delta: result.delta,
        heldDelta: result.heldDelta,
        balance: result.balance.available,
        held: result.balance.held,
        reference: input.reference ?? null,
        at: result.at.toISOString(),
      });
    }
    return { entryId: result.entryId, balance: result.balance.available, duplicate: false };
  }

  /** Credits earned points (platform `earned` → member), expiring by the rules. Nothing for 0 points. */
  async earn(tx: Tx, e: { userId: string; points: number; key: string; description: string; reference?: string; at?: Date }): Promise<string | null> {
    if (e.points <= 0) return null;
    const posted = await this.post(tx, {
      idempotencyKey: `earn:${e.key}`,
      kind: 'earn',
      userId: e.userId,
      description: e.description,
      reference: e.reference ?? null,
      rulesVersion: this.rules.version,
      expiresAt: expiryOf(this.rules, e.at ?? new Date()),
      lines: [
        { account: memberAccount(e.userId, 'available'), amount: e.points },
        { account: platformAccount('earned'), amount: -e.points },
      ],
    });
    return posted.duplicate ? null : posted.entryId;
  }

  // ---------------------------------------------------------------- statements

  async statement(actor: Actor, userId: string | undefined, limit: number): Promise<growth.Statement> {
    const member = memberOf(actor, userId);
    const db = this.tx.reader;
    const [balance, rows] = await Promise.all([this.points.balance(db, member), this.points.statement(db, member, limit)]);
    return {
      userId: member,
      balance: balance.available,
      held: balance.held,
      entries: rows.map((r) => ({
        entryId: r.entryId,
        kind: r.kind as growth.StatementEntry['kind'],
        delta: r.delta,
        heldDelta: r.heldDelta,
        description: r.description,
        expiresAt: r.expiresAt ? r.expiresAt.toISOString() : null,
        rulesVersion: r.rulesVersion,
        at: r.at.toISOString(),
      })),
    };
  }

  // ---------------------------------------------------------------- reserve → commit | release

  async reserve(actor: Actor, req: { userId?: string; points: number; reference: { kind: string; id: string }; idempotencyKey: string }): Promise<Reservation> {
    const userId = memberOf(actor, req.userId);
    return this.tx.run(async (tx) => {
      const { row, created } = await this.points.createReservation(tx, {
        idempotencyKey: `${userId}:${req.idempotencyKey}`,
        userId,
        points: req.points,
        referenceKind: req.reference.kind,
        referenceId: req.reference.id,
      });
      if (!created) {
        if (row.points !== req.points || row.referenceKind !== req.reference.kind || row.referenceId !== req.reference.id) throw GrowthErrors.keyReused(req.idempotencyKey);
        return this.view(tx, row);
      }
      await this.post(tx, {
        idempotencyKey: `reserve:${row.id}`,
        kind: 'reserve',
        userId,
        description: `Held for ${req.reference.kind} ${req.reference.id}`,
        reference: `${req.reference.kind}:${req.reference.id}`,
        lines: [
          { account: memberAccount(userId, 'available'), amount: -req.points },
          { account: memberAccount(userId, 'held'), amount: req.points },
        ],
      });
      return this.view(tx, row);
    });
  }

  async commit(actor: Actor, reservationId: string): Promise<Reservation> {
    return this.tx.run(async (tx) => this.view(tx, await this.settle(tx, await this.owned(tx, actor, reservationId), 'committed')));
  }

  async release(actor: Actor, reservationId: string): Promise<Reservation> {
    return this.tx.run(async (tx) => this.view(tx, await this.settle(tx, await this.owned(tx, actor, reservationId), 'released')));
  }

  private async owned(tx: Tx, actor: Actor, reservationId: string): Promise<ReservationRow> {
    const row = await this.points.reservation(tx, reservationId, true);
    if (!row) throw GrowthErrors.reservationNotFound(reservationId);
    memberOf(actor, row.userId);
    return row;
  }

  /** Commits or releases a held reservation; asking again for the state it is in is a no-op. */
  private async settle(tx: Tx, row: ReservationRow, to: 'committed' | 'released'): Promise<ReservationRow> {
    if (row.status === to) return row;
    if (row.status !== 'held') throw GrowthErrors.reservationSettled(row.id, row.status);
    const settled = (await this.points.settleReservation(tx, row.id, 'held', to))!;
    const reference = `${row.referenceKind}:${row.referenceId}`;
    await this.post(tx, {
      idempotencyKey: `${to === 'committed' ? 'commit' : 'release'}:${row.id}`,
      kind: to === 'committed' ? 'commit' : 'release',
      userId: row.userId,
      description: to === 'committed' ? `Spent on ${row.referenceKind} ${row.referenceId}` : `Released from ${row.referenceKind} ${row.referenceId}`,
      reference,
      lines:
        to === 'committed'
          ? [
              { account: memberAccount(row.userId, 'held'), amount: -row.points },
              { account: platformAccount('spent'), amount: row.points },
            ]
          : [
              { account: memberAccount(row.userId, 'held'), amount: -row.points },
              { account: memberAccount(row.userId, 'available'), amount: row.points },
            ],
    });
    return settled;
  }

  /** Follows a reference's lifecycle (from orders' events): paid → commit; cancelled or expired → release, or refund what was committed. */
  async followReference(tx: Tx, kind: string, id: string, outcome: 'paid' | 'cancelled'): Promise<void> {
    for (const row of await this.points.reservationsOf(tx, kind, id)) {
      if (outcome === 'paid') {
        if (row.status === 'held') await this.settle(tx, row, 'committed');
      } else if (row.status === 'held') {
        await this.settle(tx, row, 'released');
      } else if (row.status === 'committed') {
        await this.post(tx, {
          idempotencyKey: `refund:${row.id}`,
          kind: 'refund',
          userId: row.userId,
          description: `Returned: ${kind} ${id} was cancelled`,
          reference: `${kind}:${id}`,
          lines: [
            { account: platformAccount('spent'), amount: -row.points },
            { account: memberAccount(row.userId, 'available'), amount: row.points },
          ],
        });
      }
    }
  }

  /**
   * A refund of a collected (or paid) order: the member's purchase points of the order are taken back
   * in the money share refunded, and the points spent on it are given back in the same share. Keyed by
   * the refund, so a refund moves points once. A clawback never overdraws: what the available balance
   * no longer holds (spent meanwhile) is written off against the platform's `adjusted` account, in an
   * entry of its own, so the journal shows what was forgiven.
   */
  async followRefund(tx: Tx, r: { userId: string; orderId: string; refundId: string; baseCents: number; beforeCents: number; afterCents: number }): Promise<void> {
    const earned = (await this.points.availableDeltaOf(tx, `earn:order:${r.orderId}`)) ?? 0;
    const back = refundShare(earned, r.baseCents, r.beforeCents, r.afterCents);
    const reference = `order:${r.orderId}`;
    if (back > 0) {
      const balance = await this.points.lockBalance(tx, r.userId);
      const taken = Math.min(back, balance.available);
      if (taken > 0) {
        await this.post(tx, {
          idempotencyKey: `clawback:${r.refundId}`,
          kind: 'clawback',
          userId: r.userId,
          description: `Taken back: order ${r.orderId} was refunded`,
          reference,
          lines: [
            { account: memberAccount(r.userId, 'available'), amount: -taken },
            { account: platformAccount('earned'), amount: taken },
          ],
        });
      }
      if (back > taken) {
        await this.post(tx, {
          idempotencyKey: `clawback-forgiven:${r.refundId}`,
          kind: 'clawback',
          userId: r.userId,
          description: `Written off: ${back - taken} points of refunded order ${r.orderId} were already used`,
          reference,
          lines: [
            { account: platformAccount('earned'), amount: back - taken },
            { account: platformAccount('adjusted'), amount: -(back - taken) },
          ],
        });
      }
    }
    for (const row of await this.points.reservationsOf(tx, 'order', r.orderId)) {
      if (row.status !== 'committed') continue;
      const returned = refundShare(row.points, r.baseCents, r.beforeCents, r.afterCents);
      if (returned === 0) continue;
      await this.post(tx, {
        idempotencyKey: `refund:${row.id}:${r.refundId}`,
        kind: 'refund',
        userId: row.userId,
        description: `Returned: order ${r.orderId} was refunded`,
        reference,
        lines: [
          { account: platformAccount('spent'), amount: -returned },
          { account: memberAccount(row.userId, 'available'), amount: returned },
        ],
      });
    }
  }

  /**
   * Releases holds for orders that never appeared: an order's hold is committed when it is paid and
   * released when it is cancelled or expires (both within its payment window, at most until its
   * campaign's cut-off), so one still held after `olderThanHours` belongs to a placement that failed
   * after the hold was taken and could not give it back.
   */
  async releaseOrphanedHolds(now: Date, olderThanHours: number, batch = 200): Promise<number> {
    const ids = await this.points.staleHeld(this.tx.reader, 'order', new Date(now.getTime() - olderThanHours * 3_600_000), batch);
    let released = 0;
    for (const id of ids) {
      await this.tx.run(async (tx) => {
        const row = await this.points.reservation(tx, id, true);
        if (row?.status !== 'held') return;
        await this.settle(tx, row, 'released');
        released++;
      });
    }
    return released;
  }

  /**
   * An account merge: the merged-away member's available points move to the survivor by two entries
   * through the platform's `merged` account (one per member, as every entry concerns one member), keyed
   * by the merge. Points held for pending spends stay with their reservations.
   */
  async moveForMerge(tx: Tx, m: { mergeId: string; sourceUserId: string; targetUserId: string }): Promise<number> {
    // Both balance rows, in one order.
    for (const userId of [m.sourceUserId, m.targetUserId].sort()) await this.points.lockBalance(tx, userId);
    const { available } = await this.points.balance(tx, m.sourceUserId);
    if (available <= 0) return 0;
    const reference = `merge:${m.mergeId}`;
    const out = await this.post(tx, {
      idempotencyKey: `merge-out:${m.mergeId}`,
      kind: 'merge',
      userId: m.sourceUserId,
      description: `Moved to the account this one was merged into`,
      reference,
      lines: [
        { account: memberAccount(m.sourceUserId, 'available'), amount: -available },
        { account: platformAccount('merged'), amount: available },
      ],
    });
    if (out.duplicate) return 0;
    await this.post(tx, {
      idempotencyKey: `merge-in:${m.mergeId}`,
      kind: 'merge',
      userId: m.targetUserId,
      description: `Moved from an account merged into this one`,
      reference,
      lines: [
        { account: platformAccount('merged'), amount: -available },
        { account: memberAccount(m.targetUserId, 'available'), amount: available },
      ],
    });
    return available;
  }

  private async view(tx: Tx, row: ReservationRow): Promise<Reservation> {
    const balance = await this.points.balance(tx, row.userId);
    return {
      reservationId: row.id,
      userId: row.userId,
      points: row.points,
      reference: { kind: row.referenceKind, id: row.referenceId },
      status: row.status,
      balance: balance.available,
      createdAt: row.createdAt.toISOString(),
      settledAt: row.settledAt ? row.settledAt.toISOString() : null,
    };
  }

  // ---------------------------------------------------------------- rewards

  rewards(): { rewards: { rewardId: string; title: string; cost: number; perMemberLimit: number | null }[] } {
    return { rewards: this.rules.rewards.map((r) => ({ ...r })) };
  }

  async redeem(actor: Actor, rewardId: string, idempotencyKey: string) {
    const userId = actor.userId;
    const reward = this.rules.rewards.find((r) => r.rewardId === rewardId);
    if (!reward) throw GrowthErrors.rewardNotFound(rewardId);
    return this.tx.run(async (tx) => {
      const balance = await this.points.lockBalance(tx, userId);
      const previous = await this.points.redemptionByKey(tx, userId, idempotencyKey);
      if (previous) {
        if (previous.rewardId !== rewardId) throw GrowthErrors.keyReused(idempotencyKey);
        return { redemptionId: previous.id, rewardId, cost: previous.cost, balance: balance.available, redeemedAt: previous.redeemedAt.toISOString() };
      }
      if (reward.perMemberLimit !== null && (await this.points.redemptionCount(tx, userId, rewardId)) >= reward.perMemberLimit) {
        throw GrowthErrors.rewardAlreadyRedeemed(rewardId, reward.perMemberLimit);
      }
      const posted = await this.post(tx, {
        idempotencyKey: `redeem:${userId}:${idempotencyKey}`,
        kind: 'redeem',
        userId,
        description: `Redeemed ${reward.title}`,
        reference: `reward:${rewardId}`,
        lines: [
          { account: memberAccount(userId, 'available'), amount: -reward.cost },
          { account: platformAccount('spent'), amount: reward.cost },
        ],
      });
      const redemption = await this.points.insertRedemption(tx, { userId, rewardId, cost: reward.cost, entryId: posted.entryId, idempotencyKey });
      return { redemptionId: redemption.id, rewardId, cost: reward.cost, balance: posted.balance, redeemedAt: redemption.redeemedAt.toISOString() };
    });
  }

  /** Ops: a manual correction, positive or negative, against the platform's `adjusted` account. */
  async adjust(actor: Actor, req: { userId: string; delta: number; reason: string; idempotencyKey: string }): Promise<{ entryId: string; balance: number }> {
    assertOps(actor);
    return this.tx.run(async (tx) => {
      const posted = await this.post(tx, {
        idempotencyKey: `adjust:${req.idempotencyKey}`,
        kind: 'adjust',
        userId: req.userId,
        description: `Adjusted by ops: ${req.reason}`,
        reference: `ops:${actor.userId}`,
        rulesVersion: this.rules.version,
        lines: [
          { account: memberAccount(req.userId, 'available'), amount: req.delta },
          { account: platformAccount('adjusted'), amount: -req.delta },
        ],
      });
      return { entryId: posted.entryId, balance: posted.balance };
    });
  }

  // ---------------------------------------------------------------- expiry

  /** Expires what is due (earliest-expiring points first); one entry per member and due date, also when nothing is left to expire. */
  async expireDue(now = new Date(), batch = 200): Promise<number> {
    const due = await this.points.dueForExpiry(this.tx.reader, now, batch);
    let expired = 0;
    for (const { userId, expiresAt } of due) {
      await this.tx.run(async (tx) => {
        const amount = await this.points.expirable(tx, userId, expiresAt);
        const lines = amount > 0 ? [
          { account: memberAccount(userId, 'available'), amount: -amount },
          { account: platformAccount('expired'), amount },
        ] : [];
        const posted = await this.post(tx, {
          idempotencyKey: expiryKey(userId, expiresAt),
          kind: 'expire',
          userId,
          description: amount > 0 ? `${amount} points expired (earned points expire at the end of the next calendar year)` : 'Expiry checked: nothing to expire',
          reference: null,
          rulesVersion: this.rules.version,
          lines,
        });
        if (!posted.duplicate) expired += amount;
      });
    }
    return expired;
  }
}
