import type { Provider } from '@nestjs/common';
import { CustomerCopiesConsumer } from './customer-copies.consumer.js';
import { CustomersService } from './customers.service.js';
import { LeaderCustomersNatsController } from './leader-customers.nats-controller.js';
import { LEADER_CUSTOMERS_OPTIONS, type LeaderCustomersOptions } from './leader-customers.options.js';
import { InAppInboxChannel, WechatSubscriptionChannel, parseQuietHours } from './message-channels.js';
import { MessagingService } from './messaging.service.js';
import { DEFAULT_PAY_RULES, type PayRules } from './pay-rules.js';
import { FallbackTextGenerator, OpenAiCompatibleTextGenerator, TemplateTextGenerator, type TextGenerator } from './text-generator.js';
import { SettlementsService } from './settlements.service.js';

/** How the customer-operator part is configured (the app maps its environment onto this). */
export interface LeaderCustomersConfig {
  /** `21:00-08:00` (default) or `off`. */
  quietHours?: string;
  quietHoursTimeZone?: string;
  wechat?: { appId: string; appSecret: string; templateId: string; apiBase?: string; page?: string };
  llm?: { baseUrl: string; apiKey: string; model: string; timeoutMs?: number };
  payRules?: PayRules[];
  now?: () => Date;
}

/** Resolves the configuration into the options the services use. */
export function leaderCustomersOptions(config: LeaderCustomersConfig = {}): LeaderCustomersOptions {
  const channels: LeaderCustomersOptions['channels'] = [new InAppInboxChannel()];
  if (config.wechat) {
    channels.push(
      new WechatSubscriptionChannel({
        appId: config.wechat.appId,
        appSecret: config.wechat.appSecret,
        templateId: config.wechat.templateId,
        apiBase: config.wechat.apiBase ?? 'https://api.weixin.qq.com',
        page: config.wechat.page,
        // Leader-ops learns no mini-program openids yet (identity publishes none): such sends fail
        // with a recorded reason until identity shares them.
        openIdOf: async () => null,
      }),
    );
  }
  const textGenerator: TextGenerator = config.llm
    ? new FallbackTextGenerator(new OpenAiCompatibleTextGenerator({ ...config.llm, timeoutMs: config.llm.timeoutMs ?? 8000 }))
    : new TemplateTextGenerator();
  return {
    quietHours: parseQuietHours(config.quietHours ?? '21:00-08:00', config.quietHoursTimeZone ?? 'Asia/Shanghai'),
    channels,
    textGenerator,
    payRules: config.payRules?.length ? config.payRules : DEFAULT_PAY_RULES,
    now: config.now ?? (() => new Date()),
  };
}

/** The providers of the customer-operator part of leader-ops. */
export function leaderCustomersProviders(config: LeaderCustomersConfig = {}): Provider[] {
  return [
    { provide: LEADER_CUSTOMERS_OPTIONS, useValue: leaderCustomersOptions(config) },
    CustomersService,
    MessagingService,
    SettlementsService,
    LeaderCustomersNatsController,
    CustomerCopiesConsumer,
  ];
}
