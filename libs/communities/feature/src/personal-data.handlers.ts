import { Inject, Injectable } from '@nestjs/common';
import { assertMayReadPersonalData, personalDataExport, type RpcRequest } from '@linli/contracts';
import { PersonalDataRepository } from '@linli/communities-data-access';
import { RpcHandler } from '@linli/nest-kit';
import { CommunitiesContext } from './communities.context.js';
import { GrowthPersonalData } from './growth/growth.personal-data.js';

/**
 * The communities service's part of a person's data copy (PIPL): the resident copy, memberships,
 * posts, comments, RSVPs, proposals, votes, feedback and survey answers of the user and the accounts
 * merged into them — and the growth system's sections (points, tiers, honours, journeys, referrals).
 */
@Injectable()
export class CommunitiesPersonalDataHandlers {
  private readonly personal = new PersonalDataRepository();

  constructor(
    @Inject(CommunitiesContext) private readonly ctx: CommunitiesContext,
    @Inject(GrowthPersonalData) private readonly growth: GrowthPersonalData,
  ) {}

  @RpcHandler(personalDataExport['communities'])
  async export(req: RpcRequest<(typeof personalDataExport)['communities']>) {
    assertMayReadPersonalData(req);
    const [communities, growth] = await Promise.all([this.personal.export(this.ctx.reader, req.userIds), this.growth.sections(req.userIds)]);
    return { service: 'communities' as const, sections: { ...communities, ...growth } };
  }
}
