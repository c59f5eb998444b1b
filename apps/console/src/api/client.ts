import createClient, { type Middleware } from 'openapi-fetch';
import type { components, paths } from './schema';
import { session } from './session';

export type Schemas = components['schemas'];
export type ErrorEnvelope = Schemas['ErrorEnvelope'];

/** An API error with the envelope's code (shown through the messages table in errors.ts). */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
  }
}

/** Same origin as the console: the gateway serves both. */
const baseUrl = '';

/** Without the auth middleware: sign-in and token refresh themselves. */
export const publicApi = createClient<paths>({ baseUrl });

let refreshing: Promise<string | null> | null = null;

/** A fresh access token: refreshed (once, shared by concurrent requests) when it expires within 30 s. */
async function accessToken(): Promise<string | null> {
  const current = session.get();
  if (!current) return null;
  if (Date.parse(current.accessTokenExpiresAt) - Date.now() > 30_000) return current.accessToken;
  refreshing ??= (async () => {
    try {
      const { data } = await publicApi.POST('/v1/auth/refresh', { body: { refreshToken: current.refreshToken } });
      if (!data) {
        session.set(null);
        return null;
      }
      session.set({ ...current, roles: data.roles, accessToken: data.accessToken, refreshToken: data.refreshToken, accessTokenExpiresAt: data.accessTokenExpiresAt });
      return data.accessToken;
    } finally {
      refreshing = null;
    }
  })();
  return refreshing;
}

const auth: Middleware = {
  async onRequest({ request }) {
    const token = await accessToken();
    if (token) request.headers.set('authorization', `Bearer ${token}`);
    return request;
  },
  onResponse({ response }) {
    // A revoked or unknown session: back to the sign-in page.
    if (response.status === 401 && session.get()) session.set(null);
    return response;
  },
};

/** The typed client generated from the gateway's committed OpenAPI document. */
export const api = createClient<paths>({ baseUrl });
api.use(auth);

/** The data of an openapi-fetch result, or an ApiError carrying the envelope's code. */
export function unwrap<T>(result: { data?: T; error?: unknown; response: Response }): T {
  if (result.error !== undefined || result.data === undefined) {
    const envelope = result.error as Partial<ErrorEnvelope> | undefined;
    throw new ApiError(result.response.status, envelope?.code ?? 'COMMON.INTERNAL', envelope?.message ?? result.response.statusText, envelope?.details);
  }
  return result.data;
}
