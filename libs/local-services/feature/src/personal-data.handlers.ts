import { Injectable } from '@nestjs/common';
import { LinliError, personalDataExport, type RpcRequest } from '@linli/contracts';
import { RpcHandler } from '@linli/nest-kit';

/**
 * The local-services service's part of a person's data copy (PIPL). Each table that holds personal data adds
 * its section here as the service grows.
 */
@Injectable()
export class LocalServicesPersonalDataHandlers {
  @RpcHandler(personalDataExport['local-services'])
  async export(req: RpcRequest<(typeof personalDataExport)['local-services']>) {
    if (req.actor.userId !== req.userId && !req.actor.roles.includes('ops')) throw new LinliError('AUTH.FORBIDDEN', 'you may not read data about another user');
    return { service: 'local-services' as const, sections: {} };
  }
}
