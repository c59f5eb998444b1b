import { assertMayReadPersonalData, personalDataExport } from '@linli/contracts';
import { LeaderOpsDb, LeaderOpsPersonalDataRepository } from '@linli/leader-ops-data-access';
import { bind, rpcBindings } from '@linli/nest-kit';

const repository = new LeaderOpsPersonalDataRepository();

/** The leader-ops service's part of a person's data copy (PIPL): bindings, applications, points led. */
export const LeaderOpsPersonalDataHandlers = rpcBindings('leader-ops personal data', [LeaderOpsDb], (db) => [
  bind(personalDataExport['leader-ops'], async (req) => {
    assertMayReadPersonalData(req);
    return { service: 'leader-ops' as const, sections: await repository.sections(db, req.userIds) };
  }),
]);
