import { Module, type DynamicModule } from '@nestjs/common';
import { orders } from '@linli/contracts';
import { OrdersDataModule, PickupPointDaysRepository, ResidentProfilesRepository, SortingListRepository } from '@linli/orders-data-access';
import { providerLifecycle } from '@linli/nest-kit';
import { CampaignService } from './campaign.service.js';
import { CatalogService } from './catalog.service.js';
import { CutoffService } from './cutoff.service.js';
import { OrderService } from './order.service.js';
import { OrderStore } from './order-store.js';
import { OrdersNatsController } from './orders.nats-controller.js';
import { DEFAULT_ORDERS_OPTIONS, ORDERS_OPTIONS, type OrdersOptions } from './orders.options.js';
import { OrdersScheduler } from './orders.scheduler.js';
import { DevPaymentProvider, PAYMENT_PROVIDER, type PaymentProvider } from './payment-provider.js';
import { PaymentService } from './payment.service.js';
import { ReadModelConsumer } from './read-model.consumer.js';
import { IdentityUsersConsumer } from './identity-users.consumer.js';
import { ResidentProfilesConsumer } from './resident-profiles.consumer.js';
import { RefundService } from './refund.service.js';
import { OrdersPersonalDataHandlers } from './personal-data.handlers.js';
import { POINTS_LEDGER, RpcPointsLedger, type PointsLedger } from './points-ledger.js';

export interface OrdersModuleOptions extends Partial<Omit<OrdersOptions, 'paymentWebhookSecret' | 'devPayment' | 'points'>> {
  paymentWebhookSecret: string;
  databaseUrl: string;
  databasePoolSize?: number;
  /** `dev` (the development provider, notifying over NATS), or a provider instance. */
  paymentProvider: 'dev' | PaymentProvider;
  devPayment?: Partial<OrdersOptions['devPayment']>;
  points?: Partial<OrdersOptions['points']>;
  /** The growth system's points ledger; by default the communities service's over NATS ({@link RpcPointsLedger}). */
  pointsLedger?: PointsLedger;
}

/** The orders service: catalog, campaigns, orders with stock, payments, refunds, cut-off and its scheduler. */
@Module({})
export class OrdersModule {
  static forRoot(options: OrdersModuleOptions): DynamicModule {
    const { databaseUrl, databasePoolSize, paymentProvider, devPayment, points, pointsLedger, ...rest } = options;
    const ordersOptions: OrdersOptions = {
      ...DEFAULT_ORDERS_OPTIONS,
      ...rest,
      devPayment: { ...DEFAULT_ORDERS_OPTIONS.devPayment, ...devPayment },
      points: { ...DEFAULT_ORDERS_OPTIONS.points, ...points },
    };
    const provider = paymentProvider === 'dev' ? new DevPaymentProvider(ordersOptions.paymentWebhookSecret, ordersOptions.devPayment) : paymentProvider;
    return {
      module: OrdersModule,
      imports: [OrdersDataModule.forRoot({ databaseUrl, poolSize: databasePoolSize })],
      providers: [
        { provide: ORDERS_OPTIONS, useValue: ordersOptions },
        { provide: PAYMENT_PROVIDER, useValue: provider },
        pointsLedger ? { provide: POINTS_LEDGER, useValue: pointsLedger } : { provide: POINTS_LEDGER, useClass: RpcPointsLedger },
        providerLifecycle<PaymentProvider>(PAYMENT_PROVIDER, (provider, rpc) => {
          if (provider instanceof DevPaymentProvider) provider.connect((body) => rpc.request(orders.paymentCallback, body));
        }),
        OrderStore,
        CatalogService,
        CampaignService,
        RefundService,
        OrderService,
        PaymentService,
        CutoffService,
        OrdersScheduler,
        ReadModelConsumer,
        IdentityUsersConsumer,
        ResidentProfilesConsumer,
        SortingListRepository,
        ResidentProfilesRepository,
        PickupPointDaysRepository,
        OrdersNatsController,
        OrdersPersonalDataHandlers,
      ],
      exports: [OrderStore, CatalogService, CampaignService, OrderService, PaymentService, RefundService, CutoffService, OrdersScheduler, PAYMENT_PROVIDER],
    };
  }
}
