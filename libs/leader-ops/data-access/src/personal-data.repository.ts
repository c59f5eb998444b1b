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
    return { pickupBindings: bindings, leaderApplications: applications, pickupPointsLed: pickupPoints };
  }
}
