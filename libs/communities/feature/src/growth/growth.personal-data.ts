import { Inject, Injectable } from '@nestjs/common';
import { GrowthPersonalDataRepository } from '@linli/communities-data-access';
import { GrowthTransactions } from './growth.options.js';

/** Growth's sections of a person's data copy (PIPL): points, tier history, honours, journeys, referrals, backing and votes. */
@Injectable()
export class GrowthPersonalData {
  private readonly repository = new GrowthPersonalDataRepository();

  constructor(@Inject(GrowthTransactions) private readonly tx: GrowthTransactions) {}

  sections(userIds: string[]): Promise<Record<string, unknown[]>> {
    return this.repository.sections(this.tx.reader, userIds);
  }
}
