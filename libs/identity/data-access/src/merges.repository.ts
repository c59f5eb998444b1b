import type { Prisma } from './generated/prisma/client.js';

type Tx = Prisma.TransactionClient;

export interface MergeRequestInput {
  requestedBy: string;
  sourceUserId: string;
  channel: string;
  value: string;
  reasons: string[];
}

/** Account merges (the audit record with the source's snapshot) and the merge requests queued for ops. */
export class MergesRepository {
  /** The merge that folded this account away, if any. */
  ofSource(tx: Tx, sourceUserId: string) {
    return tx.merge.findUnique({ where: { sourceUserId } });
  }

  async record(tx: Tx, merge: { id: string; sourceUserId: string; targetUserId: string; reason: string; actorUserId: string | null; sourceSnapshot: Prisma.InputJsonValue; createdAt: Date }): Promise<void> {
    await tx.merge.create({ data: merge });
  }

  /** The merges a user took part in, either side. */
  involving(tx: Tx, userId: string) {
    return tx.merge.findMany({ where: { OR: [{ targetUserId: userId }, { sourceUserId: userId }] } });
  }

  /** Asks ops again for the same identity: updates the open request, or opens one. Returns its id. */
  async queueRequest(tx: Tx, id: string, input: MergeRequestInput): Promise<string> {
    const open = await tx.mergeRequest.findFirst({ where: { requestedBy: input.requestedBy, channel: input.channel, value: input.value, status: 'pending' } });
    if (open) {
      await tx.mergeRequest.update({ where: { id: open.id }, data: { sourceUserId: input.sourceUserId, reasons: input.reasons } });
      return open.id;
    }
    await tx.mergeRequest.create({ data: { id, ...input } });
    return id;
  }

  /** Up to 500 requests, oldest first, optionally of one status. */
  requests(tx: Tx, status?: string) {
    return tx.mergeRequest.findMany({ where: status ? { status } : {}, orderBy: { createdAt: 'asc' }, take: 500 });
  }

  /**
   * Records ops' decision on a pending request. Returns the request (null when unknown) and whether
   * this call decided it (false when it was no longer pending).
   */
  async decide(tx: Tx, id: string, decision: { status: 'approved' | 'rejected'; decidedBy: string; reason: string }) {
    const claimed = await tx.mergeRequest.updateMany({
      where: { id, status: 'pending' },
      data: { status: decision.status, decidedBy: decision.decidedBy, decisionReason: decision.reason, decidedAt: new Date() },
    });
    return { request: await tx.mergeRequest.findUnique({ where: { id } }), decided: claimed.count === 1 };
  }

  setRequestMerge(tx: Tx, id: string, mergeId: string | null) {
    return tx.mergeRequest.update({ where: { id }, data: { mergeId } });
  }
}
