import { Inject, Injectable } from '@nestjs/common';
import { personalDataExport, type RpcRequest } from '@linli/contracts';
import { RpcHandler } from '@linli/nest-kit';
import { PersonalDataService } from './personal-data.service.js';

/**
 * The local-services service's part of a person's data copy (PIPL): bookings with their notes (the
 * sensitive ones marked), reviews, and provider applications (see {@link PersonalDataService}).
 */
@Injectable()
export class LocalServicesPersonalDataHandlers {
  constructor(@Inject(PersonalDataService) private readonly personalData: PersonalDataService) {}

  @RpcHandler(personalDataExport['local-services'])
  export(req: RpcRequest<(typeof personalDataExport)['local-services']>) {
    return this.personalData.export(req);
  }
}
