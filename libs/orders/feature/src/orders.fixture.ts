// Test fixture for the orders integration tests: boots the orders module against a database and a
// NATS subject prefix of its own, feeds the read model through real leader-ops events, and builds a
// catalog and campaigns through the RPC surface.
import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import type { z } from 'zod';
import { LinliError, orders, leaderOps, type Actor, type EventContract } from '@linli/contracts';
import { publishTestEvent, startServiceHarness, waitUntil, type ServiceHarness } from '@linli/testing';
import { OrdersClockTestSupport, OrdersDb } from '@linli/orders-data-access';
import { OrdersModule } from './orders.module.js';
import { OrdersScheduler } from './orders.scheduler.js';
import { DevPaymentProvider, signNotification } from './payment-provider.js';
import type { PointsLedger } from './points-ledger.js';

export const SECRET = 'payment-webhook-secret-'.padEnd(40, 'x');
const migrations = fileURLToPath(new URL('../../data-access/prisma/migrations', import.meta.url));

export interface OrdersHarness extends ServiceHarness {
  db: OrdersDb;
  provider: DevPaymentProvider;
  scheduler: OrdersScheduler;
  ops: Actor;
}

export async function startOrders(
  options: { paymentTimeoutSeconds?: number; stockBuckets?: number; placementBatch?: number; complaintWindowHours?: number; pointsLedger?: PointsLedger } = {},
): Promise<OrdersHarness> {
  const provider = new DevPaymentProvider(SECRET, { callbackDelayMs: 30, duplicateRate: 0, failureRate: 0, lateRate: 0, lateDelayMs: 0 });
  const h = await startServiceHarness({
    service: 'orders',
    migrationsDir: migrations,
    rpcTimeoutMs: 30_000,
    module: (databaseUrl) =>
      OrdersModule.forRoot({
        databaseUrl,
        databasePoolSize: 10,
        paymentWebhookSecret: SECRET,
        paymentProvider: provider,
        schedulerIntervalMs: 0,
        stockBuckets: options.stockBuckets ?? 8,
        placementBatch: options.placementBatch ?? 32,
        paymentTimeoutSeconds: options.paymentTimeoutSeconds ?? 900,
        complaintWindowHours: options.complaintWindowHours ?? 48,
        ...(options.pointsLedger ? { pointsLedger: options.pointsLedger } : {}),
      }),
  });
  return Object.assign(h, { db: h.app.get(OrdersDb), provider, scheduler: h.app.get(OrdersScheduler), ops: { userId: randomUUID(), roles: ['ops'] } satisfies Actor });
}

/** Publishes an event the way another service's outbox relay would (envelope, message id). */
export function publishEvent<C extends EventContract>(h: OrdersHarness, contract: C, data: z.input<C['data']>, id = randomUUID(), occurredAt = new Date()): Promise<string> {
  return publishTestEvent(h, contract, data, { id, occurredAt });
}

export interface World {
  compoundId: string;
  pickupPointId: string;
  leader: Actor;
}

/** A compound with one pickup point and its leader, known to orders through leader-ops events. */
export async function aPickupPoint(h: OrdersHarness, compoundId = `compound-${randomUUID().slice(0, 8)}`, capacity = 200): Promise<World> {
  const leader: Actor = { userId: randomUUID(), roles: ['resident', 'leader'] };
  const pickupPointId = randomUUID();
  await publishEvent(h, leaderOps.compoundUpserted, { compoundId, name: 'Sunny Garden', city: 'Hangzhou', timeZone: 'Asia/Shanghai' });
  await publishEvent(h, leaderOps.pickupPointUpserted, {
    pickupPointId,
    leaderUserId: leader.userId,
    name: 'Gate 2 kiosk',
    address: 'Building 3, Sunny Garden',
    compoundIds: [compoundId],
    openingHours: [{ weekday: 1, opens: '08:00', closes: '20:00' }],
    capacity,
    timeZone: 'Asia/Shanghai',
    status: 'active',
  });
  await waitUntil(async () => (await h.db.pickupPoint.count({ where: { id: pickupPointId } })) === 1, 10_000, 'pickup point in the read model');
  return { compoundId, pickupPointId, leader };
}

