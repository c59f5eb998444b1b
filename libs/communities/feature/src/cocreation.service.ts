import { Inject, Injectable } from '@nestjs/common';
import { communities as c, type Actor, type RpcRequest } from '@linli/contracts';
import type { ProposalRow } from '@linli/communities-data-access';
import { enqueueEvent } from '@linli/nest-kit';
import { CommunitiesContext, isOps, type Tx } from './communities.context.js';
import { CommunitiesErrors as E } from './communities.exception.js';
import { CommunitiesService } from './communities.service.js';

const rate = (n: number | null, d: number | null) => (n !== null && d ? Math.round((n / d) * 10_000) / 10_000 : null);

/** Co-creation (共创): proposals, votes, structured feedback, launch to real SKUs, launch conversion from order events. */
@Injectable()
export class CocreationService {
  constructor(
    @Inject(CommunitiesContext) private readonly ctx: CommunitiesContext,
    @Inject(CommunitiesService) private readonly communities: CommunitiesService,
  ) {}

  async view(tx: Tx, p: ProposalRow, actor: Actor): Promise<c.Proposal> {
    const [rounds, myVote, conversion] = await Promise.all([
      this.ctx.cocreation.feedbackRounds(tx, p.id, p.feedbackRound),
      this.ctx.cocreation.hasVoted(tx, p.id, actor.userId),
      p.status === 'launched' ? this.ctx.cocreation.conversion(tx, p) : Promise.resolve(null),
    ]);
    return {
      proposalId: p.id,
      communityId: p.communityId,
      proposerUserId: p.proposerUserId,
      kind: p.kind as 'new-product' | 'change',
      title: p.title,
      description: p.description,
      productId: p.productId,
      status: p.status as 'open' | 'launched',
      votes: p.votes,
      feedback: rounds.at(-1)!,
      feedbackRounds: rounds,
      skuIds: p.skuIds,
      campaignId: p.campaignId,
      launchedAt: p.launchedAt?.toISOString() ?? null,
      conversion: conversion && {
        ...conversion,
        coCreatorRate: rate(conversion.coCreatorBuyers, conversion.coCreators),
        memberRate: rate(conversion.memberBuyers, conversion.members),
      },
      myVote,
      createdAt: p.createdAt.toISOString(),
    };
  }

  private async require(tx: Tx, proposalId: string): Promise<ProposalRow> {
    const p = await this.ctx.cocreation.get(tx, proposalId);
    if (!p) throw E.proposalNotFound(proposalId);
    return p;
  }

  /** Open proposals take votes and feedback from members of their community (anyone for community-less ones). */
  private async requireOpenFor(tx: Tx, actor: Actor, proposalId: string): Promise<ProposalRow> {
    const p = await this.require(tx, proposalId);
    if (p.status !== 'open') throw E.proposalClosed(proposalId);
    if (p.communityId) {
      await this.communities.assertMember(tx, actor, p.communityId);
      await this.communities.assertNotBanned(tx, p.communityId, actor.userId);
    }
    return p;
  }

  async create(req: RpcRequest<typeof c.createProposal>) {
    const { actor } = req;
    return this.ctx.run(async (tx) => {
      if (req.communityId) {
        await this.communities.require(tx, req.communityId);
        await this.communities.assertMember(tx, actor, req.communityId);
        await this.communities.assertNotBanned(tx, req.communityId, actor.userId);
      }
      const p = await this.ctx.cocreation.create(tx, {
        communityId: req.communityId ?? null,
        proposerUserId: actor.userId,
        kind: req.kind,
        title: req.title,
        description: req.description,
        productId: req.productId ?? null,
      });
      await enqueueEvent(tx, c.proposalCreated, { proposalId: p.id, communityId: p.communityId, proposerUserId: p.proposerUserId, title: p.title, createdAt: p.createdAt.toISOString() });
      return this.view(tx, p, actor);
    });
  }

  async list(req: RpcRequest<typeof c.listProposals>) {
    const tx = this.ctx.reader;
    const rows = await this.ctx.cocreation.list(tx, req);
    return { proposals: await Promise.all(rows.map((p) => this.view(tx, p, req.actor))) };
  }

  async get(actor: Actor, proposalId: string) {
    return this.view(this.ctx.reader, await this.require(this.ctx.reader, proposalId), actor);
  }

  async vote(actor: Actor, proposalId: string) {
    return this.ctx.run(async (tx) => {
      await this.requireOpenFor(tx, actor, proposalId);
      const votedAt = await this.ctx.cocreation.vote(tx, proposalId, actor.userId);
      if (!votedAt) throw E.alreadyVoted(proposalId);
      await enqueueEvent(tx, c.proposalVoted, { proposalId, userId: actor.userId, weight: 1, votedAt: votedAt.toISOString() });
      return this.view(tx, (await this.ctx.cocreation.get(tx, proposalId))!, actor);
    });
  }

  async feedback(req: RpcRequest<typeof c.giveFeedback>) {
    const { actor } = req;
    return this.ctx.run(async (tx) => {
      const p = await this.requireOpenFor(tx, actor, req.proposalId);
      const given = await this.ctx.cocreation.feedback(tx, {
        proposalId: p.id,
        userId: actor.userId,
        taste: req.taste,
        priceCents: req.priceCents,
        packSize: req.packSize,
        comment: req.comment ?? null,
      });
      if (!given) throw E.feedbackGiven(p.id, p.feedbackRound);
      return this.view(tx, p, actor);
    });
  }

  async nextRound(actor: Actor, proposalId: string) {
    if (!isOps(actor)) throw E.forbidden('only ops open feedback rounds');
    return this.ctx.run(async (tx) => {
      await this.require(tx, proposalId);
      const p = await this.ctx.cocreation.nextRound(tx, proposalId);
      if (!p) throw E.proposalClosed(proposalId);
      return this.view(tx, p, actor);
    });
  }

  async launch(req: RpcRequest<typeof c.launchProposal>) {
    const { actor } = req;
    if (!isOps(actor)) throw E.forbidden('only ops launch proposals');
    return this.ctx.run(async (tx) => {
      await this.require(tx, req.proposalId);
      const p = await this.ctx.cocreation.launch(tx, req.proposalId, [...new Set(req.skuIds)], req.campaignId);
      if (!p) throw E.proposalClosed(req.proposalId);
      await enqueueEvent(tx, c.proposalLaunched, {
        proposalId: p.id,
        communityId: p.communityId,
        proposerUserId: p.proposerUserId,
        skuIds: p.skuIds,
        campaignId: p.campaignId,
        launchedAt: p.launchedAt!.toISOString(),
      });
      return this.view(tx, p, actor);
    });
  }

  /** Counts a paid order for every launched proposal whose campaign and SKUs it matches. */
  async countOrder(tx: Tx, order: { orderId: string; userId: string; campaignId: string; skuIds: string[]; at: Date }): Promise<void> {
    for (const proposalId of await this.ctx.cocreation.launchedFor(tx, order.campaignId, order.skuIds)) {
      await this.ctx.cocreation.addPurchase(tx, proposalId, order.userId, order.orderId, order.at);
    }
  }

  /** A paid order cancelled, or refunded in full, no longer counts as a purchase. */
  async uncountOrder(tx: Tx, orderId: string, at: Date): Promise<void> {
    await this.ctx.cocreation.cancelPurchase(tx, orderId, at);
  }
}
