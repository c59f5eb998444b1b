import { Module, type DynamicModule } from '@nestjs/common';
import { localServices } from '@linli/contracts';
import { LocalServicesDataModule } from '@linli/local-services-data-access';
import { providerLifecycle } from '@linli/nest-kit';
import { BookingExpiry, BookingsService } from './bookings.service.js';
import { CatalogService } from './catalog.service.js';
import { LocalServicesConsumers } from './local-services.consumers.js';
import { LocalServicesNatsController } from './local-services.nats-controller.js';
import { DEFAULT_LOCAL_SERVICES_OPTIONS, LOCAL_SERVICES_OPTIONS, type LocalServicesOptions } from './local-services.options.js';
import { LocalServicesStore } from './local-services.store.js';
import { DevPaymentProvider, PAYMENT_PROVIDER, type PaymentProvider } from './payment-provider.js';
import { LocalServicesPersonalDataHandlers } from './personal-data.handlers.js';
import { PersonalDataService } from './personal-data.service.js';
import { POINTS_LEDGER, RpcPointsLedger, type PointsLedger } from './points-ledger.js';
import { ProvidersService } from './providers.service.js';
import { WebhookDispatcher, WebhooksService } from './webhooks.service.js';

export interface LocalServicesModuleOptions extends Partial<Omit<LocalServicesOptions, 'paymentWebhookSecret' | 'webhooks'>> {
  databaseUrl: string;
  databasePoolSize?: number;
  paymentWebhookSecret: string;
  webhooks?: Partial<LocalServicesOptions['webhooks']>;
  /** `dev` (the development provider, notifying over NATS), or a provider instance. */
  paymentProvider?: 'dev' | PaymentProvider;
  /** The growth system's points ledger; by default the communities service's over NATS ({@link RpcPointsLedger}). */
  pointsLedger?: PointsLedger;
}

/** The local-services marketplace: onboarding and API keys, catalogue, bookings, payments, webhooks. Needs `LinliKitModule`. */
@Module({})
export class LocalServicesModule {
  static forRoot(options: LocalServicesModuleOptions): DynamicModule {
    const { databaseUrl, databasePoolSize, paymentProvider = 'dev', pointsLedger, webhooks, ...rest } = options;
    const resolved: LocalServicesOptions = {
      ...DEFAULT_LOCAL_SERVICES_OPTIONS,
      ...rest,
      webhooks: { ...DEFAULT_LOCAL_SERVICES_OPTIONS.webhooks, ...webhooks },
    };
    const provider = paymentProvider === 'dev' ? new DevPaymentProvider(resolved.paymentWebhookSecret, resolved.devPaymentDelayMs) : paymentProvider;
    return {
      module: LocalServicesModule,
      imports: [LocalServicesDataModule.forRoot({ databaseUrl, poolSize: databasePoolSize })],
      providers: [
        { provide: LOCAL_SERVICES_OPTIONS, useValue: resolved },
        { provide: PAYMENT_PROVIDER, useValue: provider },
        pointsLedger ? { provide: POINTS_LEDGER, useValue: pointsLedger } : { provide: POINTS_LEDGER, useClass: RpcPointsLedger },
        providerLifecycle<PaymentProvider>(PAYMENT_PROVIDER, (provider, rpc) => {
          if (provider instanceof DevPaymentProvider) provider.connect((body) => rpc.request(localServices.paymentCallback, body));
        }),
        LocalServicesStore,
        ProvidersService,
        CatalogService,
        WebhooksService,
        WebhookDispatcher,
        BookingsService,
        BookingExpiry,
        PersonalDataService,
        LocalServicesPersonalDataHandlers,
        LocalServicesConsumers,
        LocalServicesNatsController,
      ],
      exports: [LocalServicesStore, ProvidersService, CatalogService, BookingsService, WebhooksService, WebhookDispatcher, PAYMENT_PROVIDER],
    };
  }
}
