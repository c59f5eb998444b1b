import { personalDataExport } from '@linli/contracts';
import { bind, rpcBindings } from '@linli/nest-kit';
import { PersonalDataService } from './personal-data.service.js';

/**
 * The local-services service's part of a person's data copy (PIPL): bookings with their notes (the
 * sensitive ones marked), reviews, and provider applications (see {@link PersonalDataService}).
 */
export const LocalServicesPersonalDataHandlers = rpcBindings('local-services personal data', [PersonalDataService], (personalData) => [
  bind(personalDataExport['local-services'], (req) => personalData.export(req)),
]);
