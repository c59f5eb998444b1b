import type { SqlExecutor } from '@linli/nest-kit';

export interface ProviderRow {
  id: string;
  owner_user_id: string;
  company_name: string;
  contact_phone: string;
  licence_refs: { kind: string; number: string }[];
  categories: string[];
  compound_ids: string[];
  cancel_notice_hours: number;
  status: 'pending' | 'approved' | 'rejected' | 'suspended';
  decision_reason: string | null;
  decided_by: string | null;
  decided_at: Date | null;
  created_at: Date;
}

export interface ApiKeyRow {
  id: string;
  provider_id: string;
  prefix: string;
  label: string | null;
  scopes: string[];
  rotated_from: string | null;
  created_at: Date;
  expires_at: Date | null;
  revoked_at: Date | null;
  last_used_at: Date | null;
}

export interface AuditRow {
  provider_id: string | null;
  key_id: string | null;
  actor_user_id: string | null;
  action: string;
  target: string | null;
  outcome: 'ok' | 'refused';
  code: string | null;
  at: Date;
}

const PROVIDER = `id::text, owner_user_id::text, company_name, contact_phone, licence_refs, categories, compound_ids, cancel_notice_hours,
  status, decision_reason, decided_by::text, decided_at, created_at`;
const KEY = `id::text, provider_id::text, prefix, label, scopes, rotated_from::text, created_at, expires_at, revoked_at, last_used_at`;

/** Providers (applications and accounts), their API keys and the audit log. */
export class ProvidersRepository {
  async insertProvider(
    tx: SqlExecutor,
    p: { id: string; ownerUserId: string; companyName: string; contactPhone: string; licenceRefs: unknown; categories: string[]; compoundIds: string[]; cancelNoticeHours: number },
  ): Promise<ProviderRow> {
    const rows = await tx.$queryRawUnsafe<ProviderRow[]>(
      `INSERT INTO providers (id, owner_user_id, company_name, contact_phone, licence_refs, categories, compound_ids, cancel_notice_hours)
       VALUES ($1::uuid, $2::uuid, $3, $4, $5::jsonb, $6::text[], $7::text[], $8) RETURNING ${PROVIDER}`,
      p.id,
      p.ownerUserId,
      p.companyName,
      p.contactPhone,
      JSON.stringify(p.licenceRefs),
      p.categories,
      p.compoundIds,
      p.cancelNoticeHours,
    );
    return rows[0]!;
  }

  async provider(tx: SqlExecutor, providerId: string, options: { lock?: boolean } = {}): Promise<ProviderRow | null> {
    const rows = await tx.$queryRawUnsafe<ProviderRow[]>(`SELECT ${PROVIDER} FROM providers WHERE id = $1::uuid${options.lock ? ' FOR UPDATE' : ''}`, providerId);
    return rows[0] ?? null;
  }

  async listProviders(tx: SqlExecutor, filter: { ownerUserId: string | null; status: string | null; limit: number }): Promise<ProviderRow[]> {
    return tx.$queryRawUnsafe<ProviderRow[]>(
      `SELECT ${PROVIDER} FROM providers
        WHERE ($1::uuid IS NULL OR owner_user_id = $1::uuid) AND ($2::text IS NULL OR status = $2)
        ORDER BY created_at DESC, id DESC LIMIT $3`,
      filter.ownerUserId,
      filter.status,
      filter.limit,
    );
  }

  async decide(tx: SqlExecutor, providerId: string, d: { status: 'approved' | 'rejected'; reason: string | null; decidedBy: string }): Promise<ProviderRow> {
    const rows = await tx.$queryRawUnsafe<ProviderRow[]>(
      `UPDATE providers SET status = $2, decision_reason = $3, decided_by = $4::uuid, decided_at = now() WHERE id = $1::uuid RETURNING ${PROVIDER}`,
      providerId,
      d.status,
      d.reason,
      d.decidedBy,
    );
    return rows[0]!;
  }

  async insertKey(tx: SqlExecutor, k: { id: string; providerId: string; keyHash: string; prefix: string; label: string | null; scopes: string[]; rotatedFrom: string | null }): Promise<ApiKeyRow> {
    const rows = await tx.$queryRawUnsafe<ApiKeyRow[]>(
      `INSERT INTO api_keys (id, provider_id, key_hash, prefix, label, scopes, rotated_from)
       VALUES ($1::uuid, $2::uuid, $3, $4, $5, $6::text[], $7::uuid) RETURNING ${KEY}`,
      k.id,
      k.providerId,
      k.keyHash,
      k.prefix,
      k.label,
      k.scopes,
      k.rotatedFrom,
    );
    return rows[0]!;
  }

