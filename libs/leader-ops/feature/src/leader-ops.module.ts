import { Module, type DynamicModule } from '@nestjs/common';
import { LeaderOpsDataModule } from '@linli/leader-ops-data-access';
import { ApplicationsService } from './applications.service.js';
import { BindingsService } from './bindings.service.js';
import { CompoundsService } from './compounds.service.js';
import { IdentityUsersConsumer } from './identity-users.consumer.js';
import { LeaderOpsNatsController } from './leader-ops.nats-controller.js';
import { LeaderOpsTransactions } from './leader-ops.transaction.js';
import { PickupPointsService } from './pickup-points.service.js';
import { LeaderOpsPersonalDataHandlers } from './personal-data.handlers.js';
import { leaderCustomersProviders, type LeaderCustomersConfig } from './customers/providers.js';

export interface LeaderOpsModuleOptions {
  databaseUrl: string;
  databasePoolSize?: number;
  /** The leader's customer operations: quiet hours, channels, text generation, pay rules. */
  customers?: LeaderCustomersConfig;
}

/**
 * The leader-ops service: compounds, leader applications, pickup points and resident bindings, and the
 * leader as customer operator (customers, attention list, reminders, drafts, inbox, pay and settlement).
 * Needs `LinliKitModule`.
 */
@Module({})
export class LeaderOpsModule {
  static forRoot(options: LeaderOpsModuleOptions): DynamicModule {
    return {
      module: LeaderOpsModule,
      imports: [LeaderOpsDataModule.forRoot({ databaseUrl: options.databaseUrl, poolSize: options.databasePoolSize })],
      providers: [
        LeaderOpsTransactions,
        CompoundsService,
        ApplicationsService,
        PickupPointsService,
        BindingsService,
        LeaderOpsNatsController,
        IdentityUsersConsumer,
        LeaderOpsPersonalDataHandlers,
        ...leaderCustomersProviders(options.customers),
      ],
      exports: [CompoundsService, ApplicationsService, PickupPointsService, BindingsService],
    };
  }
}
