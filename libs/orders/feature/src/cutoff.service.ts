import { Inject, Injectable, Logger } from '@nestjs/common';
import { orders as contracts, type Actor } from '@linli/contracts';
import { enqueueEvent } from '@linli/nest-kit';
import { CampaignRepository, FulfilmentRepository, SortingListRepository } from '@linli/orders-data-access';
import { assertOps } from './catalog.service.js';
import { CampaignService } from './campaign.service.js';
import { toCsv } from './csv.js';
import { OrdersErrors } from './orders.exception.js';
import { ORDERS_OPTIONS, type OrdersOptions } from './orders.options.js';
import { OrderStore, SYSTEM, isOps } from './order-store.js';
import { RefundService } from './refund.service.js';

/**
 * What happens at and after cut-off: unpaid orders expire, the minimum group is decided per pickup
 * point (unmet → those orders are cancelled and refunded), paid orders lock, and the campaign closes;
 * then the sorting list per pickup point and the purchase summary per SKU.
 *
 * Each order moves in a transaction of its own (claimed with SKIP LOCKED), so several replicas can run
 * this at once and a crash midway is finished by the next tick.
 */
@Injectable()
export class CutoffService {
  private readonly logger = new Logger('Cutoff');
  private readonly campaignRows = new CampaignRepository();
  private readonly fulfilment = new FulfilmentRepository();

  constructor(
    @Inject(OrderStore) private readonly store: OrderStore,
    @Inject(CampaignService) private readonly campaigns: CampaignService,
    @Inject(RefundService) private readonly refunds: RefundService,
    @Inject(ORDERS_OPTIONS) private readonly options: OrdersOptions,
    @Inject(SortingListRepository) private readonly sorting: SortingListRepository,
  ) {}

  /** Expires unpaid orders past their time; returns how many. */
  async expireDue(limit = 200): Promise<number> {
    const due = await this.store.orders.dueToExpire(this.store.db, limit);
    let expired = 0;
    for (const id of due) if (await this.expireOne(id)) expired += 1;
    return expired;
  }

  private async expireOne(orderId: string): Promise<boolean> {
    return this.store.transaction(async (tx) => {
      const order = await this.store.lock(tx, orderId, true);
      if (!order || order.status !== 'pending_payment' || order.expires_at.getTime() > Date.now()) return false;
      const moved = await this.store.transition(tx, order, 'expired', SYSTEM, { reason: 'not paid in time' });
      await this.store.releaseHoldings(tx, moved);
      return true;
    });
  }

  /** Campaigns whose cut-off passed and are not closed yet: claims one at a time and carries it through. */
  async processCutoffs(limit = 10): Promise<number> {
    let closed = 0;
    for (let i = 0; i < limit; i++) {
      const claimed = await this.store.transaction((tx) => this.campaignRows.claimDueCutoff(tx));
      if (!claimed) break;
      if (await this.cutoff(claimed)) closed += 1;
      else break; // some orders were busy: the next tick finishes
    }
    return closed;
  }

  /** Carries one campaign through its cut-off; true when it closed. */
  async cutoff(campaignId: string): Promise<boolean> {
    const db = this.store.db;
    const pending = await this.store.orders.idsInCampaign(db, campaignId, ['pending_payment']);
    for (const id of pending) {
      await this.store.transaction(async (tx) => {
        const order = await this.store.lock(tx, id, true);
        if (!order || order.status !== 'pending_payment') return;
        const moved = await this.store.transition(tx, order, 'expired', SYSTEM, { reason: 'not paid by the cut-off' });
        await this.store.releaseHoldings(tx, moved);
      });
    }
    const campaign = await this.campaigns.row(db, campaignId);
    if (!campaign) return false;
    // Freeze the minimum-group decision per pickup point once.
    await this.campaignRows.decidePointOutcomes(db, campaignId, campaign.min_group_size);
    const paid = await this.store.orders.idsInCampaign(db, campaignId, ['paid']);
    for (const id of paid) {
      await this.store.transaction(async (tx) => {
        const order = await this.store.lock(tx, id, true);
        if (!order || order.status !== 'paid') return;
        const outcome = await this.campaignRows.pointOutcome(tx, campaignId, order.pickup_point_id, campaign.min_group_size);
        if (outcome.minimumMet) {
          await this.store.transition(tx, order, 'locked', SYSTEM, { reason: 'cut-off' });
          return;
        }
        const reason = `minimum group of ${campaign.min_group_size} not reached at this pickup point (${outcome.customers})`;
        const moved = await this.store.transition(tx, order, 'cancelled', SYSTEM, { reason });
        await this.store.releaseHoldings(tx, moved);
        await this.refunds.refundAllLocked(tx, moved, 'min-group-unmet', `min-group-${order.id}`, SYSTEM);
      });
    }
    return this.store.transaction(async (tx) => {
      if ((await this.store.orders.countUndecided(tx, campaignId)) > 0) return false;
      if (!(await this.campaignRows.close(tx, campaignId))) return false;
      const counts = await this.store.orders.countLockedAndCancelled(tx, campaignId);
      const outcomes = await this.campaignRows.pointOutcomes(tx, campaignId);
      await enqueueEvent(tx, contracts.campaignClosed, {
        campaignId,
        closedAt: new Date().toISOString(),
        lockedOrders: counts.locked,
        cancelledOrders: counts.cancelled,
        pickupPoints: outcomes.map((o) => ({ pickupPointId: o.pickupPointId, customers: o.customers, minimumMet: o.minimumMet })),
      });
      this.logger.log(`campaign ${campaignId} closed: ${counts.locked} orders locked, ${counts.cancelled} cancelled`);
      return true;
    });
  }

