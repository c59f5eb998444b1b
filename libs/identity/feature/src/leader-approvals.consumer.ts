import { Inject, Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import { leaderOps } from '@linli/contracts';
import type { Prisma } from '@linli/identity-data-access';
import { EventConsumers } from '@linli/nest-kit';
import { AccountsService } from './accounts.service.js';

/** Grants the `leader` role when leader-ops approves an application (`leader-ops.leader.approved.v1`). */
@Injectable()
export class LeaderApprovalsConsumer implements OnApplicationBootstrap {
  constructor(
    @Inject(EventConsumers) private readonly consumers: EventConsumers<Prisma.TransactionClient>,
    @Inject(AccountsService) private readonly accounts: AccountsService,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.consumers.start({
      durable: 'identity-leader-approvals',
      domain: 'leader-ops',
      contracts: [leaderOps.leaderApproved],
      handle: async (event, tx) => {
        const data = event.data as { userId: string };
        const user = await this.accounts.resolve(tx, data.userId);
        if (!user || user.status !== 'active') return; // erased since: nothing to grant
        await this.accounts.addRole(tx, user.id, 'leader');
      },
    });
  }
}
