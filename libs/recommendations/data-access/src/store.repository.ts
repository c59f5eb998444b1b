import type { SqlExecutor } from '@linli/nest-kit';
import type { CampaignFact, CustomerFact } from './bulk-reader.js';

/** Purchase statuses in the order they may advance; `cancelled` is terminal. */
export const PURCHASE_STATUSES = ['placed', 'paid', 'completed', 'cancelled'] as const;
export type PurchaseStatus = (typeof PURCHASE_STATUSES)[number];
/** Statuses that count as a purchase for models and metrics. */
export const COUNTED_STATUSES: readonly PurchaseStatus[] = ['paid', 'completed'];
export const COUNTED_SQL = `status IN ('paid', 'completed')`;

export type ConsentPurpose = 'profiling' | 'marketing';

export interface CustomerRow {
  user_id: string;
  source: string;
  dataset: string;
  compound_id: string | null;
  pickup_point_id: string | null;
  building: string | null;
  profiling_consent: boolean | null;
  marketing_consent: boolean | null;
  household: unknown;
  dietary: unknown;
  declared: unknown;
  attributes: unknown;
}

export interface PurchaseLineInput {
  lineKey: string;
  itemId: string;
  skuId: string | null;
  bundleId: string | null;
  productId: string | null;
  category: string;
  quantity: number;
  amountCents: number;
}

export interface LivePurchaseInput {
  userId: string;
  orderId: string;
  orderedAt: Date;
  status: PurchaseStatus;
  compoundId: string | null;
  pickupPointId: string | null;
  campaignId: string | null;
  lines: PurchaseLineInput[];
}

export interface ParkedRow {
  id: string;
  user_id: string;
  subject: string;
  event_id: string;
  payload: unknown;
}

export interface BehaviourRow {
  eventId: string;
  kind: string;
  occurredAt: Date;
  productId: string | null;
  skuId: string | null;
  campaignId: string | null;
  query: string | null;
  position: number | null;
  reason: string | null;
}

export type UserResolution = { kind: 'erased'; userId: string } | { kind: 'known'; userId: string } | { kind: 'unknown'; userId: string };

const CONSENT_COLUMNS: Record<ConsentPurpose, [string, string]> = {
  profiling: ['profiling_consent', 'profiling_consent_at'],
  marketing: ['marketing_consent', 'marketing_consent_at'],
};

/**
 * The behaviour store: customers, purchases, behaviour events, parked events, erasure tombstones
 * and merges. Every method takes the executor to run on (a transaction in consumers and RPCs).
 */
export class StoreRepository {
  /** Follows merges to the surviving id and says whether that user is erased, known or not yet known. */
  async resolveUser(tx: SqlExecutor, userId: string): Promise<UserResolution> {
    let id = userId;
    for (let hop = 0; hop < 10; hop++) {
      const next = await tx.$queryRawUnsafe<{ target_user_id: string }[]>('SELECT target_user_id FROM user_merges WHERE source_user_id = $1', id);
      if (!next[0] || next[0].target_user_id === id) break;
      id = next[0].target_user_id;
    }
    const rows = await tx.$queryRawUnsafe<{ erased: boolean; known: boolean }[]>(
      `SELECT EXISTS (SELECT 1 FROM erased_users WHERE user_id = $1) AS erased,
              EXISTS (SELECT 1 FROM customers WHERE user_id = $1) AS known`,
      id,
    );
    const row = rows[0]!;
    return { kind: row.erased ? 'erased' : row.known ? 'known' : 'unknown', userId: id };
  }

  async getCustomer(tx: SqlExecutor, userId: string): Promise<CustomerRow | null> {
    const rows = await tx.$queryRawUnsafe<CustomerRow[]>(
      `SELECT user_id, source, dataset, compound_id, pickup_point_id, building, profiling_consent, marketing_consent,
              household, dietary, declared, attributes
         FROM customers WHERE user_id = $1`,
      userId,
    );
    return rows[0] ?? null;
  }

  /** Makes the user known (no-op when they are). Returns true when the row was created. */
  async ensureCustomer(tx: SqlExecutor, userId: string, place: { compoundId?: string | null; pickupPointId?: string | null } = {}): Promise<boolean> {
    const inserted = await tx.$executeRawUnsafe(
      `INSERT INTO customers (user_id, compound_id, pickup_point_id) VALUES ($1, $2, $3) ON CONFLICT (user_id) DO NOTHING`,
      userId,
      place.compoundId ?? null,
      place.pickupPointId ?? null,
    );
    return inserted > 0;
  }