  async key(tx: SqlExecutor, providerId: string, keyId: string, options: { lock?: boolean } = {}): Promise<ApiKeyRow | null> {
    const rows = await tx.$queryRawUnsafe<ApiKeyRow[]>(
      `SELECT ${KEY} FROM api_keys WHERE id = $1::uuid AND provider_id = $2::uuid${options.lock ? ' FOR UPDATE' : ''}`,
      keyId,
      providerId,
    );
    return rows[0] ?? null;
  }

  async keys(tx: SqlExecutor, providerId: string): Promise<ApiKeyRow[]> {
    return tx.$queryRawUnsafe<ApiKeyRow[]>(`SELECT ${KEY} FROM api_keys WHERE provider_id = $1::uuid ORDER BY created_at DESC, id`, providerId);
  }

  /** The key with this hash and its provider's status. */
  async keyByHash(tx: SqlExecutor, keyHash: string): Promise<(ApiKeyRow & { provider_status: string }) | null> {
    const rows = await tx.$queryRawUnsafe<(ApiKeyRow & { provider_status: string })[]>(
      `SELECT ${KEY.split(', ').map((c) => `k.${c}`).join(', ')}, p.status AS provider_status
         FROM api_keys k JOIN providers p ON p.id = k.provider_id WHERE k.key_hash = $1`,
      keyHash,
    );
    return rows[0] ?? null;
  }

  /** Records use at most once a minute per key (the gateway caches verifications, so this is rare anyway). */
  async touchKey(tx: SqlExecutor, keyId: string): Promise<void> {
    await tx.$executeRawUnsafe(
      `UPDATE api_keys SET last_used_at = now() WHERE id = $1::uuid AND (last_used_at IS NULL OR last_used_at < now() - interval '1 minute')`,
      keyId,
    );
  }

  /** Ends a key at `at` (rotation overlap), never later than an earlier end. */
  async expireKey(tx: SqlExecutor, keyId: string, at: Date): Promise<ApiKeyRow> {
    const rows = await tx.$queryRawUnsafe<ApiKeyRow[]>(
      `UPDATE api_keys SET expires_at = LEAST(coalesce(expires_at, $2::timestamptz), $2::timestamptz) WHERE id = $1::uuid RETURNING ${KEY}`,
      keyId,
      at,
    );
    return rows[0]!;
  }

  async revokeKey(tx: SqlExecutor, keyId: string): Promise<ApiKeyRow> {
    const rows = await tx.$queryRawUnsafe<ApiKeyRow[]>(`UPDATE api_keys SET revoked_at = coalesce(revoked_at, now()) WHERE id = $1::uuid RETURNING ${KEY}`, keyId);
    return rows[0]!;
  }

  async audit(
    tx: SqlExecutor,
    e: { providerId: string | null; keyId: string | null; actorUserId: string | null; action: string; target: string | null; outcome: 'ok' | 'refused'; code: string | null },
  ): Promise<void> {
    await tx.$executeRawUnsafe(
      `INSERT INTO audit_log (provider_id, key_id, actor_user_id, action, target, outcome, code) VALUES ($1::uuid, $2::uuid, $3::uuid, $4, $5, $6, $7)`,
      e.providerId,
      e.keyId,
      e.actorUserId,
      e.action,
      e.target,
      e.outcome,
      e.code,
    );
  }

  async auditOf(tx: SqlExecutor, providerId: string, limit: number): Promise<AuditRow[]> {
    return tx.$queryRawUnsafe<AuditRow[]>(
      `SELECT provider_id::text, key_id::text, actor_user_id::text, action, target, outcome, code, at FROM audit_log
        WHERE provider_id = $1::uuid ORDER BY at DESC, id DESC LIMIT $2`,
      providerId,
      limit,
    );
  }

  /** Providers the user applied for (their own export). */
  async providersOwnedBy(tx: SqlExecutor, userIds: string[]): Promise<ProviderRow[]> {
    return tx.$queryRawUnsafe<ProviderRow[]>(`SELECT ${PROVIDER} FROM providers WHERE owner_user_id = ANY($1::uuid[]) ORDER BY created_at`, userIds);
  }
}
