/**
 * A client of the gateway's HTTP API for end-to-end tests: requests, the "must succeed" and "refused
 * with" checks, polling until something holds, and phone sign-in through the development SMS outbox.
 */
export interface Reply {
  status: number;
  headers: Headers;
  body: any;
  text: string;
}

export interface Tokens {
  userId: string;
  roles: string[];
  accessToken: string;
  refreshToken: string;
  /** True on the sign-in that created the account. */
  isNewUser: boolean;
}

export interface ClientOptions {
  /** How long the client's `until` (and `refreshUntil`) wait by default; flows across many services want longer. */
  waitMs?: number;
}

export interface RequestOptions {
  token?: string;
  /** A partner's API key, sent as `x-api-key`. */
  apiKey?: string;
  body?: unknown;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls `probe` until it returns a value (not `undefined`), or fails naming `what`. */
export async function until<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 15_000): Promise<T> {
  const started = Date.now();
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() - started > timeoutMs) throw new Error(`${what}: not reached in ${timeoutMs} ms`);
    await sleep(100);
  }
}

/** The client of the gateway at `base()` (read at each call: the port is known only once it started). */
export function apiClient(base: () => string, clientOptions: ClientOptions = {}) {
  const waitMs = clientOptions.waitMs ?? 15_000;

  /** {@link until} with the client's default wait. */
  function waitFor<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = waitMs): Promise<T> {
    return until(what, probe, timeoutMs);
  }

  async function http(method: string, path: string, options: RequestOptions = {}): Promise<Reply> {
    const response = await fetch(`${base()}${path}`, {
      method,
      headers: {
        ...(options.body !== undefined ? { 'content-type': 'application/json' } : {}),
        ...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
        ...(options.apiKey ? { 'x-api-key': options.apiKey } : {}),
      },
      body: options.body !== undefined ? JSON.stringify(options.body) : undefined,
    });
    const text = await response.text();
    let body: unknown;
    try {
      body = text ? JSON.parse(text) : undefined;
    } catch {
      body = undefined;
    }
    return { status: response.status, headers: response.headers, body, text };
  }

  /** The call succeeded with `status`; otherwise fails showing the request and the whole answer. */
  async function ok(method: string, path: string, options: RequestOptions = {}, status = 200): Promise<any> {
    const reply = await http(method, path, options);
    if (reply.status !== status) throw new Error(`${method} ${path} → ${reply.status} (expected ${status}): ${reply.text}`);
    return reply.body;
  }

  /** The call was refused with this status and error code. */
  function refused(reply: Reply, status: number, code: string): void {
    expect({ status: reply.status, code: reply.body?.code }).toEqual({ status, code });
  }

  /** The newest code the development SMS adapter "sent" to a phone. */
  async function lastSms(phone: string): Promise<string> {
    const outbox = await ok('GET', `/v1/dev/sms-outbox?phone=${encodeURIComponent(phone)}`);
    return outbox.messages[0].code;
  }

  /** Phone sign-in (sign-up the first time, with an invite code if given): request a code, read it from the outbox, verify. */
  async function signIn(phone: string, inviteCode?: string): Promise<Tokens> {
    await ok('POST', '/v1/auth/otp', { body: { phone } });
    return ok('POST', '/v1/auth/otp/verify', { body: { phone, code: await lastSms(phone), device: 'e2e', ...(inviteCode ? { inviteCode } : {}) } });
  }

  /** Refreshes until the token carries `role` (roles granted through events arrive a moment later). */
  async function refreshUntil(tokens: Tokens, role: string): Promise<Tokens> {
    let current = tokens;
    return waitFor(`role ${role}`, async () => {
      current = await ok('POST', '/v1/auth/refresh', { body: { refreshToken: current.refreshToken } });
      return current.roles.includes(role) ? current : undefined;
    });
  }

  return { http, ok, refused, lastSms, signIn, refreshUntil, until: waitFor };
}