  /** The resident's declared profile (identity's profile.updated carries the whole profile). */
  async upsertProfile(
    tx: SqlExecutor,
    userId: string,
    profile: { compoundId?: string; building?: string; household?: unknown; dietary?: unknown; declared: Record<string, string> },
  ): Promise<void> {
    await tx.$executeRawUnsafe(
      `INSERT INTO customers (user_id, compound_id, building, household, dietary, declared)
       VALUES ($1, $2, $3, $4::jsonb, $5::jsonb, $6::jsonb)
       ON CONFLICT (user_id) DO UPDATE SET
         compound_id = COALESCE(EXCLUDED.compound_id, customers.compound_id),
         building = EXCLUDED.building,
         household = EXCLUDED.household,
         dietary = EXCLUDED.dietary,
         declared = EXCLUDED.declared,
         updated_at = now()`,
      userId,
      profile.compoundId ?? null,
      profile.building ?? null,
      profile.household === undefined ? null : JSON.stringify(profile.household),
      profile.dietary === undefined ? null : JSON.stringify(profile.dietary),
      JSON.stringify(profile.declared),
    );
  }

  /** Records a consent decision unless a newer one is already recorded. */
  async setConsent(tx: SqlExecutor, userId: string, purpose: ConsentPurpose, granted: boolean, changedAt: Date): Promise<void> {
    const [value, at] = CONSENT_COLUMNS[purpose];
    await tx.$executeRawUnsafe(
      `INSERT INTO customers (user_id, ${value}, ${at}) VALUES ($1, $2, $3)
       ON CONFLICT (user_id) DO UPDATE SET ${value} = EXCLUDED.${value}, ${at} = EXCLUDED.${at}, updated_at = now()
       WHERE customers.${at} IS NULL OR customers.${at} <= EXCLUDED.${at}`,
      userId,
      granted,
      changedAt,
    );
  }

  /** Where the resident picks up (leader-ops binding, or the latest order). */
  async setPlace(tx: SqlExecutor, userId: string, compoundId: string | null, pickupPointId: string | null): Promise<void> {
    await tx.$executeRawUnsafe(
      `INSERT INTO customers (user_id, compound_id, pickup_point_id) VALUES ($1, $2, $3)
       ON CONFLICT (user_id) DO UPDATE SET
         compound_id = COALESCE(EXCLUDED.compound_id, customers.compound_id),
         pickup_point_id = COALESCE(EXCLUDED.pickup_point_id, customers.pickup_point_id),
         updated_at = now()`,
      userId,
      compoundId,
      pickupPointId,
    );
  }

