import { Inject, Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { orders as contracts, type Actor } from '@linli/contracts';
import { enqueueEvent } from '@linli/nest-kit';
import { assertOps } from './catalog.service.js';
import { formatLocal, isValidTimeZone } from './local-time.js';
import { OrdersErrors } from './orders.exception.js';
import { ORDERS_OPTIONS, type OrdersOptions } from './orders.options.js';
import { OrderStore, isOps, transitionActor, type Client, type OrderRow } from './order-store.js';
import type { PricingOffer } from './pricing.js';

type CampaignInput = z.output<typeof contracts.CampaignInputSchema>;
type HealthFlag = contracts.HealthFlag;

export interface CampaignRow {
  id: string;
  title: string;
  description: string;
  status: contracts.CampaignStatus;
  starts_at: Date;
  cutoff_at: Date;
  delivery_date: Date;
  time_zone: string;
  min_group_size: number | null;
  published_at: Date | null;
  closed_at: Date | null;
}

export interface Binding {
  user_id: string;
  pickup_point_id: string;
  compound_id: string;
}

/** Offer details for display and pricing. */
interface OfferDetail extends PricingOffer {
  spec: string | null;
  unit: string | null;
  imageUrls: string[];
  healthFlags: HealthFlag[];
  listPriceCents: number;
}

/** Splits `total` units over `buckets` rows as evenly as possible. */
export function splitIntoBuckets(total: number, buckets: number): number[] {
  const n = Math.max(1, Math.min(buckets, total));
  return Array.from({ length: n }, (_, i) => Math.floor(total / n) + (i < total % n ? 1 : 0));
}

const dateOnly = (date: Date) => date.toISOString().slice(0, 10);

/** Campaigns: what is offered where, at which price, until when, with how much stock. */
@Injectable()
export class CampaignService {
  constructor(
    @Inject(OrderStore) private readonly store: OrderStore,
    @Inject(ORDERS_OPTIONS) private readonly options: OrdersOptions,
  ) {}

  async row(client: Client, campaignId: string, lock = false): Promise<CampaignRow | null> {
    const rows = await client.$queryRawUnsafe<CampaignRow[]>(
      `SELECT id::text, title, description, status, starts_at, cutoff_at, delivery_date, time_zone, min_group_size, published_at, closed_at
         FROM campaigns WHERE id = $1::uuid${lock ? ' FOR UPDATE' : ''}`,
      campaignId,
    );
    const row = rows[0];
    if (!row) return null;
    return {
      ...row,
      starts_at: new Date(row.starts_at),
      cutoff_at: new Date(row.cutoff_at),
      delivery_date: new Date(row.delivery_date),
      published_at: row.published_at ? new Date(row.published_at) : null,
      closed_at: row.closed_at ? new Date(row.closed_at) : null,
    };
  }

  async binding(client: Client, userId: string): Promise<Binding | null> {
    const rows = await client.$queryRawUnsafe<Binding[]>(
      'SELECT user_id::text, pickup_point_id::text, compound_id FROM resident_bindings WHERE user_id = $1::uuid',
      userId,
    );
    return rows[0] ?? null;
  }

  async serves(client: Client, campaignId: string, compoundId: string, pickupPointId: string): Promise<boolean> {
    const rows = await client.$queryRawUnsafe<unknown[]>(
      `SELECT 1 FROM campaign_targets WHERE campaign_id = $1::uuid
          AND ((kind = 'compound' AND target_id = $2) OR (kind = 'pickup_point' AND target_id = $3)) LIMIT 1`,
      campaignId,
      compoundId,
      pickupPointId,
    );
    return rows.length > 0;
  }

  /** Every offer of a campaign with its SKUs, as pricing and display need them. */
  async offers(client: Client, campaignId: string): Promise<Map<string, OfferDetail>> {
    const offers = await client.campaignOffer.findMany({ where: { campaignId }, orderBy: { id: 'asc' } });
    const bundleIds = offers.flatMap((o) => (o.bundleId ? [o.bundleId] : []));
    const bundles = await client.bundle.findMany({ where: { id: { in: bundleIds } }, include: { items: true } });
    const skuIds = [...new Set([...offers.flatMap((o) => (o.skuId ? [o.skuId] : [])), ...bundles.flatMap((b) => b.items.map((i) => i.skuId))])];
    const skus = new Map((await client.sku.findMany({ where: { id: { in: skuIds } }, include: { product: true } })).map((sku) => [sku.id, sku]));
    const result = new Map<string, OfferDetail>();
    for (const offer of offers) {
      if (offer.kind === 'sku') {
        const sku = skus.get(offer.skuId!)!;
        result.set(offer.id, {
          offerId: offer.id,
          kind: 'sku',
          skuId: sku.id,
          bundleId: null,
          productId: sku.productId,
          categoryId: sku.product.categoryId,
          name: sku.product.name,
          spec: sku.spec,
          unit: sku.product.unit,
          imageUrls: sku.product.imageUrls,
          healthFlags: sku.product.healthFlags as HealthFlag[],
          priceCents: offer.priceCents,
          listPriceCents: sku.priceCents,
          perCustomerLimit: offer.perCustomerLimit,
          components: [{ skuId: sku.id, productId: sku.productId, categoryId: sku.product.categoryId, perUnit: 1, listPriceCents: sku.priceCents }],
        });
      } else {
        const bundle = bundles.find((b) => b.id === offer.bundleId)!;
        const components = bundle.items
          .map((item) => {
            const sku = skus.get(item.skuId)!;
            return { skuId: sku.id, productId: sku.productId, categoryId: sku.product.categoryId, perUnit: item.quantity, listPriceCents: sku.priceCents };
          })
          .sort((a, b) => (a.skuId < b.skuId ? -1 : 1));
        const flags = bundle.items.map((item) => skus.get(item.skuId)!.product.healthFlags as HealthFlag[]);
        result.set(offer.id, {
          offerId: offer.id,
          kind: 'bundle',
          skuId: null,
          bundleId: bundle.id,
          productId: null,
          categoryId: null,
          name: bundle.name,
          spec: null,
          unit: null,
          imageUrls: bundle.imageUrls,
          // A bundle carries a flag only when every component does.
          healthFlags: flags.length ? flags.reduce((common, f) => common.filter((x) => f.includes(x))) : [],
          priceCents: offer.priceCents,
          listPriceCents: components.reduce((sum, c) => sum + c.perUnit * c.listPriceCents, 0),
          perCustomerLimit: offer.perCustomerLimit,
          components,
        });
      }
    }
    return result;
  }

  async create(actor: Actor, input: CampaignInput): Promise<contracts.Campaign> {
    assertOps(actor);
    if (!isValidTimeZone(input.timeZone)) throw OrdersErrors.campaignInvalid('unknown time zone', { timeZone: input.timeZone });
    const cutoffAt = new Date(input.cutoffAt);
    if (Date.parse(`${input.deliveryDate}T23:59:59Z`) < cutoffAt.getTime()) {
      throw OrdersErrors.campaignInvalid('delivery cannot be before the cut-off', { deliveryDate: input.deliveryDate, cutoffAt: input.cutoffAt });
    }
    const skuOffers = input.offers.flatMap((o) => (o.kind === 'sku' ? [o.skuId] : []));
    const bundleOffers = input.offers.flatMap((o) => (o.kind === 'bundle' ? [o.bundleId] : []));
    if (new Set(skuOffers).size !== skuOffers.length || new Set(bundleOffers).size !== bundleOffers.length) {
      throw OrdersErrors.campaignInvalid('each SKU and bundle may be offered once');
    }
    return this.store.transaction(async (tx) => {
      const skus = await tx.sku.findMany({ where: { id: { in: [...skuOffers, ...input.stock.map((s) => s.skuId)] }, active: true, product: { active: true } } });
      const bundles = await tx.bundle.findMany({ where: { id: { in: bundleOffers }, active: true }, include: { items: true } });
      const unknownSkus = [...new Set([...skuOffers, ...input.stock.map((s) => s.skuId)])].filter((id) => !skus.some((s) => s.id === id));
      const unknownBundles = bundleOffers.filter((id) => !bundles.some((b) => b.id === id));
      if (unknownSkus.length || unknownBundles.length) {
        throw OrdersErrors.campaignInvalid('unknown or inactive SKUs or bundles', { skuIds: unknownSkus, bundleIds: unknownBundles });
      }
      const needed = new Set([...skuOffers, ...bundles.flatMap((b) => b.items.map((i) => i.skuId))]);
      const stocked = new Set(input.stock.map((s) => s.skuId));
      const missingStock = [...needed].filter((id) => !stocked.has(id));
      if (missingStock.length) throw OrdersErrors.campaignInvalid('every SKU offered, alone or in a bundle, needs campaign stock', { missingStock });
      const campaignId = randomUUID();
      await tx.campaign.create({
        data: {
          id: campaignId,
          title: input.title,
          description: input.description,
          startsAt: new Date(input.startsAt),
          cutoffAt,
          deliveryDate: new Date(`${input.deliveryDate}T00:00:00Z`),
          timeZone: input.timeZone,
          minGroupSize: input.minGroupSize ?? null,
          createdBy: actor.userId,
          targets: {
            create: [
              ...[...new Set(input.targets.compoundIds)].map((targetId) => ({ kind: 'compound', targetId })),
              ...[...new Set(input.targets.pickupPointIds)].map((targetId) => ({ kind: 'pickup_point', targetId })),
            ],
          },
          offers: {
            create: input.offers.map((offer) => ({
              id: randomUUID(),
              kind: offer.kind,
              skuId: offer.kind === 'sku' ? offer.skuId : null,
              bundleId: offer.kind === 'bundle' ? offer.bundleId : null,
              priceCents: offer.priceCents,
              perCustomerLimit: offer.perCustomerLimit ?? null,
            })),
          },
        },
      });
      for (const row of input.stock) {
        const buckets = splitIntoBuckets(row.quantity, this.options.stockBuckets);
        await tx.campaignStock.create({
          data: {
            campaignId,
            skuId: row.skuId,
            total: row.quantity,
            buckets: buckets.length,
            rows: { create: buckets.map((remaining, bucket) => ({ bucket, remaining })) },
          },
        });
      }
      return this.view(tx, campaignId, input.timeZone);
    });
  }

  async publish(actor: Actor, campaignId: string): Promise<contracts.Campaign> {
    assertOps(actor);
    return this.store.transaction(async (tx) => {
      const campaign = await this.row(tx, campaignId, true);
      if (!campaign) throw OrdersErrors.campaignNotFound(campaignId);
      if (campaign.status === 'published') return this.view(tx, campaignId, campaign.time_zone);
      if (campaign.status !== 'draft') throw OrdersErrors.campaignClosed(campaignId);
      if (campaign.cutoff_at.getTime() <= Date.now()) throw OrdersErrors.campaignInvalid('the cut-off has passed; create a new campaign');
      const publishedAt = new Date();
      await tx.campaign.update({ where: { id: campaignId }, data: { status: 'published', publishedAt } });
      const view = await this.view(tx, campaignId, campaign.time_zone);
      const offers = await this.offers(tx, campaignId);
      await enqueueEvent(tx, contracts.campaignPublished, {
        campaignId,
        title: view.title,
        startsAt: view.startsAt,
        cutoffAt: view.cutoffAt,
        deliveryDate: view.deliveryDate,
        compoundIds: view.targets.compoundIds,
        pickupPointIds: view.targets.pickupPointIds,
        offers: [...offers.values()].map((offer) => ({
          offerId: offer.offerId,
          kind: offer.kind,
          skuId: offer.skuId,
          bundleId: offer.bundleId,
          productId: offer.productId,
          categoryId: offer.categoryId,
          priceCents: offer.priceCents,
          items: offer.components.map((c) => ({ skuId: c.skuId, productId: c.productId, categoryId: c.categoryId, quantity: c.perUnit })),
        })),
        publishedAt: publishedAt.toISOString(),
      });
      return view;
    });
  }

  /** The time zone a viewer sees times in: their compound's, else their pickup point's, else the campaign's. */
  async viewerTimeZone(client: Client, actor: Actor): Promise<string | undefined> {
    const binding = await this.binding(client, actor.userId);
    if (!binding) return undefined;
    const rows = await client.$queryRawUnsafe<{ time_zone: string }[]>(
      `SELECT time_zone FROM compounds WHERE id = $1 UNION ALL SELECT time_zone FROM pickup_points WHERE id = $2::uuid`,
      binding.compound_id,
      binding.pickup_point_id,
    );
    return rows[0]?.time_zone;
  }

  async view(client: Client, campaignId: string, timeZone?: string): Promise<contracts.Campaign> {
    const campaign = await this.row(client, campaignId);
    if (!campaign) throw OrdersErrors.campaignNotFound(campaignId);
    const targets = await client.campaignTarget.findMany({ where: { campaignId }, orderBy: [{ kind: 'asc' }, { targetId: 'asc' }] });
    const stock = await client.$queryRawUnsafe<{ sku_id: string; total: number; remaining: number }[]>(
      `SELECT s.sku_id::text, s.total, coalesce(sum(b.remaining), 0)::int AS remaining
         FROM campaign_stock s LEFT JOIN stock_buckets b ON b.campaign_id = s.campaign_id AND b.sku_id = s.sku_id
        WHERE s.campaign_id = $1::uuid GROUP BY s.sku_id, s.total ORDER BY s.sku_id`,
      campaignId,
    );
    const remaining = new Map(stock.map((s) => [s.sku_id, Number(s.remaining)]));
    const offers = [...(await this.offers(client, campaignId)).values()].map((offer) => ({
      offerId: offer.offerId,
      kind: offer.kind,
      skuId: offer.skuId,
      bundleId: offer.bundleId,
      productId: offer.productId,
      categoryId: offer.categoryId,
      name: offer.name,
      spec: offer.spec,
      unit: offer.unit,
      imageUrls: offer.imageUrls,
      healthFlags: offer.healthFlags,
      priceCents: offer.priceCents,
      listPriceCents: offer.listPriceCents,
      perCustomerLimit: offer.perCustomerLimit,
      available: Math.min(...offer.components.map((c) => Math.floor((remaining.get(c.skuId) ?? 0) / c.perUnit))),
    }));
    const zone = timeZone && isValidTimeZone(timeZone) ? timeZone : campaign.time_zone;
    return {
      campaignId: campaign.id,
      title: campaign.title,
      description: campaign.description,
      status: campaign.status,
      startsAt: campaign.starts_at.toISOString(),
      cutoffAt: campaign.cutoff_at.toISOString(),
      deliveryDate: dateOnly(campaign.delivery_date),
      timeZone: campaign.time_zone,
      local: { timeZone: zone, startsAt: formatLocal(campaign.starts_at, zone), cutoffAt: formatLocal(campaign.cutoff_at, zone) },
      minGroupSize: campaign.min_group_size,
      targets: {
        compoundIds: targets.filter((t) => t.kind === 'compound').map((t) => t.targetId),
        pickupPointIds: targets.filter((t) => t.kind === 'pickup_point').map((t) => t.targetId),
      },
      offers,
      stock: stock.map((s) => ({ skuId: s.sku_id, total: s.total, remaining: Number(s.remaining) })),
      publishedAt: campaign.published_at?.toISOString() ?? null,
      closedAt: campaign.closed_at?.toISOString() ?? null,
    };
  }

  /** Ops see any campaign; others only published ones serving their pickup point (or a point they lead). */
  async get(actor: Actor, campaignId: string): Promise<contracts.Campaign> {
    const db = this.store.db;
    const campaign = await this.row(db, campaignId);
    if (!campaign) throw OrdersErrors.campaignNotFound(campaignId);
    if (isOps(actor)) return this.view(db, campaignId);
    if (campaign.status === 'draft' || campaign.status === 'cancelled') throw OrdersErrors.campaignNotFound(campaignId);
    const binding = await this.binding(db, actor.userId);
    const served = binding && (await this.serves(db, campaignId, binding.compound_id, binding.pickup_point_id));
    if (!served && !(await this.servesLeader(actor, campaignId))) throw OrdersErrors.notServed(campaignId);
    return this.view(db, campaignId, await this.viewerTimeZone(db, actor));
  }

  private async servesLeader(actor: Actor, campaignId: string): Promise<boolean> {
    const points = await this.store.leaderPointIds(this.store.db, actor);
    if (points.length === 0) return false;
    const rows = await this.store.db.$queryRawUnsafe<unknown[]>(
      `SELECT 1 FROM campaign_targets t JOIN pickup_points p ON p.id::text = ANY($2::text[])
        WHERE t.campaign_id = $1::uuid AND ((t.kind = 'pickup_point' AND t.target_id = p.id::text) OR (t.kind = 'compound' AND t.target_id = ANY(p.compound_ids))) LIMIT 1`,
      campaignId,
      points,
    );
    return rows.length > 0;
  }

  async list(actor: Actor, filter: { status?: contracts.CampaignStatus; limit: number; offset: number }): Promise<{ campaigns: contracts.Campaign[] }> {
    const db = this.store.db;
    let ids: { id: string }[];
    if (isOps(actor)) {
      ids = await db.$queryRawUnsafe<{ id: string }[]>(
        `SELECT id::text FROM campaigns WHERE ($1::text IS NULL OR status = $1) ORDER BY cutoff_at DESC, id LIMIT $2 OFFSET $3`,
        filter.status ?? null,
        filter.limit,
        filter.offset,
      );
    } else {
      const binding = await this.binding(db, actor.userId);
      const points = await this.store.leaderPointIds(db, actor);
      if (!binding && points.length === 0) throw OrdersErrors.notBound();
      const status = filter.status && filter.status !== 'draft' && filter.status !== 'cancelled' ? filter.status : null;
      ids = await db.$queryRawUnsafe<{ id: string }[]>(
        `SELECT c.id::text FROM campaigns c
          WHERE (CASE WHEN $1::text IS NULL THEN c.status = 'published' AND c.cutoff_at > now() ELSE c.status = $1 END)
            AND EXISTS (SELECT 1 FROM campaign_targets t WHERE t.campaign_id = c.id AND (
                  (t.kind = 'compound' AND t.target_id = $2) OR (t.kind = 'pickup_point' AND t.target_id = $3)
               OR (t.kind = 'pickup_point' AND t.target_id = ANY($4::text[]))
               OR (t.kind = 'compound' AND t.target_id IN (SELECT unnest(compound_ids) FROM pickup_points WHERE id::text = ANY($4::text[])))))
          ORDER BY c.cutoff_at, c.id LIMIT $5 OFFSET $6`,
        status,
        binding?.compound_id ?? null,
        binding?.pickup_point_id ?? null,
        points,
        filter.limit,
        filter.offset,
      );
    }
    const zone = isOps(actor) ? undefined : await this.viewerTimeZone(db, actor);
    const campaigns = [];
    for (const { id } of ids) campaigns.push(await this.view(db, id, zone));
    return { campaigns };
  }

  /** Ops: the delivery for these points left the warehouse; their locked orders become shipped. */
  async ship(actor: Actor, campaignId: string, pickupPointIds?: string[]) {
    assertOps(actor);
    return this.store.transaction(async (tx) => {
      const campaign = await this.row(tx, campaignId);
      if (!campaign) throw OrdersErrors.campaignNotFound(campaignId);
      if (campaign.status !== 'closed') throw OrdersErrors.invalidTransition(`in a ${campaign.status} campaign`, 'shipped');
      const ids = await tx.$queryRawUnsafe<{ id: string }[]>(
        `SELECT id::text FROM orders WHERE campaign_id = $1::uuid AND status = 'locked'
            AND ($2::uuid[] IS NULL OR pickup_point_id = ANY($2::uuid[])) ORDER BY id`,
        campaignId,
        pickupPointIds ?? null,
      );
      let shipped = 0;
      for (const { id } of ids) {
        const order = (await this.store.lock(tx, id)) as OrderRow;
        if (order.status !== 'locked') continue;
        await this.store.transition(tx, order, 'shipped', transitionActor(actor, 'ops'));
        shipped += 1;
      }
      return { campaignId, shippedOrders: shipped };
    });
  }
}
