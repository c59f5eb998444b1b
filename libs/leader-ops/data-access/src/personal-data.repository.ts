import type { Prisma, PrismaClient } from './generated/prisma/client.js';

type Client = PrismaClient | Prisma.TransactionClient;

/** What the leader-ops database holds about a person, for their PIPL copy. */
export class LeaderOpsPersonalDataRepository {
  async sections(db: Client, userIds: string[]): Promise<Record<string, unknown>> {
    const [bindings, applications, pickupPoints] = await Promise.all([
      db.residentBinding.findMany({ where: { userId: { in: userIds } }, orderBy: { boundAt: 'asc' } }),
      db.leaderApplication.findMany({ where: { userId: { in: userIds } }, orderBy: { createdAt: 'asc' } }),
      db.pickupPoint.findMany({ where: { leaderUserId: { in: userIds } }, orderBy: { createdAt: 'asc' } }),
    ]);
    const about = { userId: { in: userIds } };
    const [copies, orders, notes, interactions, reminders, drafts, messages, npsAnswers, settlements] = await Promise.all([
      db.customerCopy.findMany({ where: about }),
      db.customerOrder.findMany({ where: about, orderBy: { placedAt: 'asc' } }),
      db.customerNote.findMany({ where: about }),
      db.interaction.findMany({ where: about, orderBy: { at: 'asc' } }),
      db.reminder.findMany({ where: about, orderBy: { createdAt: 'asc' } }),
      db.draft.findMany({ where: about, orderBy: { createdAt: 'asc' } }),
      db.message.findMany({ where: about, orderBy: { createdAt: 'asc' } }),
      db.npsResponse.findMany({ where: about, orderBy: { answeredAt: 'asc' } }),
      db.settlement.findMany({ where: { leaderUserId: { in: userIds } }, include: { lines: { orderBy: { seq: 'asc' } } }, orderBy: { month: 'asc' } }),
    ]);
    return {
      pickupBindings: bindings,
      leaderApplications: applications,
      pickupPointsLed: pickupPoints,
      // The leader's customer console: what leader-ops copied about the person and what their leader wrote.
      customerProfileCopy: copies,
      orderCopies: orders,
      leaderNotes: notes,
      leaderInteractions: interactions,
      leaderReminders: reminders,
      careMessageDrafts: drafts,
      messages,
      npsAnswers,
      settlementsAsLeader: settlements,
    };
  }
}