  /**
   * Moves everything of `source` to `target`: purchases, behaviour, parked events and the customer
   * record (the target's own values win, the source fills gaps, the newer consent decision wins).
   * Later events about `source` follow the recorded merge.
   */
  async merge(tx: SqlExecutor, sourceUserId: string, targetUserId: string, mergedAt: Date): Promise<void> {
    if (sourceUserId === targetUserId) return;
    await tx.$executeRawUnsafe(
      `INSERT INTO user_merges (source_user_id, target_user_id, merged_at) VALUES ($1, $2, $3) ON CONFLICT (source_user_id) DO NOTHING`,
      sourceUserId,
      targetUserId,
      mergedAt,
    );
    await tx.$executeRawUnsafe('UPDATE nps_responses SET user_id = $2 WHERE user_id = $1', sourceUserId, targetUserId);
    // Earlier merges into the source now lead to the target in one hop.
    await tx.$executeRawUnsafe('UPDATE user_merges SET target_user_id = $2 WHERE target_user_id = $1', sourceUserId, targetUserId);
    await tx.$executeRawUnsafe(
      `INSERT INTO customers AS t (user_id, source, dataset, compound_id, pickup_point_id, building, profiling_consent, profiling_consent_at,
                                   marketing_consent, marketing_consent_at, household, dietary, declared, attributes)
       SELECT $2, source, dataset, compound_id, pickup_point_id, building, profiling_consent, profiling_consent_at,
              marketing_consent, marketing_consent_at, household, dietary, declared, attributes
         FROM customers WHERE user_id = $1
       ON CONFLICT (user_id) DO UPDATE SET
         compound_id = COALESCE(t.compound_id, EXCLUDED.compound_id),
         pickup_point_id = COALESCE(t.pickup_point_id, EXCLUDED.pickup_point_id),
         building = COALESCE(t.building, EXCLUDED.building),
         household = COALESCE(t.household, EXCLUDED.household),
         dietary = COALESCE(t.dietary, EXCLUDED.dietary),
         declared = EXCLUDED.declared || t.declared,
         attributes = COALESCE(t.attributes, EXCLUDED.attributes),
         profiling_consent = CASE WHEN t.profiling_consent_at IS NULL OR t.profiling_consent_at < EXCLUDED.profiling_consent_at
                                  THEN EXCLUDED.profiling_consent ELSE t.profiling_consent END,
         profiling_consent_at = GREATEST(t.profiling_consent_at, EXCLUDED.profiling_consent_at),
         marketing_consent = CASE WHEN t.marketing_consent_at IS NULL OR t.marketing_consent_at < EXCLUDED.marketing_consent_at
                                  THEN EXCLUDED.marketing_consent ELSE t.marketing_consent END,
         marketing_consent_at = GREATEST(t.marketing_consent_at, EXCLUDED.marketing_consent_at),
         updated_at = now()`,
      sourceUserId,
      targetUserId,
    );
    for (const table of ['purchases', 'service_purchases', 'behaviour_events', 'parked_events']) {
      await tx.$executeRawUnsafe(`UPDATE ${table} SET user_id = $2 WHERE user_id = $1`, sourceUserId, targetUserId);
    }
    await tx.$executeRawUnsafe('DELETE FROM customer_assets WHERE user_id = $1', sourceUserId);
    await tx.$executeRawUnsafe('DELETE FROM customers WHERE user_id = $1', sourceUserId);
  }

  /** Deletes everything about the user and remembers the erasure so later events are ignored. */
  /** Stores one NPS answer (again: nothing changes). */
  async recordNps(
    tx: SqlExecutor,
    r: { responseId: string; userId: string; score: number; trigger: string; compoundId: string | null; pickupPointId: string | null; leaderUserId: string | null; answeredAt: Date },
  ): Promise<void> {
    await tx.$executeRawUnsafe(
      `INSERT INTO nps_responses (response_id, user_id, score, trigger, compound_id, pickup_point_id, leader_user_id, answered_at)
       VALUES ($1::uuid, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (response_id) DO NOTHING`,
      r.responseId,
      r.userId,
      r.score,
      r.trigger,
      r.compoundId,
      r.pickupPointId,
      r.leaderUserId,
      r.answeredAt,
    );
  }

  async erase(tx: SqlExecutor, userId: string, erasedAt: Date): Promise<void> {
    for (const table of ['purchases', 'service_purchases', 'behaviour_events', 'parked_events', 'customer_assets', 'customers']) {
      await tx.$executeRawUnsafe(`DELETE FROM ${table} WHERE user_id = $1`, userId);
    }
    await tx.$executeRawUnsafe("UPDATE segments SET created_by = '00000000-0000-0000-0000-000000000000' WHERE created_by = $1", userId);
    // NPS answers stay as anonymous answers, so the reported NPS does not change.
    await tx.$executeRawUnsafe('UPDATE nps_responses SET user_id = NULL WHERE user_id = $1', userId);
    await tx.$executeRawUnsafe(
      'INSERT INTO erased_users (user_id, erased_at) VALUES ($1, $2) ON CONFLICT (user_id) DO NOTHING',
      userId,
      erasedAt,
    );
  }

