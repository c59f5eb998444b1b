import type { SqlExecutor } from '@linli/nest-kit';
import type { Binding, CampaignStatusValue } from './campaign.repository.js';
import { json } from './client.js';
import type { OfferIdentity, PlacementLine } from './order-line.js';

/** One order for {@link PlacementRepository.placeOrders}: everything it writes, decided and priced by the caller. */
export interface PlacementOrder {
  orderId: string;
  userId: string;
  campaignId: string;
  pickupPointId: string;
  compoundId: string;
  idempotencyKey: string;
  requestHash: string;
  totalCents: number;
  pickupCode: string;
  placedAt: Date;
  expiresAt: Date;
  lines: PlacementLine[];
  actor: { kind: string; userId: string | null };
  /** Per-customer quotas to take, in offer-id order (the one lock order of quota rows). */
  quotas: { offerId: string; quantity: number; limit: number }[];
  /** Units to reserve per SKU, in SKU-id order (the one lock order of stock buckets). */
  stock: { skuId: string; quantity: number }[];
  /** Points spent on the order and the growth ledger's reservation holding them (absent: none). */
  points?: { spent: number; discountCents: number; reservationId: string };
  /** The `orders.order.placed.v1` outbox row (payload and trace context as JSON text). */
  event: { id: string; subject: string; payload: string; traceContext: string };
}

/** What one placement request names. */
export interface PlacementRequest {
  userId: string;
  idempotencyKey: string;
  campaignId: string;
  offerIds: string[];
}

/** A campaign offer as pricing needs it; a SKU offer has one component with `perUnit` 1 (components in SKU-id order). */
export interface PlacementOfferRow extends OfferIdentity {
  priceCents: number;
  perCustomerLimit: number | null;
  components: { skuId: string; productId: string; categoryId: string; perUnit: number; listPriceCents: number }[];
}

/** Everything placing reads before it writes, for one request. */
export interface PlacementContext {
  existing: { id: string; request_hash: string } | null;
  binding: Binding | null;
  campaign: { id: string; status: CampaignStatusValue; starts_at: Date; cutoff_at: Date } | null;
  serves: boolean;
  /** The campaign's offers among those requested. */
  offers: PlacementOfferRow[];
  /** Stock left per SKU of those offers (read without locks; a SKU without stock rows has none). */
  available: Record<string, number>;
}

/** 'placed', 'duplicate' (the idempotency key is taken), 'limit:<offer id>' (a per-customer limit), 'short:<sku id>' (stock) or 'full:<pickup point id>' (the point's daily capacity for the delivery date). */
export type PlacementOutcome = string;

type ContextRow = { existing: unknown; binding: unknown; campaign: unknown; serves: boolean; offers: unknown; available: unknown };

/**
 * The placement contexts of a batch of requests in one statement (one snapshot, one round trip, one
 * query plan for the batch): `orders_placement_contexts` (prisma/functions) over a JSON array
 * `[{user, key, campaign, offers}]`, in array order (jsonb: parsed once, not at every field read).
 */
const PLACEMENT_CONTEXTS_SQL = 'SELECT existing, binding, campaign, serves, offers, available FROM orders_placement_contexts($1::jsonb) ORDER BY n';

/**
 * Places a batch of orders in one statement and one transaction (`orders_place_orders`,
 * prisma/functions), each decided in turn as it would be alone: the order row, the per-customer
 * quotas and the stock, then — for the batch's placed orders together — their lines and items, first
 * transitions, outbox rows and stock reservations. A refused order writes nothing.
 */
const PLACE_ORDERS_SQL = 'SELECT orders_place_orders($1::jsonb) AS outcomes';

/** One order as `orders_place_orders` reads it (the event payload and trace context are JSON already). */
export function placementJson(order: PlacementOrder): string {
  const doc = {
    order: order.orderId,
    user: order.userId,
    campaign: order.campaignId,
    pickupPoint: order.pickupPointId,
    compound: order.compoundId,
    key: order.idempotencyKey,
    hash: order.requestHash,
    total: order.totalCents,
    pickupCode: order.pickupCode,
    at: order.placedAt.toISOString(),
    expires: order.expiresAt.toISOString(),
    lines: order.lines.map((line) => ({
      id: line.lineId,
      line_no: line.lineNo,
      offer_id: line.offerId,
      kind: line.kind,
      sku_id: line.skuId,
      bundle_id: line.bundleId,
      product_id: line.productId,
      category_id: line.categoryId,
      name: line.name,
      quantity: line.quantity,
      unit_price_cents: line.unitPriceCents,
      amount_cents: line.amountCents,
    })),
    items: order.lines.flatMap((line) =>
      line.items.map((item) => ({
        line_id: line.lineId,
        sku_id: item.skuId,
        product_id: item.productId,
        category_id: item.categoryId,
        quantity: item.quantity,
        unit_value_cents: item.unitValueCents,
      })),
    ),
    actorKind: order.actor.kind,
    actorUser: order.actor.userId,
    quotas: order.quotas.map((quota) => ({ offer_id: quota.offerId, quantity: quota.quantity, limit_qty: quota.limit })),
    eventId: order.event.id,
    eventSubject: order.event.subject,
    skus: order.stock.map((need) => need.skuId),
    quantities: order.stock.map((need) => need.quantity),
    ...(order.points ? { points: order.points.spent, pointsDiscount: order.points.discountCents, pointsReservation: order.points.reservationId } : {}),
  };
  return `${JSON.stringify(doc).slice(0, -1)},"eventPayload":${order.event.payload},"eventTrace":${order.event.traceContext}}`;
}

function placementContext(row: ContextRow): PlacementContext {
  const campaign = json<{ id: string; status: CampaignStatusValue; starts_at: string; cutoff_at: string } | null>(row.campaign);
  const offers = json<PlacementOfferRow[]>(row.offers);
  // Components in SKU-id order, as everywhere else (the lock order of the reservation).
  for (const offer of offers) offer.components.sort((a, b) => (a.skuId < b.skuId ? -1 : 1));
  return {
    existing: json(row.existing),
    binding: json(row.binding),
    campaign: campaign && { ...campaign, starts_at: new Date(campaign.starts_at), cutoff_at: new Date(campaign.cutoff_at) },
    serves: row.serves,
    offers,
    available: json<Record<string, number>>(row.available),
  };
}

/**
 * Order placement's two statements. They run hundreds of times a second, so they take the service's
 * `PgSql` (raw SQL straight on the pool, docs/adr/0009) rather than the Prisma client.
 */
export class PlacementRepository {
  /** The contexts of these requests, in their order. */
  async placementContexts(sql: SqlExecutor, requests: PlacementRequest[]): Promise<PlacementContext[]> {
    const rows = await sql.$queryRawUnsafe<ContextRow[]>(
      PLACEMENT_CONTEXTS_SQL,
      JSON.stringify(requests.map((r) => ({ user: r.userId, key: r.idempotencyKey, campaign: r.campaignId, offers: r.offerIds }))),
    );
    return rows.map(placementContext);
  }

  /** Places the orders (each as serialised by {@link placementJson}) in one transaction; one outcome per order, in order. */
  async placeOrders(sql: SqlExecutor, orders: string[]): Promise<PlacementOutcome[]> {
    const [row] = await sql.$queryRawUnsafe<{ outcomes: string[] }[]>(PLACE_ORDERS_SQL, `[${orders.join(',')}]`);
    return row?.outcomes ?? [];
  }
}
