import { randomUUID } from 'node:crypto';
import type { SqlExecutor } from '@linli/nest-kit';

export interface ReferralRow {
  inviteeUserId: string;
  inviterUserId: string;
  code: string;
  via: string;
  attributedAt: Date;
  convertedAt: Date | null;
}

const REFERRAL_COLUMNS = `invitee_user_id::text AS "inviteeUserId", inviter_user_id::text AS "inviterUserId", code, via, attributed_at AS "attributedAt", converted_at AS "convertedAt"`;

/** Invite codes, shares, attributions and their refusals; proposals growth knows of, their backing and tier-weighted votes. */
export class GrowthReferralsRepository {
  async codeOf(tx: SqlExecutor, userId: string): Promise<string | null> {
    const rows = await tx.$queryRawUnsafe<{ code: string }[]>('SELECT code FROM growth_invite_codes WHERE user_id = $1::uuid', userId);
    return rows[0]?.code ?? null;
  }

  /** Gives the member this code unless they have one (or the code is taken); returns their code, or null when `code` was taken by someone else. */
  async claimCode(tx: SqlExecutor, userId: string, code: string): Promise<string | null> {
    await tx.$executeRawUnsafe('INSERT INTO growth_invite_codes (code, user_id) VALUES ($1, $2::uuid) ON CONFLICT DO NOTHING', code, userId);
    return this.codeOf(tx, userId);
  }

  async ownerOf(tx: SqlExecutor, code: string): Promise<string | null> {
    const rows = await tx.$queryRawUnsafe<{ user_id: string }[]>('SELECT user_id::text FROM growth_invite_codes WHERE code = $1', code);
    return rows[0]?.user_id ?? null;
  }

  async recordShare(tx: SqlExecutor, userId: string, channel: string): Promise<Date> {
    const rows = await tx.$queryRawUnsafe<{ shared_at: Date }[]>(
      'INSERT INTO growth_invite_shares (id, user_id, channel) VALUES ($1::uuid, $2::uuid, $3) RETURNING shared_at',
      randomUUID(),
      userId,
      channel,
    );
    return rows[0]!.shared_at;
  }

  async counts(tx: SqlExecutor, inviterUserId: string): Promise<{ shares: number; signedUp: number; converted: number }> {
    const rows = await tx.$queryRawUnsafe<{ shares: number; signed_up: number; converted: number }[]>(
      `SELECT (SELECT count(*)::int FROM growth_invite_shares WHERE user_id = $1::uuid) AS shares,
              (SELECT count(*)::int FROM growth_referrals WHERE inviter_user_id = $1::uuid) AS signed_up,
              (SELECT count(*)::int FROM growth_referrals WHERE inviter_user_id = $1::uuid AND converted_at IS NOT NULL) AS converted`,
      inviterUserId,
    );
    const r = rows[0]!;
    return { shares: r.shares, signedUp: r.signed_up, converted: r.converted };
  }

  async referralOf(tx: SqlExecutor, inviteeUserId: string, forUpdate = false): Promise<ReferralRow | null> {
    const rows = await tx.$queryRawUnsafe<ReferralRow[]>(`SELECT ${REFERRAL_COLUMNS} FROM growth_referrals WHERE invitee_user_id = $1::uuid${forUpdate ? ' FOR UPDATE' : ''}`, inviteeUserId);
    return rows[0] ?? null;
  }

  /** Records an attribution; false when the invitee was attributed already (the primary key decides a race). */
  async attribute(tx: SqlExecutor, r: { inviteeUserId: string; inviterUserId: string; code: string; via: 'sign-up' | 'claim' }): Promise<Date | null> {
    const rows = await tx.$queryRawUnsafe<{ attributed_at: Date }[]>(
      `INSERT INTO growth_referrals (invitee_user_id, inviter_user_id, code, via) VALUES ($1::uuid, $2::uuid, $3, $4) ON CONFLICT DO NOTHING RETURNING attributed_at`,
      r.inviteeUserId,
      r.inviterUserId,
      r.code,
      r.via,
    );
    return rows[0]?.attributed_at ?? null;
  }

  async recordRefusal(tx: SqlExecutor, inviteeUserId: string, code: string, reason: string): Promise<void> {
    await tx.$executeRawUnsafe(
      'INSERT INTO growth_referral_refusals (id, invitee_user_id, code, reason) VALUES ($1::uuid, $2::uuid, $3, $4)',
      randomUUID(),
      inviteeUserId,
      code,
      reason,
    );
  }

  async refusals(tx: SqlExecutor, inviteeUserId: string): Promise<{ code: string; reason: string }[]> {
    return tx.$queryRawUnsafe('SELECT code, reason FROM growth_referral_refusals WHERE invitee_user_id = $1::uuid ORDER BY refused_at', inviteeUserId);
  }