  /** Upserts an order's lines. A status only advances (placed → paid → completed); cancelled is final. */
  async upsertLivePurchase(tx: SqlExecutor, p: LivePurchaseInput): Promise<void> {
    if (p.lines.length === 0) return;
    const col = <K extends keyof PurchaseLineInput>(key: K) => p.lines.map((l) => l[key]);
    await tx.$executeRawUnsafe(
      `INSERT INTO purchases (user_id, source, dataset, order_id, line_key, ordered_at, item_id, sku_id, bundle_id, product_id, category,
                              quantity, amount_cents, status, compound_id, pickup_point_id, campaign_id)
       SELECT $1, 'live', '', $2, l.line_key, $3, l.item_id, l.sku_id, l.bundle_id, l.product_id, l.category, l.quantity, l.amount_cents,
              $4, $5, $6, $7
         FROM unnest($8::text[], $9::text[], $10::text[], $11::text[], $12::text[], $13::text[], $14::int[], $15::int[])
              AS l(line_key, item_id, sku_id, bundle_id, product_id, category, quantity, amount_cents)
       ON CONFLICT (source, dataset, order_id, line_key) DO UPDATE SET
         user_id = EXCLUDED.user_id,
         status = CASE
           WHEN purchases.status = 'cancelled' THEN 'cancelled'
           WHEN array_position(ARRAY['placed','paid','completed','cancelled'], EXCLUDED.status)
                > array_position(ARRAY['placed','paid','completed','cancelled'], purchases.status) THEN EXCLUDED.status
           ELSE purchases.status END,
         amount_cents = EXCLUDED.amount_cents,
         quantity = EXCLUDED.quantity,
         compound_id = COALESCE(EXCLUDED.compound_id, purchases.compound_id),
         pickup_point_id = COALESCE(EXCLUDED.pickup_point_id, purchases.pickup_point_id),
         updated_at = now()`,
      p.userId,
      p.orderId,
      p.orderedAt,
      p.status,
      p.compoundId,
      p.pickupPointId,
      p.campaignId,
      col('lineKey'),
      col('itemId'),
      col('skuId'),
      col('bundleId'),
      col('productId'),
      col('category'),
      col('quantity'),
      col('amountCents'),
    );
  }

  /** Upserts a local-services booking. Its status only advances (placed → completed); cancelled is final. */
  async upsertServicePurchase(
    tx: SqlExecutor,
    p: { bookingId: string; userId: string; compoundId: string | null; category: string; amountCents: number; status: 'placed' | 'completed' | 'cancelled'; bookedAt: Date },
  ): Promise<void> {
    await tx.$executeRawUnsafe(
      `INSERT INTO service_purchases (booking_id, user_id, compound_id, category, amount_cents, status, booked_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7)
       ON CONFLICT (booking_id) DO UPDATE SET
         user_id = EXCLUDED.user_id,
         status = CASE
           WHEN service_purchases.status = 'cancelled' THEN 'cancelled'
           WHEN array_position(ARRAY['placed','completed','cancelled'], EXCLUDED.status)
                > array_position(ARRAY['placed','completed','cancelled'], service_purchases.status) THEN EXCLUDED.status
           ELSE service_purchases.status END,
         updated_at = now()`,
      p.bookingId,
      p.userId,
      p.compoundId,
      p.category,
      p.amountCents,
      p.status,
      p.bookedAt,
    );
  }

  /** Adds refunded amounts to lines (capped at the line amount). */
  async addRefunds(tx: SqlExecutor, orderId: string, refunds: { lineKey: string; amountCents: number }[]): Promise<void> {
    for (const refund of refunds) {
      await tx.$executeRawUnsafe(
        `UPDATE purchases SET refunded_cents = LEAST(amount_cents, refunded_cents + $3), updated_at = now()
          WHERE source = 'live' AND dataset = '' AND order_id = $1 AND line_key = $2`,
        orderId,
        refund.lineKey,
        refund.amountCents,
      );
    }
  }

  /** Inserts behaviour events; returns how many were new (the rest were already recorded). */
  async insertBehaviour(tx: SqlExecutor, userId: string, events: BehaviourRow[]): Promise<number> {
    if (events.length === 0) return 0;
    const col = <K extends keyof BehaviourRow>(key: K) => events.map((e) => e[key]);
    return tx.$executeRawUnsafe(
      `INSERT INTO behaviour_events (event_id, user_id, kind, occurred_at, product_id, sku_id, campaign_id, query, position, reason)
       SELECT e.event_id, $1, e.kind, e.occurred_at, e.product_id, e.sku_id, e.campaign_id, e.query, e.position, e.reason
         FROM unnest($2::uuid[], $3::text[], $4::timestamptz[], $5::text[], $6::text[], $7::text[], $8::text[], $9::int[], $10::text[])
              AS e(event_id, kind, occurred_at, product_id, sku_id, campaign_id, query, position, reason)
       ON CONFLICT (event_id) DO NOTHING`,
      userId,
      col('eventId'),
      col('kind'),
      col('occurredAt'),
      col('productId'),
      col('skuId'),
      col('campaignId'),
      col('query'),
      col('position'),
      col('reason'),
    );
  }