/** A resident bound to the world's pickup point (through the event, or straight into the read model when `direct`). */
export async function aResident(h: OrdersHarness, world: World, direct = false): Promise<Actor> {
  const resident: Actor = { userId: randomUUID(), roles: ['resident'] };
  if (direct) {
    await h.db.residentBinding.create({ data: { userId: resident.userId, pickupPointId: world.pickupPointId, compoundId: world.compoundId, boundAt: new Date() } });
    return resident;
  }
  await publishEvent(h, leaderOps.residentBound, {
    userId: resident.userId,
    pickupPointId: world.pickupPointId,
    compoundId: world.compoundId,
    previousPickupPointId: null,
    boundAt: new Date().toISOString(),
  });
  await waitUntil(async () => (await h.db.residentBinding.count({ where: { userId: resident.userId } })) === 1, 10_000, 'binding in the read model');
  return resident;
}

export interface Catalog {
  categoryId: string;
  milk: { productId: string; skuId: string; priceCents: number };
  rice: { productId: string; skuId: string; priceCents: number };
  puree: { productId: string; skuId: string; priceCents: number };
  kitId: string;
}

let counter = 0;

/** Three products and a bundle ("15-minute baby food kit": 2 × puree + 1 × rice). */
export async function aCatalog(h: OrdersHarness): Promise<Catalog> {
  const n = ++counter;
  const categoryId = `groceries-${n}`;
  await h.rpc.request(orders.upsertCategory, { actor: h.ops, categoryId, name: 'Groceries' });
  const product = async (name: string, code: string, priceCents: number, healthFlags: orders.HealthFlag[]) => {
    const p = await h.rpc.request(orders.upsertProduct, {
      actor: h.ops,
      product: { name, categoryId, unit: 'pack', healthFlags, tags: ['test'], skus: [{ code: `${code}-${n}-${randomUUID().slice(0, 6)}`, spec: 'standard', priceCents }] },
    });
    return { productId: p.productId, skuId: p.skus[0]!.skuId, priceCents };
  };
  const milk = await product('Fresh milk', 'MILK', 1200, ['high-protein']);
  const rice = await product('Rice porridge', 'RICE', 800, ['infant', 'low-salt']);
  const puree = await product('Carrot puree', 'PUREE', 600, ['infant', 'low-sugar', 'vegetarian']);
  const kit = await h.rpc.request(orders.upsertBundle, {
    actor: h.ops,
    bundle: { name: '15-minute baby food kit', priceCents: 1800, items: [{ skuId: puree.skuId, quantity: 2 }, { skuId: rice.skuId, quantity: 1 }] },
  });
  return { categoryId, milk, rice, puree, kitId: kit.bundleId };
}

export interface CampaignOptions {
  stock?: { milk?: number; rice?: number; puree?: number };
  milkLimit?: number;
  minGroupSize?: number;
  startsInMs?: number;
  pickupPointIds?: string[];
  compoundIds?: string[];
  publish?: boolean;
}

