import { assertMayReadPersonalData, personalDataExport } from '@linli/contracts';
import { RecommendationsDb, RecommendationsPersonalDataRepository } from '@linli/recommendations-data-access';
import { bind, rpcBindings } from '@linli/nest-kit';

const repository = new RecommendationsPersonalDataRepository();

/** The asset engine's part of a person's data copy (PIPL). */
export const RecommendationsPersonalDataHandlers = rpcBindings('recommendations personal data', [RecommendationsDb], (db) => [
  bind(personalDataExport.recommendations, async (req) => {
    assertMayReadPersonalData(req);
    return { service: 'recommendations' as const, sections: await repository.sections(db, req.userIds) };
  }),
]);
