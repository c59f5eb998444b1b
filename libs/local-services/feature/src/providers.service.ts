import { Inject, Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { isLinliError, type Actor, type RpcRequest, type localServices } from '@linli/contracts';
import type { ApiKeyRow, ProviderRow } from '@linli/local-services-data-access';
import { generateApiKey, hashApiKey, looksLikeApiKey } from './api-keys.js';
import { LocalServicesErrors } from './local-services.exception.js';
import { toApiKey, toProvider } from './local-services.mappers.js';
import { LocalServicesStore, type Tx } from './local-services.store.js';

type C = typeof localServices;
const isOps = (actor: Actor) => actor.roles.includes('ops');

/**
 * Provider onboarding and API keys: a provider applies, ops approves or rejects with a reason, the
 * approved provider's owner issues scoped keys (shown once, stored hashed), rotates them with an
 * overlap and revokes them. Every decision and key change is audited; so is every refused key.
 */
@Injectable()
export class ProvidersService {
  constructor(@Inject(LocalServicesStore) private readonly store: LocalServicesStore) {}

  async apply(req: RpcRequest<C['applyAsProvider']>): Promise<localServices.Provider> {
    const row = await this.store.run(async (tx) => {
      const provider = await this.store.providers.insertProvider(tx, {
        id: randomUUID(),
        ownerUserId: req.actor.userId,
        companyName: req.companyName,
        contactPhone: req.contactPhone,
        licenceRefs: req.licenceRefs,
        categories: [...new Set(req.categories)],
        compoundIds: [...new Set(req.compoundIds)],
        cancelNoticeHours: req.cancelNoticeHours,
      });
      await this.audit(tx, provider.id, req.actor, 'provider.apply', provider.id);
      return provider;
    });
    return toProvider(row);
  }

  async list(req: RpcRequest<C['listProviders']>): Promise<{ providers: localServices.Provider[] }> {
    const rows = await this.store.providers.listProviders(this.store.reader, {
      ownerUserId: isOps(req.actor) && !req.mine ? null : req.actor.userId,
      status: req.status ?? null,
      limit: req.limit,
    });
    return { providers: rows.map(toProvider) };
  }

  async decide(actor: Actor, providerId: string, decision: 'approved' | 'rejected', reason: string | null): Promise<localServices.Provider> {
    if (!isOps(actor)) throw LocalServicesErrors.opsOnly();
    return this.store.run(async (tx) => {
      const current = await this.store.providers.provider(tx, providerId, { lock: true });
      if (!current) throw LocalServicesErrors.providerNotFound(providerId);
      if (current.status === decision && decision === 'approved') return toProvider(current);
      if (current.status !== 'pending') throw LocalServicesErrors.providerDecided(providerId, current.status);
      const row = await this.store.providers.decide(tx, providerId, { status: decision, reason, decidedBy: actor.userId });
      await this.audit(tx, providerId, actor, decision === 'approved' ? 'provider.approve' : 'provider.reject', providerId);
      return toProvider(row);
    });
  }

  async createKey(req: RpcRequest<C['createApiKey']>) {
    return this.store.run(async (tx) => {
      const provider = await this.ownedApproved(tx, req.actor, req.providerId);
      const issued = await this.issue(tx, provider.id, [...new Set(req.scopes)], req.label ?? null, null);
      await this.audit(tx, provider.id, req.actor, 'api-key.create', issued.keyId);
      return issued;
    });
  }

  async listKeys(req: RpcRequest<C['listApiKeys']>): Promise<{ keys: localServices.ApiKey[] }> {
    const provider = await this.store.providers.provider(this.store.reader, req.providerId);
    if (!provider || (provider.owner_user_id !== req.actor.userId && !isOps(req.actor))) throw LocalServicesErrors.providerNotFound(req.providerId);
    return { keys: (await this.store.providers.keys(this.store.reader, req.providerId)).map(toApiKey) };
  }

  async rotateKey(req: RpcRequest<C['rotateApiKey']>) {
    return this.store.run(async (tx) => {
      const provider = await this.ownedApproved(tx, req.actor, req.providerId);
      const old = await this.liveKey(tx, provider.id, req.keyId);
      const issued = await this.issue(tx, provider.id, old.scopes, old.label, old.id);
      const previous = await this.store.providers.expireKey(tx, old.id, new Date(Date.now() + req.overlapSeconds * 1000));
      await this.audit(tx, provider.id, req.actor, 'api-key.rotate', `${old.id}→${issued.keyId}`);
      return { issued, previous: toApiKey(previous) };
    });
  }

  async revokeKey(req: RpcRequest<C['revokeApiKey']>): Promise<localServices.ApiKey> {
    return this.store.run(async (tx) => {
      const provider = await this.store.providers.provider(tx, req.providerId);
      if (!provider || (provider.owner_user_id !== req.actor.userId && !isOps(req.actor))) throw LocalServicesErrors.providerNotFound(req.providerId);
      const key = await this.store.providers.key(tx, provider.id, req.keyId, { lock: true });
      if (!key) throw LocalServicesErrors.keyNotFound(req.keyId);
      const row = await this.store.providers.revokeKey(tx, key.id);
      await this.audit(tx, provider.id, req.actor, 'api-key.revoke', key.id);
      return toApiKey(row);
    });
  }

  /** The gateway's check of a partner key. A refused key is audited (against its provider when the key is known). */
  async verify(key: string): Promise<{ providerId: string; keyId: string; scopes: localServices.ApiKeyScope[] }> {
    const reader = this.store.reader;
    const row = looksLikeApiKey(key) ? await this.store.providers.keyByHash(reader, hashApiKey(key)) : null;
    const refuse = async (error: ReturnType<typeof LocalServicesErrors.keyInvalid>) => {
      await this.store.providers.audit(reader, {
        providerId: row?.provider_id ?? null,
        keyId: row?.id ?? null,
        actorUserId: null,
        action: 'api-key.verify',
        target: key.slice(0, 8),
        outcome: 'refused',
        code: error.code,
      });
      return error;
    };
    if (!row) throw await refuse(LocalServicesErrors.keyInvalid());
    if (row.revoked_at) throw await refuse(LocalServicesErrors.keyRevoked('revoked'));
    if (row.expires_at && row.expires_at.getTime() <= Date.now()) throw await refuse(LocalServicesErrors.keyRevoked('expired'));
    if (row.provider_status !== 'approved') throw await refuse(LocalServicesErrors.keyRevoked('provider suspended'));
    await this.store.providers.touchKey(reader, row.id);
    return { providerId: row.provider_id, keyId: row.id, scopes: row.scopes as localServices.ApiKeyScope[] };
  }

  async auditLog(req: RpcRequest<C['listAudit']>) {
    const rows = await this.store.providers.auditOf(this.store.reader, req.partner.providerId, req.limit);
    return { entries: rows.map((r) => ({ at: r.at.toISOString(), keyId: r.key_id, actorUserId: r.actor_user_id, action: r.action, target: r.target, outcome: r.outcome, code: r.code })) };
  }

  /**
   * Runs one call made with a partner key and audits it: in the same transaction when it succeeds,
   * on its own when it is refused (the refusal is kept although the work is rolled back).
   */
  async partnerCall<T>(partner: localServices.Partner, action: string, target: string | null, work: (tx: Tx) => Promise<T>): Promise<T> {
    try {
      return await this.store.run(async (tx) => {
        const result = await work(tx);
        await this.store.providers.audit(tx, { providerId: partner.providerId, keyId: partner.keyId, actorUserId: null, action, target, outcome: 'ok', code: null });
        return result;
      });
    } catch (error) {
      await this.store.providers.audit(this.store.reader, {
        providerId: partner.providerId,
        keyId: partner.keyId,
        actorUserId: null,
        action,
        target,
        outcome: 'refused',
        code: isLinliError(error) ? error.code : 'COMMON.INTERNAL',
      });
      throw error;
    }
  }

  private async ownedApproved(tx: Tx, actor: Actor, providerId: string): Promise<ProviderRow> {
    const provider = await this.store.providers.provider(tx, providerId, { lock: true });
    if (!provider || provider.owner_user_id !== actor.userId) throw LocalServicesErrors.providerNotFound(providerId);
    if (provider.status !== 'approved') throw LocalServicesErrors.providerNotApproved(providerId, provider.status);
    return provider;
  }

  private async liveKey(tx: Tx, providerId: string, keyId: string): Promise<ApiKeyRow> {
    const key = await this.store.providers.key(tx, providerId, keyId, { lock: true });
    if (!key) throw LocalServicesErrors.keyNotFound(keyId);
    if (key.revoked_at || (key.expires_at && key.expires_at.getTime() <= Date.now())) throw LocalServicesErrors.keyRevoked(key.revoked_at ? 'revoked' : 'expired');
    return key;
  }

  private async issue(tx: Tx, providerId: string, scopes: string[], label: string | null, rotatedFrom: string | null) {
    const { key, hash, prefix } = generateApiKey();
    const row = await this.store.providers.insertKey(tx, { id: randomUUID(), providerId, keyHash: hash, prefix, label, scopes, rotatedFrom });
    return { ...toApiKey(row), key };
  }

  private async audit(tx: Tx, providerId: string, actor: Actor, action: string, target: string | null): Promise<void> {
    await this.store.providers.audit(tx, { providerId, keyId: null, actorUserId: actor.userId, action, target, outcome: 'ok', code: null });
  }
}
