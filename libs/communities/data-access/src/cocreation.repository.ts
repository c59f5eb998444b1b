import { randomUUID } from 'node:crypto';
import type { Executor } from './executor.js';

export interface ProposalRow {
  id: string;
  communityId: string | null;
  proposerUserId: string;
  kind: string;
  title: string;
  description: string;
  productId: string | null;
  status: string;
  votes: number;
  feedbackRound: number;
  skuIds: string[];
  campaignId: string | null;
  launchedAt: Date | null;
  createdAt: Date;
}

export interface FeedbackSummary {
  round: number;
  responses: number;
  meanTaste: number | null;
  medianPriceCents: number | null;
  packSizes: Record<string, number>;
}

/** Co-creation: proposals, votes, structured feedback, and the purchases counted for launch conversion. */
export class CocreationRepository {
  async create(tx: Executor, p: Pick<ProposalRow, 'communityId' | 'proposerUserId' | 'kind' | 'title' | 'description' | 'productId'>): Promise<ProposalRow> {
    return tx.proposal.create({ data: { id: randomUUID(), ...p } });
  }

  async get(tx: Executor, id: string): Promise<ProposalRow | null> {
    return tx.proposal.findUnique({ where: { id } });
  }

  async list(tx: Executor, f: { communityId?: string; status?: string; limit: number }): Promise<ProposalRow[]> {
    return tx.proposal.findMany({
      where: { ...(f.communityId ? { communityId: f.communityId } : {}), ...(f.status ? { status: f.status } : {}) },
      orderBy: [{ votes: 'desc' }, { createdAt: 'desc' }],
      take: f.limit,
    });
  }

  /** One vote per resident (primary key); counts it on the proposal while it is open. False: already voted. */
  async vote(tx: Executor, proposalId: string, userId: string): Promise<Date | null> {
    const rows = await tx.$queryRawUnsafe<{ votedAt: Date }[]>(
      'INSERT INTO proposal_votes (proposal_id, user_id) VALUES ($1::uuid, $2::uuid) ON CONFLICT DO NOTHING RETURNING voted_at AS "votedAt"',
      proposalId,
      userId,
    );
    if (rows.length === 0) return null;
    await tx.$executeRawUnsafe('UPDATE proposals SET votes = votes + 1 WHERE id = $1::uuid', proposalId);
    return rows[0]!.votedAt;
  }

  async hasVoted(tx: Executor, proposalId: string, userId: string): Promise<boolean> {
    return (await tx.proposalVote.count({ where: { proposalId, userId } })) > 0;
  }

  /** Structured feedback in the proposal's open round, once per resident and round; false when already given. */
  async feedback(tx: Executor, f: { proposalId: string; userId: string; taste: number; priceCents: number; packSize: string; comment: string | null }): Promise<boolean> {
    const n = await tx.$executeRawUnsafe(
      `INSERT INTO proposal_feedback (proposal_id, user_id, round, taste, price_cents, pack_size, comment)
       SELECT $1::uuid, $2::uuid, p.feedback_round, $3, $4, $5, $6 FROM proposals p WHERE p.id = $1::uuid
       ON CONFLICT DO NOTHING`,
      f.proposalId,
      f.userId,
      f.taste,
      f.priceCents,
      f.packSize,
      f.comment,
    );
    return n > 0;
  }

  /** Opens the next feedback round of an open proposal; null when it is not open. */
  async nextRound(tx: Executor, id: string): Promise<ProposalRow | null> {
    const n = await tx.$executeRawUnsafe(`UPDATE proposals SET feedback_round = feedback_round + 1 WHERE id = $1::uuid AND status = 'open'`, id);
    return n > 0 ? this.get(tx, id) : null;
  }

