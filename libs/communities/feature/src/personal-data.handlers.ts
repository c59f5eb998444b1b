import { assertMayReadPersonalData, personalDataExport } from '@linli/contracts';
import { PersonalDataRepository } from '@linli/communities-data-access';
import { bind, rpcBindings } from '@linli/nest-kit';
import { CommunitiesContext } from './communities.context.js';
import { GrowthPersonalData } from './growth/growth.personal-data.js';

const personal = new PersonalDataRepository();

/**
 * The communities service's part of a person's data copy (PIPL): the resident copy, memberships,
 * posts, comments, RSVPs, proposals, votes, feedback and survey answers of the user and the accounts
 * merged into them — and the growth system's sections (points, tiers, honours, journeys, referrals).
 */
export const CommunitiesPersonalDataHandlers = rpcBindings('communities personal data', [CommunitiesContext, GrowthPersonalData], (ctx, growth) => [
  bind(personalDataExport['communities'], async (req) => {
    assertMayReadPersonalData(req);
    const [communities, growthSections] = await Promise.all([personal.export(ctx.reader, req.userIds), growth.sections(req.userIds)]);
    return { service: 'communities' as const, sections: { ...communities, ...growthSections } };
  }),
]);
