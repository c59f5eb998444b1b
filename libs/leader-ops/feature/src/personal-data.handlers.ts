import { Inject, Injectable } from '@nestjs/common';
import { assertMayReadPersonalData, personalDataExport, type RpcRequest } from '@linli/contracts';
import { LeaderOpsDb, LeaderOpsPersonalDataRepository } from '@linli/leader-ops-data-access';
import { RpcHandler } from '@linli/nest-kit';

/** The leader-ops service's part of a person's data copy (PIPL): bindings, applications, points led. */
@Injectable()
export class LeaderOpsPersonalDataHandlers {
  private readonly repository = new LeaderOpsPersonalDataRepository();

  constructor(@Inject(LeaderOpsDb) private readonly db: LeaderOpsDb) {}

  @RpcHandler(personalDataExport['leader-ops'])
  async export(req: RpcRequest<(typeof personalDataExport)['leader-ops']>) {
    assertMayReadPersonalData(req);
    return { service: 'leader-ops' as const, sections: await this.repository.sections(this.db, req.userIds) };
  }
}
