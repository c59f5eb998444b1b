import { Inject, Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { orders as contracts, type Actor } from '@linli/contracts';
import { enqueueEvent } from '@linli/nest-kit';
import { CampaignRepository, type Binding, type CampaignRow } from '@linli/orders-data-access';
import { assertOps } from './catalog.service.js';
import { formatLocal, isValidTimeZone } from './local-time.js';
import { OrdersErrors } from './orders.exception.js';
import { ORDERS_OPTIONS, type OrdersOptions } from './orders.options.js';
import { OrderStore, isOps, transitionActor, type Client, type OrderRow } from './order-store.js';
import type { PricingOffer } from './pricing.js';

type CampaignInput = z.output<typeof contracts.CampaignInputSchema>;
type HealthFlag = contracts.HealthFlag;

export type { Binding, CampaignRow };

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

/** Which offer it is, as events and views name it. */
const offerIdentity = ({ offerId, kind, skuId, bundleId, productId, categoryId }: OfferDetail) => ({ offerId, kind, skuId, bundleId, productId, categoryId });

/** Campaigns: what is offered where, at which price, until when, with how much stock. */
@Injectable()
export class CampaignService {
  private readonly repo = new CampaignRepository();

  constructor(
    @Inject(OrderStore) private readonly store: OrderStore,
    @Inject(ORDERS_OPTIONS) private readonly options: OrdersOptions,
  ) {}

  row(client: Client, campaignId: string, lock = false): Promise<CampaignRow | null> {
    return this.repo.row(client, campaignId, lock);
  }

  binding(client: Client, userId: string): Promise<Binding | null> {
    return this.repo.binding(client, userId);
  }

  /** Every offer of a campaign with its SKUs, as pricing and display need them. */
  async offers(client: Client, campaignId: string): Promise<Map<string, OfferDetail>> {
    const { offers, bundles, skus } = await this.repo.offerSources(client, campaignId);
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
      const { skus, bundles } = await this.repo.activeCatalog(tx, [...skuOffers, ...input.stock.map((s) => s.skuId)], bundleOffers);
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
      await this.repo.create(tx, {
        id: campaignId,
        title: input.title,
        description: input.description,
        startsAt: new Date(input.startsAt),
        cutoffAt,
        deliveryDate: new Date(`${input.deliveryDate}T00:00:00Z`),
        timeZone: input.timeZone,
        minGroupSize: input.minGroupSize ?? null,
        createdBy: actor.userId,
        targets: [
          ...[...new Set(input.targets.compoundIds)].map((targetId) => ({ kind: 'compound' as const, targetId })),
          ...[...new Set(input.targets.pickupPointIds)].map((targetId) => ({ kind: 'pickup_point' as const, targetId })),
        ],
        offers: input.offers.map((offer) => ({
          id: randomUUID(),
          kind: offer.kind,
          skuId: offer.kind === 'sku' ? offer.skuId : null,
          bundleId: offer.kind === 'bundle' ? offer.bundleId : null,
          priceCents: offer.priceCents,
          perCustomerLimit: offer.perCustomerLimit ?? null,
        })),
        stock: input.stock.map((row) => ({ skuId: row.skuId, total: row.quantity, buckets: splitIntoBuckets(row.quantity, this.options.stockBuckets) })),
      });
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
      await this.repo.markPublished(tx, campaignId, publishedAt);
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
          ...offerIdentity(offer),
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
    return this.repo.timeZoneOf(client, binding.compound_id, binding.pickup_point_id);
  }

  async view(client: Client, campaignId: string, timeZone?: string): Promise<contracts.Campaign> {
    const campaign = await this.row(client, campaignId);
    if (!campaign) throw OrdersErrors.campaignNotFound(campaignId);
    const targets = await this.repo.targets(client, campaignId);
    const stock = await this.repo.stockLevels(client, campaignId);
    const remaining = new Map(stock.map((s) => [s.skuId, s.remaining]));
    const offers = [...(await this.offers(client, campaignId)).values()].map((offer) => ({
      ...offerIdentity(offer),
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
      stock,
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
    const served = binding && (await this.repo.serves(db, campaignId, binding.compound_id, binding.pickup_point_id));
    if (!served && !(await this.servesLeader(actor, campaignId))) throw OrdersErrors.notServed(campaignId);
    return this.view(db, campaignId, await this.viewerTimeZone(db, actor));
  }

  private async servesLeader(actor: Actor, campaignId: string): Promise<boolean> {
    const points = await this.store.leaderPointIds(this.store.db, actor);
    if (points.length === 0) return false;
    return this.repo.servesAnyPoint(this.store.db, campaignId, points);
  }

  async list(actor: Actor, filter: { status?: contracts.CampaignStatus; limit: number; offset: number }): Promise<{ campaigns: contracts.Campaign[] }> {
    const db = this.store.db;
    let ids: string[];
    if (isOps(actor)) {
      ids = await this.repo.idsForOps(db, filter.status ?? null, filter.limit, filter.offset);
    } else {
      const binding = await this.binding(db, actor.userId);
      const points = await this.store.leaderPointIds(db, actor);
      if (!binding && points.length === 0) throw OrdersErrors.notBound();
      const status = filter.status && filter.status !== 'draft' && filter.status !== 'cancelled' ? filter.status : null;
      ids = await this.repo.idsForViewer(db, {
        status,
        compoundId: binding?.compound_id ?? null,
        pickupPointId: binding?.pickup_point_id ?? null,
        ledPointIds: points,
        limit: filter.limit,
        offset: filter.offset,
      });
    }
    const zone = isOps(actor) ? undefined : await this.viewerTimeZone(db, actor);
    const campaigns = [];
    for (const id of ids) campaigns.push(await this.view(db, id, zone));
    return { campaigns };
  }

  /** Ops: the delivery for these points left the warehouse; their locked orders become shipped. */
  async ship(actor: Actor, campaignId: string, pickupPointIds?: string[]) {
    assertOps(actor);
    return this.store.transaction(async (tx) => {
      const campaign = await this.row(tx, campaignId);
      if (!campaign) throw OrdersErrors.campaignNotFound(campaignId);
      if (campaign.status !== 'closed') throw OrdersErrors.invalidTransition(`in a ${campaign.status} campaign`, 'shipped');
      const ids = await this.store.orders.idsInCampaign(tx, campaignId, ['locked'], pickupPointIds);
      let shipped = 0;
      for (const id of ids) {
        const order = (await this.store.lock(tx, id)) as OrderRow;
        if (order.status !== 'locked') continue;
        await this.store.transition(tx, order, 'shipped', transitionActor(actor, 'ops'));
        shipped += 1;
      }
      return { campaignId, shippedOrders: shipped };
    });
  }
}