  /** Completes picked-up orders once the complaint window has passed. */
  async completeDue(limit = 200): Promise<number> {
    const due = await this.store.orders.dueToComplete(this.store.db, this.options.complaintWindowHours, limit);
    let completed = 0;
    for (const id of due) {
      const done = await this.store.transaction(async (tx) => {
        const order = await this.store.lock(tx, id, true);
        if (!order || order.status !== 'picked_up') return false;
        await this.store.transition(tx, order, 'completed', SYSTEM, { reason: 'complaint window passed' });
        return true;
      });
      if (done) completed += 1;
    }
    return completed;
  }

  // ---------------------------------------------------------------- outputs

  /**
   * Who gets what at one pickup point, per resident (display name, building, pickup codes) and in
   * total: the orders going out with the delivery, or before the cut-off a preview of those paid so far.
   */
  async sortingList(actor: Actor, campaignId: string, pickupPointId: string, format: 'json' | 'csv'): Promise<contracts.SortingList> {
    const db = this.store.db;
    if (!isOps(actor) && !(await this.store.leaderPointIds(db, actor)).includes(pickupPointId)) {
      throw OrdersErrors.forbidden('you do not run this pickup point');
    }
    const campaign = await this.campaigns.row(db, campaignId);
    if (!campaign) throw OrdersErrors.campaignNotFound(campaignId);
    const pointName = await this.fulfilment.pickupPointName(db, pickupPointId);
    const preview = campaign.status === 'draft' || campaign.status === 'published';
    const rows = await this.sorting.rows(db, campaignId, pickupPointId, preview ? PREVIEW_STATUSES : OUTGOING_STATUSES);
    const residents = new Map<string, contracts.SortingList['residents'][number]>();
    const totals = new Map<string, { skuId: string; name: string; spec: string; quantity: number }>();
    for (const row of rows) {
      const resident = residents.get(row.userId) ?? { userId: row.userId, displayName: row.displayName, building: row.building, orderIds: [], pickupCodes: [], items: [] };
      resident.orderIds = [...new Set([...resident.orderIds, ...row.orderIds])].sort();
      resident.pickupCodes = [...new Set([...resident.pickupCodes, ...row.pickupCodes])].sort();
      resident.items.push({ skuId: row.skuId, productId: row.productId, name: row.name, spec: row.spec, quantity: row.quantity });
      residents.set(row.userId, resident);
      const total = totals.get(row.skuId) ?? { skuId: row.skuId, name: row.name, spec: row.spec, quantity: 0 };
      total.quantity += row.quantity;
      totals.set(row.skuId, total);
    }
    const list: contracts.SortingList = {
      campaignId,
      pickupPointId,
      pickupPointName: pointName ?? pickupPointId,
      deliveryDate: campaign.delivery_date.toISOString().slice(0, 10),
      campaignStatus: campaign.status as contracts.CampaignStatus,
      preview,
      residents: [...residents.values()],
      totals: [...totals.values()].sort((a, b) => a.name.localeCompare(b.name) || a.spec.localeCompare(b.spec)),
    };
    if (format === 'csv') {
      const codes = new Map(rows.map((row) => [row.skuId, row.code]));
      list.csv = toCsv(
        ['delivery_date', 'pickup_point', 'preview', 'building', 'resident', 'pickup_codes', 'orders', 'sku_code', 'product', 'spec', 'quantity'],
        list.residents.flatMap((resident) =>
          resident.items.map((item) => [
            list.deliveryDate,
            list.pickupPointName,
            preview ? 'yes' : 'no',
            resident.building ?? '',
            resident.displayName ?? resident.userId,
            resident.pickupCodes.join(' '),
            resident.orderIds.join(' '),
            codes.get(item.skuId),
            item.name,
            item.spec,
            item.quantity,
          ]),
        ),
      );
    }
    return list;
  }

  /** What to buy per SKU for a campaign: units in orders going out (paid ones too before the cut-off, as a preview). */
  async purchaseSummary(actor: Actor, campaignId: string, format: 'json' | 'csv'): Promise<contracts.PurchaseSummary> {
    assertOps(actor);
    const db = this.store.db;
    const campaign = await this.campaigns.row(db, campaignId);
    if (!campaign) throw OrdersErrors.campaignNotFound(campaignId);
    const rows = await this.fulfilment.purchaseRows(db, campaignId);
    const summary: contracts.PurchaseSummary = {
      campaignId,
      deliveryDate: campaign.delivery_date.toISOString().slice(0, 10),
      skus: rows.map((row) => ({
        skuId: row.sku_id,
        code: row.code,
        productId: row.product_id,
        name: row.name,
        spec: row.spec,
        quantity: row.quantity,
        pickupPoints: row.points,
      })),
    };
    if (format === 'csv') {
      summary.csv = toCsv(
        ['delivery_date', 'sku_code', 'product', 'spec', 'quantity', 'pickup_points'],
        summary.skus.map((sku) => [summary.deliveryDate, sku.code, sku.name, sku.spec, sku.quantity, sku.pickupPoints]),
      );
    }
    return summary;
  }
}

/** After the cut-off: the orders that go out with the delivery. */
const OUTGOING_STATUSES = ['locked', 'shipped', 'received', 'picked_up', 'completed'] as const;
/** Before it: the orders paid so far (an unpaid order may still expire). */
const PREVIEW_STATUSES = ['paid'] as const;
