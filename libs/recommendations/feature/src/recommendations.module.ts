import { Inject, Injectable, Module, type DynamicModule, type OnApplicationShutdown } from '@nestjs/common';
import { BulkReader, RecommendationsDataModule } from '@linli/recommendations-data-access';
import { AccessService } from './access.service.js';
import { AssetsService } from './assets.service.js';
import { BacktestService } from './backtest.service.js';
import { BehaviourService } from './behaviour.service.js';
import { BULK_READER, RecommendationEngine } from './engine/recommendation-engine.js';
import { ServingSync } from './engine/serving-sync.js';
import { IngestService } from './ingest.service.js';
import { InsightsService } from './insights.service.js';
import { MetricsService } from './metrics.service.js';
import { RecommendationsConsumers } from './recommendations.consumers.js';
import { RecommendationsNatsController } from './recommendations.nats-controller.js';
import { ReferralsConsumer } from './referrals.consumer.js';
import { DEFAULT_RECOMMENDATIONS_OPTIONS, RECOMMENDATIONS_OPTIONS, type RecommendationsOptions } from './recommendations.options.js';
import { SegmentsService } from './segments.service.js';
import { RecommendationsPersonalDataHandlers } from './personal-data.handlers.js';

export interface RecommendationsModuleOptions extends Partial<Omit<RecommendationsOptions, 'databaseUrl'>> {
  databaseUrl: string;
  databasePoolSize?: number;
}

/** Closes the bulk-read pool after everything that reads through it has stopped. */
@Injectable()
class BulkReaderLifecycle implements OnApplicationShutdown {
  constructor(@Inject(BULK_READER) private readonly reader: BulkReader) {}

  async onApplicationShutdown(): Promise<void> {
    await this.reader.close();
  }
}

/**
 * The recommendations service (the user asset engine): behaviour store fed by identity, leader-ops
 * and orders events and the behaviour RPC; recommendations served from memory; customer assets,
 * segments, insights, metrics and prediction backtests.
 */
@Module({})
export class RecommendationsModule {
  static forRoot(options: RecommendationsModuleOptions): DynamicModule {
    const { databasePoolSize, ...rest } = options;
    const resolved: RecommendationsOptions = { ...DEFAULT_RECOMMENDATIONS_OPTIONS, ...rest };
    return {
      module: RecommendationsModule,
      imports: [RecommendationsDataModule.forRoot({ databaseUrl: options.databaseUrl, poolSize: databasePoolSize })],
      providers: [
        { provide: RECOMMENDATIONS_OPTIONS, useValue: resolved },
        { provide: BULK_READER, useFactory: () => BulkReader.connect(options.databaseUrl, 3) },
        BulkReaderLifecycle,
        RecommendationEngine,
        ServingSync,
        IngestService,
        AccessService,
        BehaviourService,
        AssetsService,
        BacktestService,
        SegmentsService,
        MetricsService,
        InsightsService,
        RecommendationsConsumers,
        ReferralsConsumer,
        RecommendationsNatsController,
        RecommendationsPersonalDataHandlers,
      ],
      exports: [RecommendationEngine, AssetsService, BacktestService, IngestService],
    };
  }
}