  /** Event ids among `ids` already recorded or parked (for counting duplicates). */
  async knownBehaviourIds(tx: SqlExecutor, ids: string[]): Promise<Set<string>> {
    const rows = await tx.$queryRawUnsafe<{ id: string }[]>(
      `SELECT event_id::text AS id FROM behaviour_events WHERE event_id = ANY($1::uuid[])
       UNION SELECT event_id AS id FROM parked_events WHERE subject = 'behaviour' AND event_id = ANY($1::text[])`,
      ids,
    );
    return new Set(rows.map((r) => r.id));
  }

  /** Keeps an event until its user becomes known. Returns false when it was parked already. */
  async park(tx: SqlExecutor, userId: string, subject: string, eventId: string, payload: unknown): Promise<boolean> {
    const inserted = await tx.$executeRawUnsafe(
      `INSERT INTO parked_events (user_id, subject, event_id, payload) VALUES ($1, $2, $3, $4::jsonb) ON CONFLICT (subject, event_id) DO NOTHING`,
      userId,
      subject,
      eventId,
      JSON.stringify(payload),
    );
    return inserted > 0;
  }

  /** Takes (locks and deletes) the parked events of a user, oldest first. */
  async takeParked(tx: SqlExecutor, userId: string): Promise<ParkedRow[]> {
    return tx.$queryRawUnsafe<ParkedRow[]>(
      `DELETE FROM parked_events WHERE id IN (SELECT id FROM parked_events WHERE user_id = $1 ORDER BY id FOR UPDATE SKIP LOCKED)
       RETURNING id::text AS id, user_id, subject, event_id, payload`,
      userId,
    ).then((rows) => rows.sort((a, b) => Number(a.id) - Number(b.id)));
  }

  /**
   * Users with parked events to release: known users whose events waited longer than `knownBefore`
   * (parked by a transaction that raced with the one making them known), and users still unknown
   * whose oldest event is older than `unknownBefore`.
   */
  async parkedUsersToRelease(tx: SqlExecutor, knownBefore: Date, unknownBefore: Date, limit: number): Promise<{ userId: string; known: boolean }[]> {
    const rows = await tx.$queryRawUnsafe<{ user_id: string; known: boolean }[]>(
      `SELECT p.user_id, (c.user_id IS NOT NULL) AS known
         FROM parked_events p LEFT JOIN customers c ON c.user_id = p.user_id
        GROUP BY p.user_id, c.user_id
       HAVING (c.user_id IS NOT NULL AND min(p.parked_at) < $1) OR (c.user_id IS NULL AND min(p.parked_at) < $2)
        ORDER BY min(p.parked_at) LIMIT $3`,
      knownBefore,
      unknownBefore,
      limit,
    );
    return rows.map((r) => ({ userId: r.user_id, known: r.known }));
  }

  /** Where the user's newest parked event placed them (compound, pickup point), if it said. */
  async latestParkedPlace(tx: SqlExecutor, userId: string): Promise<{ compoundId: string | null; pickupPointId: string | null }> {
    const rows = await tx.$queryRawUnsafe<{ payload: { compoundId?: string; pickupPointId?: string } }[]>(
      'SELECT payload FROM parked_events WHERE user_id = $1 ORDER BY id DESC LIMIT 1',
      userId,
    );
    const payload = rows[0]?.payload;
    return { compoundId: payload?.compoundId ?? null, pickupPointId: payload?.pickupPointId ?? null };
  }