  /** The summary of every round from 1 to `upTo` (rounds without answers included), the first first. */
  async feedbackRounds(tx: Executor, proposalId: string, upTo: number): Promise<FeedbackSummary[]> {
    const rows = await tx.$queryRawUnsafe<{ round: number; n: number; taste: number | null; price: number | null; packs: Record<string, number> | null }[]>(
      `SELECT r.round, count(f.user_id)::int AS n, avg(f.taste)::float8 AS taste,
              percentile_disc(0.5) WITHIN GROUP (ORDER BY f.price_cents)::int AS price,
              (SELECT jsonb_object_agg(pack_size, c) FROM (SELECT pack_size, count(*)::int AS c FROM proposal_feedback
                 WHERE proposal_id = $1::uuid AND round = r.round GROUP BY pack_size) p) AS packs
         FROM generate_series(1, $2::int) AS r(round)
         LEFT JOIN proposal_feedback f ON f.proposal_id = $1::uuid AND f.round = r.round
        GROUP BY r.round ORDER BY r.round`,
      proposalId,
      upTo,
    );
    return rows.map((r) => ({ round: r.round, responses: r.n, meanTaste: r.taste === null ? null : Math.round(r.taste * 100) / 100, medianPriceCents: r.price, packSizes: r.packs ?? {} }));
  }

  /** Launches an open proposal; null when it is not open any more (launched concurrently). */
  async launch(tx: Executor, id: string, skuIds: string[], campaignId: string): Promise<ProposalRow | null> {
    const n = await tx.$executeRawUnsafe(
      `UPDATE proposals SET status = 'launched', sku_ids = $2::text[], campaign_id = $3::uuid, launched_at = now() WHERE id = $1::uuid AND status = 'open'`,
      id,
      skuIds,
      campaignId,
    );
    return n > 0 ? this.get(tx, id) : null;
  }

  /** Launched proposals whose campaign is this one and whose SKUs include one of these. */
  async launchedFor(tx: Executor, campaignId: string, skuIds: string[]): Promise<string[]> {
    if (skuIds.length === 0) return [];
    const rows = await tx.$queryRawUnsafe<{ id: string }[]>(
      `SELECT id::text AS id FROM proposals WHERE status = 'launched' AND campaign_id = $1::uuid AND sku_ids && $2::text[]`,
      campaignId,
      skuIds,
    );
    return rows.map((r) => r.id);
  }

  /** Records an order that bought a launched proposal's SKU (again: nothing changes). */
  async addPurchase(tx: Executor, proposalId: string, userId: string, orderId: string, at: Date): Promise<void> {
    await tx.$executeRawUnsafe(
      'INSERT INTO proposal_purchases (proposal_id, order_id, user_id, bought_at) VALUES ($1::uuid, $2::uuid, $3::uuid, $4) ON CONFLICT DO NOTHING',
      proposalId,
      orderId,
      userId,
      at,
    );
  }

  /** An order cancelled or refunded in full stops counting for every proposal it counted for. */
  async cancelPurchase(tx: Executor, orderId: string, at: Date): Promise<void> {
    await tx.$executeRawUnsafe('UPDATE proposal_purchases SET cancelled_at = $2 WHERE order_id = $1::uuid AND cancelled_at IS NULL', orderId, at);
  }

  /**
   * Launch conversion counts: co-creators (proposer, voters, feedback givers) and members of the
   * proposal's community, and how many of each bought.
   */
  async conversion(tx: Executor, p: ProposalRow): Promise<{ coCreators: number; coCreatorBuyers: number; members: number | null; memberBuyers: number | null; buyers: number }> {
    const rows = await tx.$queryRawUnsafe<{ co: number; co_buyers: number; members: number; member_buyers: number; buyers: number }[]>(
      `WITH co AS (
         SELECT $2::uuid AS user_id UNION SELECT user_id FROM proposal_votes WHERE proposal_id = $1::uuid
          UNION SELECT user_id FROM proposal_feedback WHERE proposal_id = $1::uuid),
       buyers AS (SELECT DISTINCT user_id FROM proposal_purchases WHERE proposal_id = $1::uuid AND cancelled_at IS NULL),
       members AS (SELECT user_id FROM community_members WHERE community_id = $3::uuid)
       SELECT (SELECT count(*) FROM co)::int AS co,
              (SELECT count(*) FROM co JOIN buyers USING (user_id))::int AS co_buyers,
              (SELECT count(*) FROM members)::int AS members,
              (SELECT count(*) FROM members JOIN buyers USING (user_id))::int AS member_buyers,
              (SELECT count(*) FROM buyers)::int AS buyers`,
      p.id,
      p.proposerUserId,
      p.communityId,
    );
    const r = rows[0]!;
    return {
      coCreators: r.co,
      coCreatorBuyers: r.co_buyers,
      members: p.communityId ? r.members : null,
      memberBuyers: p.communityId ? r.member_buyers : null,
      buyers: r.buyers,
    };
  }
}
