import { createHash } from 'node:crypto';
import { LinliError, localServices } from '@linli/contracts';
import type { RpcClient } from '@linli/nest-kit';
import type { PartnerAuth } from './route.js';

/** How long a verified key is taken on trust: a revoked key stops working within this time. */
export const PARTNER_KEY_CACHE_MS = 5_000;
const CACHE_LIMIT = 10_000;

interface Verified {
  providerId: string;
  keyId: string;
  scopes: readonly localServices.ApiKeyScope[];
}

/**
 * Authenticates `/v1/partner/…` requests by their `X-Api-Key`: the key is verified by local-services
 * (`rpc.local-services.api-key.verify.v1`), and a verified key is remembered for
 * {@link PARTNER_KEY_CACHE_MS}, by its hash, so a busy partner costs one verification per interval.
 * Refusals are not remembered (each is audited by local-services). Missing, wrong, revoked or expired
 * keys are 401 with a `LOCAL_SERVICES.API_KEY_*` code; a key without the route's scope is 403.
 */
export class PartnerKeyVerifier {
  private readonly cache = new Map<string, { verified: Verified; until: number }>();

  constructor(
    private readonly rpc: RpcClient,
    private readonly now: () => number = Date.now,
  ) {}

  async authenticate(auth: PartnerAuth, header: string | string[] | undefined): Promise<localServices.Partner> {
    const key = (Array.isArray(header) ? header[0] : header)?.trim();
    if (!key) throw new LinliError('LOCAL_SERVICES.API_KEY_MISSING', 'this route needs an "X-Api-Key: <key>" header with one of your API keys');
    const verified = await this.verify(key);
    const missing = auth.partner.scopes.find((scope) => !verified.scopes.includes(scope));
    if (missing) throw new LinliError('LOCAL_SERVICES.API_KEY_SCOPE', `the API key lacks the "${missing}" scope`, { scope: missing });
    return { providerId: verified.providerId, keyId: verified.keyId };
  }

  private async verify(key: string): Promise<Verified> {
    const id = createHash('sha256').update(key).digest('hex');
    const now = this.now();
    const hit = this.cache.get(id);
    if (hit && hit.until > now) return hit.verified;
    const verified = await this.rpc.request(localServices.verifyApiKey, { key: key.slice(0, 200) });
    if (this.cache.size >= CACHE_LIMIT) {
      for (const [k, v] of this.cache) if (v.until <= now) this.cache.delete(k);
      if (this.cache.size >= CACHE_LIMIT) this.cache.clear();
    }
    this.cache.set(id, { verified, until: now + PARTNER_KEY_CACHE_MS });
    return verified;
  }
}
