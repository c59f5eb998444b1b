import { Inject, Injectable } from '@nestjs/common';
import { assertMayReadPersonalData, personalDataExport, type RpcRequest } from '@linli/contracts';
import { RecommendationsDb, RecommendationsPersonalDataRepository } from '@linli/recommendations-data-access';
import { RpcHandler } from '@linli/nest-kit';

/** The asset engine's part of a person's data copy (PIPL). */
@Injectable()
export class RecommendationsPersonalDataHandlers {
  private readonly repository = new RecommendationsPersonalDataRepository();

  constructor(@Inject(RecommendationsDb) private readonly db: RecommendationsDb) {}

  @RpcHandler(personalDataExport.recommendations)
  async export(req: RpcRequest<typeof personalDataExport.recommendations>) {
    assertMayReadPersonalData(req);
    return { service: 'recommendations' as const, sections: await this.repository.sections(this.db, req.userIds) };
  }
}