/** A published campaign selling milk (¥9.90), the kit (¥16.00) and rice (¥7.00), open for an hour. */
export async function aCampaign(h: OrdersHarness, world: World, catalog: Catalog, options: CampaignOptions = {}) {
  const now = Date.now();
  const campaign = await h.rpc.request(orders.createCampaign, {
    actor: h.ops,
    campaign: {
      title: 'Tomorrow morning',
      startsAt: new Date(now + (options.startsInMs ?? -60_000)).toISOString(),
      cutoffAt: new Date(now + 3600_000).toISOString(),
      deliveryDate: new Date(now + 86_400_000).toISOString().slice(0, 10),
      minGroupSize: options.minGroupSize,
      targets: { compoundIds: options.compoundIds ?? [world.compoundId], pickupPointIds: options.pickupPointIds ?? [] },
      offers: [
        { kind: 'sku', skuId: catalog.milk.skuId, priceCents: 990, perCustomerLimit: options.milkLimit },
        { kind: 'bundle', bundleId: catalog.kitId, priceCents: 1600 },
        { kind: 'sku', skuId: catalog.rice.skuId, priceCents: 700 },
      ],
      stock: [
        { skuId: catalog.milk.skuId, quantity: options.stock?.milk ?? 100 },
        { skuId: catalog.rice.skuId, quantity: options.stock?.rice ?? 100 },
        { skuId: catalog.puree.skuId, quantity: options.stock?.puree ?? 100 },
      ],
    },
  });
  const published = options.publish === false ? campaign : await h.rpc.request(orders.publishCampaign, { actor: h.ops, campaignId: campaign.campaignId });
  const offer = (kind: 'milk' | 'kit' | 'rice') => {
    const found = published.offers.find((o) => (kind === 'kit' ? o.bundleId === catalog.kitId : o.skuId === catalog[kind].skuId));
    return found!.offerId;
  };
  return { campaign: published, milkOffer: offer('milk'), kitOffer: offer('kit'), riceOffer: offer('rice') };
}

const clock = new OrdersClockTestSupport();

/** Moves a campaign's cut-off into the past (times are checked against the database clock and `Date.now()`). */
export function passCutoff(h: OrdersHarness, campaignId: string): Promise<void> {
  return clock.passCutoff(h.db, campaignId);
}

/** A correctly signed notification for a payment intent. */
export function signed(notification: orders.PaymentNotification) {
  return { provider: 'dev', notification, signature: signNotification(SECRET, notification) };
}

export async function orderStatus(h: OrdersHarness, orderId: string): Promise<string> {
  return (await h.db.order.findUniqueOrThrow({ where: { id: orderId } })).status;
}

/** Places and pays an order (the development provider notifies over NATS), waiting until it is paid. */
export async function placePaid(h: OrdersHarness, resident: Actor, campaignId: string, lines: { offerId: string; quantity: number }[], totalCents: number) {
  const order = await h.rpc.request(orders.placeOrder, { actor: resident, campaignId, idempotencyKey: `key-${randomUUID()}`, lines, expectedTotalCents: totalCents });
  await h.rpc.request(orders.payOrder, { actor: resident, orderId: order.orderId });
  await waitUntil(async () => (await orderStatus(h, order.orderId)) === 'paid', 10_000, 'order paid');
  return order;
}

/**
 * The growth ledger's reserve/release as orders see them, in memory: reservations keyed by order (the
 * ledger's idempotency), balances never negative. `delegate` hands every call to another ledger (the
 * real RPC one, to see what orders answer when the communities service does not).
 */
export class TestPointsLedger implements PointsLedger {
  readonly balances = new Map<string, number>();
  readonly reservations = new Map<string, { reservationId: string; userId: string; points: number; status: 'held' | 'committed' | 'released' }>();
  /** Reservations written (a repeated request for the same order is not counted). */
  created = 0;
  delegate: PointsLedger | null = null;

  async reserve(r: { userId: string; points: number; orderId: string }) {
    if (this.delegate) return this.delegate.reserve(r);
    const existing = this.reservations.get(r.orderId);
    if (existing) return { reservationId: existing.reservationId, status: existing.status };
    const balance = this.balances.get(r.userId) ?? 0;
    if (balance < r.points) throw new LinliError('GROWTH.INSUFFICIENT_POINTS', 'not enough points', { needed: r.points, available: balance });
    this.balances.set(r.userId, balance - r.points);
    const reservation = { reservationId: randomUUID(), userId: r.userId, points: r.points, status: 'held' as const };
    this.reservations.set(r.orderId, reservation);
    this.created++;
    return { reservationId: reservation.reservationId, status: reservation.status };
  }

  async release({ reservationId }: { userId: string; reservationId: string }): Promise<void> {
    if (this.delegate) return this.delegate.release({ userId: '', reservationId });
    const r = [...this.reservations.values()].find((x) => x.reservationId === reservationId)!;
    if (r.status !== 'held') return;
    r.status = 'released';
    this.balances.set(r.userId, (this.balances.get(r.userId) ?? 0) + r.points);
  }
}