  /** The chain of inviters above a member (their inviter, that one's inviter, …), at most `depth` long. */
  async inviterChain(tx: SqlExecutor, userId: string, depth: number): Promise<string[]> {
    const rows = await tx.$queryRawUnsafe<{ inviter: string }[]>(
      `WITH RECURSIVE chain(inviter, depth) AS (
         SELECT inviter_user_id, 1 FROM growth_referrals WHERE invitee_user_id = $1::uuid
         UNION ALL
         SELECT r.inviter_user_id, c.depth + 1 FROM growth_referrals r JOIN chain c ON r.invitee_user_id = c.inviter WHERE c.depth < $2)
       SELECT inviter::text FROM chain ORDER BY depth`,
      userId,
      depth,
    );
    return rows.map((r) => r.inviter);
  }

  /** Marks the referral converted by this order; null when it was converted before. */
  async convert(tx: SqlExecutor, inviteeUserId: string, orderId: string): Promise<ReferralRow | null> {
    const rows = await tx.$queryRawUnsafe<ReferralRow[]>(
      `UPDATE growth_referrals SET converted_at = now(), conversion_order_id = $2::uuid WHERE invitee_user_id = $1::uuid AND converted_at IS NULL RETURNING ${REFERRAL_COLUMNS}`,
      inviteeUserId,
      orderId,
    );
    return rows[0] ?? null;
  }

  // ---------------------------------------------------------------- governance

  async rememberProposal(tx: SqlExecutor, p: { proposalId: string; communityId: string | null; proposerUserId: string; createdAt: Date }): Promise<void> {
    await tx.$executeRawUnsafe(
      'INSERT INTO growth_proposals (proposal_id, community_id, proposer_user_id, created_at) VALUES ($1::uuid, $2::uuid, $3::uuid, $4) ON CONFLICT DO NOTHING',
      p.proposalId,
      p.communityId,
      p.proposerUserId,
      p.createdAt,
    );
  }

  async proposalExists(tx: SqlExecutor, proposalId: string): Promise<boolean> {
    const rows = await tx.$queryRawUnsafe<unknown[]>('SELECT 1 FROM growth_proposals WHERE proposal_id = $1::uuid', proposalId);
    return rows.length > 0;
  }

  async backingByKey(tx: SqlExecutor, userId: string, idempotencyKey: string): Promise<{ proposalId: string; points: number } | null> {
    const rows = await tx.$queryRawUnsafe<{ proposalId: string; points: number }[]>(
      'SELECT proposal_id::text AS "proposalId", points FROM growth_proposal_backings WHERE user_id = $1::uuid AND idempotency_key = $2',
      userId,
      idempotencyKey,
    );
    return rows[0] ?? null;
  }

  async insertBacking(tx: SqlExecutor, b: { proposalId: string; userId: string; points: number; tier: string; entryId: string; idempotencyKey: string }): Promise<Date> {
    const rows = await tx.$queryRawUnsafe<{ backed_at: Date }[]>(
      `INSERT INTO growth_proposal_backings (id, proposal_id, user_id, points, tier, entry_id, idempotency_key)
       VALUES ($1::uuid, $2::uuid, $3::uuid, $4, $5, $6::uuid, $7) RETURNING backed_at`,
      randomUUID(),
      b.proposalId,
      b.userId,
      b.points,
      b.tier,
      b.entryId,
      b.idempotencyKey,
    );
    return rows[0]!.backed_at;
  }

  async backers(tx: SqlExecutor, proposalId: string): Promise<{ userId: string; points: number; tier: string; backedAt: Date }[]> {
    return tx.$queryRawUnsafe(
      `SELECT user_id::text AS "userId", points, tier, backed_at AS "backedAt" FROM growth_proposal_backings WHERE proposal_id = $1::uuid ORDER BY backed_at, id`,
      proposalId,
    );
  }

  /** Records a vote with the voter's tier and tier weight at the time; false for a vote seen before. */
  async recordVote(tx: SqlExecutor, v: { proposalId: string; userId: string; tier: string; weight: number; votedAt: Date }): Promise<boolean> {
    const n = await tx.$executeRawUnsafe(
      'INSERT INTO growth_votes (proposal_id, user_id, tier, weight, voted_at) VALUES ($1::uuid, $2::uuid, $3, $4, $5) ON CONFLICT DO NOTHING',
      v.proposalId,
      v.userId,
      v.tier,
      v.weight,
      v.votedAt,
    );
    return n === 1;
  }

  async voteTally(tx: SqlExecutor, proposalId: string): Promise<{ tier: string; votes: number; weight: number }[]> {
    return tx.$queryRawUnsafe('SELECT tier, count(*)::int AS votes, sum(weight)::int AS weight FROM growth_votes WHERE proposal_id = $1::uuid GROUP BY tier', proposalId);
  }
}
