import { z } from 'zod';
import { baseConfigFragment, databaseConfigFragment, loadConfig } from '@linli/nest-kit';
import { PayRulesSchema, type LeaderCustomersConfig } from '@linli/leader-ops-feature';

const optionalText = z.string().trim().min(1).optional();

export const LeaderOpsConfigSchema = z
  .object({
    ...baseConfigFragment,
    ...databaseConfigFragment,
    /** No care or marketing messages in this window (`HH:MM-HH:MM`, may wrap midnight) or `off`. */
    MESSAGE_QUIET_HOURS: z
      .string()
      .regex(/^(off|([01]\d|2[0-3]):[0-5]\d-([01]\d|2[0-3]):[0-5]\d)$/, 'must be HH:MM-HH:MM or off')
      .default('21:00-08:00'),
    MESSAGE_QUIET_HOURS_TIME_ZONE: z.string().default('Asia/Shanghai'),
    /** WeChat subscription messages: all three, or none (channel off). */
    WECHAT_APP_ID: optionalText,
    WECHAT_APP_SECRET: optionalText,
    WECHAT_SUBSCRIBE_TEMPLATE_ID: optionalText,
    WECHAT_API_BASE: z.string().url().default('https://api.weixin.qq.com'),
    /** An OpenAI-compatible endpoint for drafts (base URL, key, model); without it the templates write them. */
    DRAFT_LLM_BASE_URL: z.string().url().optional(),
    DRAFT_LLM_API_KEY: optionalText,
    DRAFT_LLM_MODEL: optionalText,
    DRAFT_LLM_TIMEOUT_MS: z.coerce.number().int().min(100).max(60_000).default(8000),
    /** Pay rules as a JSON array of versions (default: the built-in rules). */
    LEADER_PAY_RULES: z
      .string()
      .transform((raw, ctx) => {
        try {
          return JSON.parse(raw) as unknown;
        } catch {
          ctx.addIssue({ code: 'custom', message: 'must be JSON' });
          return z.NEVER;
        }
      })
      .pipe(z.array(PayRulesSchema).min(1))
      .optional(),
  })
  .superRefine((config, ctx) => {
    const wechat = [config.WECHAT_APP_ID, config.WECHAT_APP_SECRET, config.WECHAT_SUBSCRIBE_TEMPLATE_ID].filter(Boolean).length;
    if (wechat !== 0 && wechat !== 3) ctx.addIssue({ code: 'custom', path: ['WECHAT_APP_ID'], message: 'set WECHAT_APP_ID, WECHAT_APP_SECRET and WECHAT_SUBSCRIBE_TEMPLATE_ID together' });
    const llm = [config.DRAFT_LLM_BASE_URL, config.DRAFT_LLM_API_KEY, config.DRAFT_LLM_MODEL].filter(Boolean).length;
    if (llm !== 0 && llm !== 3) ctx.addIssue({ code: 'custom', path: ['DRAFT_LLM_BASE_URL'], message: 'set DRAFT_LLM_BASE_URL, DRAFT_LLM_API_KEY and DRAFT_LLM_MODEL together' });
  });
export type LeaderOpsConfig = z.infer<typeof LeaderOpsConfigSchema>;

export function leaderOpsConfig(env: Record<string, string | undefined>): LeaderOpsConfig {
  return loadConfig(LeaderOpsConfigSchema, env);
}

/** The customer-operator settings of the service. */
export function customersConfig(config: LeaderOpsConfig): LeaderCustomersConfig {
  return {
    quietHours: config.MESSAGE_QUIET_HOURS,
    quietHoursTimeZone: config.MESSAGE_QUIET_HOURS_TIME_ZONE,
    wechat:
      config.WECHAT_APP_ID && config.WECHAT_APP_SECRET && config.WECHAT_SUBSCRIBE_TEMPLATE_ID
        ? { appId: config.WECHAT_APP_ID, appSecret: config.WECHAT_APP_SECRET, templateId: config.WECHAT_SUBSCRIBE_TEMPLATE_ID, apiBase: config.WECHAT_API_BASE }
        : undefined,
    llm:
      config.DRAFT_LLM_BASE_URL && config.DRAFT_LLM_API_KEY && config.DRAFT_LLM_MODEL
        ? { baseUrl: config.DRAFT_LLM_BASE_URL, apiKey: config.DRAFT_LLM_API_KEY, model: config.DRAFT_LLM_MODEL, timeoutMs: config.DRAFT_LLM_TIMEOUT_MS }
        : undefined,
    payRules: config.LEADER_PAY_RULES,
  };
}
