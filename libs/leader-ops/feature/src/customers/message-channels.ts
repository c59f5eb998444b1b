/** A message as a channel delivers it. */
export interface OutgoingMessage {
  messageId: string;
  userId: string;
  title: string;
  body: string;
}

export type DeliveryResult = { status: 'delivered' } | { status: 'failed'; error: string };

/** One way of reaching a resident. The service records the delivery status a channel reports. */
export interface MessageChannel {
  readonly name: 'in-app' | 'wechat';
  deliver(message: OutgoingMessage): Promise<DeliveryResult>;
}

/**
 * The in-app inbox: the message row itself is the inbox entry, so delivery is immediate once it is
 * stored; `GET /v1/me/inbox` reads it.
 */
export class InAppInboxChannel implements MessageChannel {
  readonly name = 'in-app' as const;

  async deliver(): Promise<DeliveryResult> {
    return { status: 'delivered' };
  }
}

export interface WechatSubscriptionOptions {
  appId: string;
  appSecret: string;
  /** The subscription-message template the resident subscribed to. */
  templateId: string;
  /** `https://api.weixin.qq.com` in production. */
  apiBase: string;
  /** Mini-program page the message opens. */
  page?: string;
  /** The resident's mini-program openid, or null when none is known. */
  openIdOf(userId: string): Promise<string | null>;
  timeoutMs?: number;
}

/**
 * WeChat mini-program subscription messages (订阅消息): an access token from
 * `GET /cgi-bin/token?grant_type=client_credential`, cached until shortly before it expires, then
 * `POST /cgi-bin/message/subscribe/send`. WeChat answers errors as `{errcode, errmsg}` with HTTP 200.
 */
export class WechatSubscriptionChannel implements MessageChannel {
  readonly name = 'wechat' as const;
  private token: { value: string; expiresAt: number } | null = null;

  constructor(
    private readonly options: WechatSubscriptionOptions,
    private readonly now: () => number = Date.now,
  ) {}

  async deliver(message: OutgoingMessage): Promise<DeliveryResult> {
    const openId = await this.options.openIdOf(message.userId);
    if (!openId) return { status: 'failed', error: 'the resident has no WeChat mini-program identity' };
    try {
      const token = await this.accessToken();
      const result = await this.call(`/cgi-bin/message/subscribe/send?access_token=${encodeURIComponent(token)}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          touser: openId,
          template_id: this.options.templateId,
          page: this.options.page,
          // Template fields: thing (≤ 20 characters) for the title and the body's start.
          data: { thing1: { value: message.title.slice(0, 20) }, thing2: { value: message.body.slice(0, 20) } },
        }),
      });
      if (result.errcode === 40001 || result.errcode === 42001) this.token = null; // token revoked or expired: fetch anew next time
      if (result.errcode && result.errcode !== 0) return { status: 'failed', error: `wechat ${result.errcode}: ${result.errmsg ?? ''}` };
      return { status: 'delivered' };
    } catch (error) {
      return { status: 'failed', error: error instanceof Error ? error.message : String(error) };
    }
  }

  private async accessToken(): Promise<string> {
    if (this.token && this.token.expiresAt > this.now()) return this.token.value;
    const query = new URLSearchParams({ grant_type: 'client_credential', appid: this.options.appId, secret: this.options.appSecret });
    const result = await this.call(`/cgi-bin/token?${query}`, { method: 'GET' });
    if (typeof result.access_token !== 'string') throw new Error(`wechat token ${result.errcode ?? '?'}: ${result.errmsg ?? 'no token'}`);
    const lifetimeMs = (typeof result.expires_in === 'number' ? result.expires_in : 7200) * 1000;
    this.token = { value: result.access_token, expiresAt: this.now() + lifetimeMs - 300_000 };
    return this.token.value;
  }

  private async call(path: string, init: RequestInit): Promise<{ errcode?: number; errmsg?: string; access_token?: unknown; expires_in?: unknown }> {
    const response = await fetch(`${this.options.apiBase.replace(/\/$/, '')}${path}`, { ...init, signal: AbortSignal.timeout(this.options.timeoutMs ?? 5000) });
    if (!response.ok) throw new Error(`wechat answered HTTP ${response.status}`);
    return (await response.json()) as { errcode?: number; errmsg?: string };
  }
}

/** Quiet hours `HH:MM–HH:MM` in a time zone (the window may wrap midnight); `null` means none. */
export interface QuietHours {
  from: string;
  to: string;
  timeZone: string;
}

const minutesOf = (clock: string) => Number(clock.slice(0, 2)) * 60 + Number(clock.slice(3, 5));

/** The local wall-clock time `HH:MM` of an instant in a zone. */
export function localClock(at: Date, timeZone: string): string {
  const parts = new Intl.DateTimeFormat('en-GB', { timeZone, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).formatToParts(at);
  const get = (type: string) => parts.find((p) => p.type === type)?.value ?? '00';
  return `${get('hour')}:${get('minute')}`;
}

/** True when `at` falls inside the quiet window (start inclusive, end exclusive). */
export function inQuietHours(quiet: QuietHours | null, at: Date): boolean {
  if (!quiet || quiet.from === quiet.to) return false;
  const now = minutesOf(localClock(at, quiet.timeZone));
  const from = minutesOf(quiet.from);
  const to = minutesOf(quiet.to);
  return from < to ? now >= from && now < to : now >= from || now < to;
}

/** Parses `21:00-08:00` (or `off`) into quiet hours in the zone. */
export function parseQuietHours(spec: string, timeZone: string): QuietHours | null {
  if (spec.trim().toLowerCase() === 'off') return null;
  const match = /^([01]\d|2[0-3]):([0-5]\d)-([01]\d|2[0-3]):([0-5]\d)$/.exec(spec.trim());
  if (!match) throw new Error('quiet hours must look like 21:00-08:00 or be off');
  return { from: `${match[1]}:${match[2]}`, to: `${match[3]}:${match[4]}`, timeZone };
}
