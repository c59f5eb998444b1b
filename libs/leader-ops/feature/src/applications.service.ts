import { Inject, Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { leaderOps as contracts, type Actor, type RpcRequest } from '@linli/contracts';
import { ApplicationsRepository, CompoundsRepository, leaderOpsLocks } from '@linli/leader-ops-data-access';
import { enqueueEvent } from '@linli/nest-kit';
import { LeaderOpsErrors } from './leader-ops.exception.js';
import { toApplication } from './leader-ops.mappers.js';
import { assertMayApply, assertOps, decisionOutcome, isOps } from './leader-ops.rules.js';
import { LeaderOpsTransactions, isUniqueViolation, type Tx } from './leader-ops.transaction.js';

type Application = contracts.LeaderApplication;

/**
 * Leader applications: a resident applies to lead a compound, ops approves or rejects with a reason.
 * Approval is announced as `leader-ops.leader.approved.v1` (identity grants the `leader` role from
 * it, see docs/adr/0003-leader-role-grant.md); rejection as `leader-ops.leader.rejected.v1`.
 */
@Injectable()
export class ApplicationsService {
  private readonly applications = new ApplicationsRepository();
  private readonly compounds = new CompoundsRepository();

  constructor(@Inject(LeaderOpsTransactions) private readonly transactions: LeaderOpsTransactions) {}

  async apply(request: RpcRequest<typeof contracts.applyAsLeader>): Promise<Application> {
    const { actor, compoundId } = request;
    try {
      return await this.transactions.run(async (tx) => {
        if (!(await this.compounds.exists(tx, compoundId))) throw LeaderOpsErrors.compoundNotFound([compoundId]);
        const mine = await this.applications.statusesOf(tx, actor.userId, compoundId);
        assertMayApply(compoundId, mine as contracts.ApplicationStatus[]);
        const row = await this.applications.create(tx, {
          id: randomUUID(),
          userId: actor.userId,
          compoundId,
          displayName: request.displayName,
          phone: request.phone,
          statement: request.statement ?? null,
        });
        return toApplication(row);
      });
    } catch (error) {
      // Two applications submitted at the same moment: the partial unique index lets one through.
      if (isUniqueViolation(error)) throw LeaderOpsErrors.applicationPending(compoundId);
      throw error;
    }
  }

  /** Ops see every application (filtered); anyone else sees their own. Newest first. */
  async list(request: RpcRequest<typeof contracts.listApplications>): Promise<{ applications: Application[]; nextAfter: string | null }> {
    const { actor } = request;
    const userId = isOps(actor) ? request.userId : actor.userId;
    const filter = { userId, status: request.status, compoundId: request.compoundId };
    const rows = await this.applications.page(this.transactions.reader, filter, request.after, request.limit + 1);
    if (!rows) throw LeaderOpsErrors.applicationNotFound(request.after!);
    const page = rows.slice(0, request.limit);
    return { applications: page.map(toApplication), nextAfter: rows.length > request.limit ? page.at(-1)!.id : null };
  }

  async approve(actor: Actor, applicationId: string): Promise<Application> {
    assertOps(actor);
    return this.transactions.run(async (tx) => {
      const current = await this.lockApplication(tx, applicationId);
      if (decisionOutcome(applicationId, current.status as contracts.ApplicationStatus, 'approved') === 'unchanged') return toApplication(current);
      const decidedAt = new Date();
      const row = await this.applications.decide(tx, applicationId, { status: 'approved', decidedBy: actor.userId, decidedAt, reason: null });
      await enqueueEvent(tx, contracts.leaderApproved, {
        applicationId,
        userId: row.userId,
        compoundId: row.compoundId,
        approvedAt: decidedAt.toISOString(),
      });
      return toApplication(row);
    });
  }

  async reject(actor: Actor, applicationId: string, reason: string): Promise<Application> {
    assertOps(actor);
    return this.transactions.run(async (tx) => {
      const current = await this.lockApplication(tx, applicationId);
      decisionOutcome(applicationId, current.status as contracts.ApplicationStatus, 'rejected');
      const decidedAt = new Date();
      const row = await this.applications.decide(tx, applicationId, { status: 'rejected', decidedBy: actor.userId, decidedAt, reason });
      await enqueueEvent(tx, contracts.leaderRejected, { applicationId, userId: row.userId, reason, rejectedAt: decidedAt.toISOString() });
      return toApplication(row);
    });
  }

  /** The application, locked until the transaction ends so two decisions cannot both apply. */
  private async lockApplication(tx: Tx, applicationId: string) {
    await leaderOpsLocks.application(tx, applicationId);
    const row = await this.applications.find(tx, applicationId);
    if (!row) throw LeaderOpsErrors.applicationNotFound(applicationId);
    return row;
  }
}
