import { createHash } from 'node:crypto';
import { z } from 'zod';

export type WechatApp = 'mini-program' | 'official-account' | 'mobile-app';

export interface WechatSession {
  openid: string;
  unionid?: string;
}

/** Exchanges a WeChat login code for the user's openid (per app) and unionid (per developer account). */
export abstract class WechatAuth {
  /** Returns null when WeChat rejects the code (expired, used, forged). */
  abstract exchange(app: WechatApp, loginCode: string): Promise<WechatSession | null>;
}

/**
 * Development adapter, deterministic: a code of the form `dev:<person>[:<suffix>]` yields the same
 * unionid for the same person across apps and an openid per app; a code starting `bad` is rejected;
 * a code `dev-nounion:<person>` yields an openid without unionid (as for an unbound app).
 */
export class DevWechatAuth extends WechatAuth {
  async exchange(app: WechatApp, loginCode: string): Promise<WechatSession | null> {
    const match = /^(dev|dev-nounion):([A-Za-z0-9_-]{1,64})(?::[A-Za-z0-9_-]*)?$/.exec(loginCode);
    if (!match) return null;
    const person = match[2]!;
    const openid = `o${digest(`${app}:${person}`).slice(0, 27)}`;
    return match[1] === 'dev' ? { openid, unionid: `u${digest(`union:${person}`).slice(0, 27)}` } : { openid };
  }
}

function digest(value: string): string {
  return createHash('sha256').update(value).digest('base64url');
}

const Code2SessionSchema = z.object({
  openid: z.string().optional(),
  unionid: z.string().optional(),
  errcode: z.number().optional(),
  errmsg: z.string().optional(),
});

/**
 * WeChat's `jscode2session` (mini-program) and `sns/oauth2/access_token` (official account and
 * mobile app) exchanges. Needs network access to WeChat and each app's id and secret.
 */
export class WechatApiAuth extends WechatAuth {
  constructor(
    private readonly apps: Record<WechatApp, { appId: string; secret: string } | undefined>,
    private readonly fetchImpl: typeof fetch = fetch,
    private readonly baseUrl = 'https://api.weixin.qq.com',
  ) {
    super();
  }

  async exchange(app: WechatApp, loginCode: string): Promise<WechatSession | null> {
    const credentials = this.apps[app];
    if (!credentials) return null;
    const url =
      app === 'mini-program'
        ? `${this.baseUrl}/sns/jscode2session?appid=${encodeURIComponent(credentials.appId)}&secret=${encodeURIComponent(credentials.secret)}&js_code=${encodeURIComponent(loginCode)}&grant_type=authorization_code`
        : `${this.baseUrl}/sns/oauth2/access_token?appid=${encodeURIComponent(credentials.appId)}&secret=${encodeURIComponent(credentials.secret)}&code=${encodeURIComponent(loginCode)}&grant_type=authorization_code`;
    const response = await this.fetchImpl(url, { signal: AbortSignal.timeout(5_000) });
    if (!response.ok) throw new Error(`WeChat answered HTTP ${response.status}`);
    const body = Code2SessionSchema.parse(await response.json());
    if (body.errcode || !body.openid) return null;
    return body.unionid ? { openid: body.openid, unionid: body.unionid } : { openid: body.openid };
  }
}
