import { Module, type DynamicModule } from '@nestjs/common';
import { ActivityService } from './activity.service.js';
import { GovernanceService } from './governance.service.js';
import { GrowthConsumers } from './growth.consumers.js';
import { GrowthJobs } from './growth.jobs.js';
import { GrowthNatsController } from './growth.nats-controller.js';
import { GrowthPersonalData } from './growth.personal-data.js';
import { GROWTH_OPTIONS, GrowthTransactions, type GrowthOptions } from './growth.options.js';
import { DEFAULT_GROWTH_RULES } from './growth.rules.js';
import { JourneysService } from './journeys.service.js';
import { LedgerService } from './ledger.service.js';
import { ReferralsService } from './referrals.service.js';
import { TiersService } from './tiers.service.js';

export interface GrowthModuleOptions extends Partial<GrowthOptions> {
  /** The communities data module (the one instance the service imports), whose database growth shares. */
  data: DynamicModule;
}

/**
 * The growth system inside the communities service (docs/adr/0014): points ledger, tiers, honours,
 * journeys, referrals and governance support, fed by events, answering `rpc.communities.*` growth
 * subjects. Needs `LinliKitModule`.
 */
@Module({})
export class GrowthModule {
  static forRoot(options: GrowthModuleOptions): DynamicModule {
    const resolved: GrowthOptions = {
      rules: options.rules ?? DEFAULT_GROWTH_RULES,
      jobIntervalMs: options.jobIntervalMs ?? 60_000,
      // Longer than any order's payment window and than a consumer outage worth waiting for.
      orphanedHoldHours: options.orphanedHoldHours ?? 48,
    };
    return {
      module: GrowthModule,
      imports: [options.data],
      providers: [
        { provide: GROWTH_OPTIONS, useValue: resolved },
        GrowthTransactions,
        LedgerService,
        TiersService,
        JourneysService,
        ActivityService,
        ReferralsService,
        GovernanceService,
        GrowthJobs,
        GrowthConsumers,
        GrowthNatsController,
        GrowthPersonalData,
      ],
      exports: [LedgerService, TiersService, GrowthJobs, GrowthPersonalData],
    };
  }
}