  /** The customer as serving needs them (with their asset tags), read through `tx` (uncommitted rows included). */
  async customerFact(tx: SqlExecutor, userId: string): Promise<CustomerFact | null> {
    const rows = await tx.$queryRawUnsafe<
      { user_id: string; source: string; compound_id: string | null; pickup_point_id: string | null; profiling_consent: boolean | null; marketing_consent: boolean | null; household: unknown; dietary: unknown; attributes: Record<string, string> | null; tags: unknown }[]
    >(
      `SELECT c.user_id, c.source, c.compound_id, c.pickup_point_id, c.profiling_consent, c.marketing_consent, c.household, c.dietary, c.attributes, a.tags
         FROM customers c LEFT JOIN customer_assets a ON a.user_id = c.user_id WHERE c.user_id = $1`,
      userId,
    );
    const r = rows[0];
    if (!r) return null;
    return {
      userId: r.user_id,
      source: r.source,
      compoundId: r.compound_id,
      pickupPointId: r.pickup_point_id,
      profilingConsent: r.profiling_consent,
      marketingConsent: r.marketing_consent,
      household: r.household,
      dietary: r.dietary,
      attributes: r.attributes,
      assetTags: r.tags ?? null,
    };
  }

  /**
   * A campaign as serving needs it, with the names and categories of its products and the specs of
   * its SKUs, read through `tx` (uncommitted rows included). Null when it is not stored.
   */
  async campaignFact(
    tx: SqlExecutor,
    campaignId: string,
  ): Promise<{ fact: CampaignFact; products: Map<string, { name: string; category: string }>; specs: Map<string, string> } | null> {
    const rows = await tx.$queryRawUnsafe<{ status: string; cutoff: number; compound_ids: string[]; pickup_point_ids: string[] }[]>(
      `SELECT status, (extract(epoch FROM cutoff_at) * 1000)::float8 AS cutoff, compound_ids, pickup_point_ids FROM campaigns WHERE campaign_id = $1`,
      campaignId,
    );
    const head = rows[0];
    if (!head) return null;
    const offers = await tx.$queryRawUnsafe<CampaignFact['offers']>(
      `SELECT offer_id AS "offerId", item_id AS "itemId", kind, sku_id AS "skuId", bundle_id AS "bundleId", product_id AS "productId", category,
              component_product_ids AS "componentProductIds" FROM campaign_offers WHERE campaign_id = $1`,
      campaignId,
    );
    const fact: CampaignFact = { campaignId, status: head.status, cutoffAt: head.cutoff, compoundIds: head.compound_ids, pickupPointIds: head.pickup_point_ids, offers };
    const productIds = [...new Set(fact.offers.flatMap((o) => [o.productId, ...o.componentProductIds]).filter((id): id is string => !!id))];
    const products = await tx.$queryRawUnsafe<{ product_id: string; name: string; category: string }[]>(
      'SELECT product_id, name, category FROM products WHERE product_id = ANY($1::text[])',
      productIds,
    );
    const skuRows = await tx.$queryRawUnsafe<{ sku_id: string; spec: string }[]>(
      'SELECT sku_id, spec FROM skus WHERE sku_id = ANY($1::text[])',
      fact.offers.map((o) => o.skuId).filter((id): id is string => !!id),
    );
    return {
      fact,
      products: new Map(products.map((p) => [p.product_id, { name: p.name, category: p.category }])),
      specs: new Map(skuRows.map((s) => [s.sku_id, s.spec])),
    };
  }

  /** Serialises work on one user across consumers and RPCs until the transaction ends. */
  async lockUser(tx: SqlExecutor, userId: string): Promise<void> {
    await tx.$executeRawUnsafe('SELECT pg_advisory_xact_lock(hashtextextended($1, 7))', `recommendations-user:${userId}`);
  }

  async countParked(tx: SqlExecutor, userId?: string): Promise<number> {
    const rows = userId
      ? await tx.$queryRawUnsafe<{ n: number }[]>('SELECT count(*)::int AS n FROM parked_events WHERE user_id = $1', userId)
      : await tx.$queryRawUnsafe<{ n: number }[]>('SELECT count(*)::int AS n FROM parked_events');
    return rows[0]?.n ?? 0;
  }

  async upsertPickupPoint(tx: SqlExecutor, p: { pickupPointId: string; leaderUserId: string; name: string; compoundIds: string[]; status: string }): Promise<void> {
    await tx.$executeRawUnsafe(
      `INSERT INTO pickup_points (pickup_point_id, leader_user_id, name, compound_ids, status) VALUES ($1, $2, $3, $4::text[], $5)
       ON CONFLICT (pickup_point_id) DO UPDATE SET leader_user_id = EXCLUDED.leader_user_id, name = EXCLUDED.name,
         compound_ids = EXCLUDED.compound_ids, status = EXCLUDED.status, updated_at = now()`,
      p.pickupPointId,
      p.leaderUserId,
      p.name,
      p.compoundIds,
      p.status,
    );
  }

