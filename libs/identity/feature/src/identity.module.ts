import { Module, type DynamicModule } from '@nestjs/common';
import { IdentityDataModule, IdentityDb } from '@linli/identity-data-access';
import { AccountsService } from './accounts.service.js';
import { AuthService } from './auth.service.js';
import { IdentityNatsController } from './identity.nats-controller.js';
import { DEFAULT_IDENTITY_OPTIONS, IDENTITY_OPTIONS, type IdentityOptions } from './identity.options.js';
import { LeaderApprovalsConsumer } from './leader-approvals.consumer.js';
import { SessionRevocations } from './session-revocations.js';
import { LogSmsSender, SmsSender } from './sms-sender.js';
import { DevWechatAuth, WechatAuth } from './wechat-auth.js';

export interface IdentityModuleOptions extends Partial<Omit<IdentityOptions, 'tokenSecret'>> {
  tokenSecret: string;
  databaseUrl: string;
  databasePoolSize?: number;
  smsAdapter: 'log';
  wechatAdapter: 'dev' | { adapter: WechatAuth };
}

@Module({})
export class IdentityModule {
  static forRoot(options: IdentityModuleOptions): DynamicModule {
    const { databaseUrl, databasePoolSize, smsAdapter: _sms, wechatAdapter, ...rest } = options;
    const identityOptions: IdentityOptions = { ...DEFAULT_IDENTITY_OPTIONS, ...rest };
    return {
      module: IdentityModule,
      imports: [IdentityDataModule.forRoot({ databaseUrl, poolSize: databasePoolSize })],
      providers: [
        { provide: IDENTITY_OPTIONS, useValue: identityOptions },
        // `log` is the only SMS adapter: codes go to the log and the development outbox.
        { provide: SmsSender, inject: [IdentityDb], useFactory: (db: IdentityDb) => new LogSmsSender(db) },
        { provide: WechatAuth, useValue: wechatAdapter === 'dev' ? new DevWechatAuth() : wechatAdapter.adapter },
        SessionRevocations,
        AccountsService,
        AuthService,
        IdentityNatsController,
        LeaderApprovalsConsumer,
      ],
    };
  }
}
