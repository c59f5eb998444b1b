import { Module, type DynamicModule } from '@nestjs/common';
import { CommunitiesDataModule } from '@linli/communities-data-access';
import { CocreationService } from './cocreation.service.js';
import { CommunitiesConsumers } from './communities.consumers.js';
import { CommunitiesContext } from './communities.context.js';
import { CommunitiesNatsController } from './communities.nats-controller.js';
import { COMMUNITIES_OPTIONS, DEFAULT_COMMUNITIES_OPTIONS, type CommunitiesOptions } from './communities.options.js';
import { CommunitiesService } from './communities.service.js';
import { ContentService } from './content.service.js';
import { EventsService } from './events.service.js';
import { SurveysService } from './surveys.service.js';
import { GrowthModule, type GrowthModuleOptions } from './growth/growth.module.js';
import { CommunitiesPersonalDataHandlers } from './personal-data.handlers.js';

export interface CommunitiesModuleOptions extends Partial<CommunitiesOptions> {
  databaseUrl: string;
  databasePoolSize?: number;
  /** The growth system's rules and schedule (defaults: the built-in rules, jobs every minute). */
  growth?: Omit<GrowthModuleOptions, 'data'>;
}

/**
 * The communities service: interest communities and members, posts and moderation, events with
 * RSVPs and check-in, co-creation with launch conversion, and surveys (NPS). Needs `LinliKitModule`.
 */
@Module({})
export class CommunitiesModule {
  static forRoot(options: CommunitiesModuleOptions): DynamicModule {
    const { databaseUrl, databasePoolSize, growth, ...rest } = options;
    const data = CommunitiesDataModule.forRoot({ databaseUrl, poolSize: databasePoolSize });
    return {
      module: CommunitiesModule,
      imports: [data, GrowthModule.forRoot({ ...growth, data })],
      providers: [
        { provide: COMMUNITIES_OPTIONS, useValue: { ...DEFAULT_COMMUNITIES_OPTIONS, ...rest } },
        CommunitiesContext,
        CommunitiesService,
        ContentService,
        SurveysService,
        EventsService,
        CocreationService,
        CommunitiesConsumers,
        CommunitiesNatsController,
        CommunitiesPersonalDataHandlers,
      ],
      exports: [CommunitiesContext, CommunitiesService, EventsService, SurveysService],
    };
  }
}