  /** The active pickup points a leader runs, with their compounds. */
  async pickupPointsOfLeader(tx: SqlExecutor, leaderUserId: string): Promise<{ pickupPointId: string; compoundIds: string[] }[]> {
    const rows = await tx.$queryRawUnsafe<{ pickup_point_id: string; compound_ids: string[] }[]>(
      `SELECT pickup_point_id, compound_ids FROM pickup_points WHERE leader_user_id = $1 AND status = 'active'`,
      leaderUserId,
    );
    return rows.map((r) => ({ pickupPointId: r.pickup_point_id, compoundIds: r.compound_ids }));
  }

  async upsertProduct(
    tx: SqlExecutor,
    p: { productId: string; name: string; category: string; healthFlags: string[]; tags: string[]; active: boolean; skus: { skuId: string; spec: string; priceCents: number; active: boolean }[] },
  ): Promise<void> {
    await tx.$executeRawUnsafe(
      `INSERT INTO products (product_id, name, category, health_flags, tags, active, source) VALUES ($1, $2, $3, $4::text[], $5::text[], $6, 'live')
       ON CONFLICT (product_id) DO UPDATE SET name = EXCLUDED.name, category = EXCLUDED.category, health_flags = EXCLUDED.health_flags,
         tags = EXCLUDED.tags, active = EXCLUDED.active, updated_at = now()`,
      p.productId,
      p.name,
      p.category,
      p.healthFlags,
      p.tags,
      p.active,
    );
    for (const sku of p.skus) {
      await tx.$executeRawUnsafe(
        `INSERT INTO skus (sku_id, product_id, spec, price_cents, active) VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (sku_id) DO UPDATE SET product_id = EXCLUDED.product_id, spec = EXCLUDED.spec, price_cents = EXCLUDED.price_cents, active = EXCLUDED.active`,
        sku.skuId,
        p.productId,
        sku.spec,
        sku.priceCents,
        sku.active,
      );
    }
  }

  async upsertCampaign(
    tx: SqlExecutor,
    c: {
      campaignId: string;
      title: string;
      startsAt: Date;
      cutoffAt: Date;
      compoundIds: string[];
      pickupPointIds: string[];
      publishedAt: Date;
      offers: { offerId: string; kind: string; itemId: string; skuId: string | null; bundleId: string | null; productId: string | null; category: string | null; priceCents: number; componentProductIds: string[] }[];
    },
  ): Promise<void> {
    await tx.$executeRawUnsafe(
      `INSERT INTO campaigns (campaign_id, title, starts_at, cutoff_at, compound_ids, pickup_point_ids, status, published_at)
       VALUES ($1, $2, $3, $4, $5::text[], $6::text[], 'published', $7)
       ON CONFLICT (campaign_id) DO UPDATE SET title = EXCLUDED.title, starts_at = EXCLUDED.starts_at, cutoff_at = EXCLUDED.cutoff_at,
         compound_ids = EXCLUDED.compound_ids, pickup_point_ids = EXCLUDED.pickup_point_ids, published_at = EXCLUDED.published_at`,
      c.campaignId,
      c.title,
      c.startsAt,
      c.cutoffAt,
      c.compoundIds,
      c.pickupPointIds,
      c.publishedAt,
    );
    await tx.$executeRawUnsafe('DELETE FROM campaign_offers WHERE campaign_id = $1', c.campaignId);
    for (const o of c.offers) {
      await tx.$executeRawUnsafe(
        `INSERT INTO campaign_offers (campaign_id, offer_id, kind, item_id, sku_id, bundle_id, product_id, category, price_cents, component_product_ids)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10::text[])`,
        c.campaignId,
        o.offerId,
        o.kind,
        o.itemId,
        o.skuId,
        o.bundleId,
        o.productId,
        o.category,
        o.priceCents,
        o.componentProductIds,
      );
    }
  }

  async closeCampaign(tx: SqlExecutor, campaignId: string, closedAt: Date): Promise<void> {
    await tx.$executeRawUnsafe(`UPDATE campaigns SET status = 'closed', closed_at = $2 WHERE campaign_id = $1`, campaignId, closedAt);
  }
}
