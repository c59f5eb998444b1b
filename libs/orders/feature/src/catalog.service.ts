import { Inject, Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { LinliError, orders as contracts, type Actor } from '@linli/contracts';
import { enqueueEvent } from '@linli/nest-kit';
import { CampaignRepository, CatalogRepository } from '@linli/orders-data-access';
import { OrdersErrors } from './orders.exception.js';
import { OrderStore, isOps, type Client, type Tx } from './order-store.js';

type ProductInput = z.output<typeof contracts.ProductInputSchema>;
type BundleInput = z.output<typeof contracts.BundleInputSchema>;
type HealthFlag = contracts.HealthFlag;

export function assertOps(actor: Actor): void {
  if (!isOps(actor)) throw OrdersErrors.forbidden('only operations staff may do this');
}

/** Categories, products with SKUs, and scenario bundles. Ops write; everyone signed in reads. */
@Injectable()
export class CatalogService {
  private readonly campaignRows = new CampaignRepository();
  private readonly catalog = new CatalogRepository();

  constructor(@Inject(OrderStore) private readonly store: OrderStore) {}

  async upsertCategory(actor: Actor, categoryId: string, name: string, parentId: string | null) {
    assertOps(actor);
    return this.store.transaction(async (tx) => {
      if (parentId !== null) {
        if (parentId === categoryId || !(await this.catalog.category(tx, parentId))) {
          throw OrdersErrors.catalogInvalid('unknown parent category', { parentId });
        }
      }
      const row = await this.catalog.upsertCategory(tx, { id: categoryId, name, parentId });
      return { categoryId: row.id, name: row.name, parentId: row.parentId };
    });
  }

  async listCategories() {
    const rows = await this.catalog.categories(this.store.db);
    return { categories: rows.map((row) => ({ categoryId: row.id, name: row.name, parentId: row.parentId })) };
  }

  async upsertProduct(actor: Actor, input: ProductInput): Promise<contracts.Product> {
    assertOps(actor);
    const codes = input.skus.map((sku) => sku.code);
    if (new Set(codes).size !== codes.length) throw OrdersErrors.catalogInvalid('SKU codes must differ within a product', { codes });
    return this.store.transaction(async (tx) => {
      if (!(await this.catalog.category(tx, input.categoryId))) {
        throw OrdersErrors.catalogInvalid('unknown category', { categoryId: input.categoryId });
      }
      const productId = input.productId ?? randomUUID();
      const data = {
        name: input.name,
        description: input.description,
        categoryId: input.categoryId,
        unit: input.unit,
        imageUrls: input.imageUrls,
        healthFlags: [...new Set(input.healthFlags)],
        tags: [...new Set(input.tags)],
        active: input.active,
      };
      await this.catalog.upsertProduct(tx, productId, data);
      for (const sku of input.skus) {
        const byCode = await this.catalog.skuByCode(tx, sku.code);
        if (byCode && byCode.productId !== productId) throw OrdersErrors.skuCodeTaken(sku.code);
        if (sku.skuId) {
          const existing = await this.catalog.sku(tx, sku.skuId);
          if (existing && existing.productId !== productId) throw OrdersErrors.catalogInvalid('the SKU belongs to another product', { skuId: sku.skuId });
        }
        const skuId = sku.skuId ?? byCode?.id ?? randomUUID();
        if (byCode && byCode.id !== skuId) throw OrdersErrors.skuCodeTaken(sku.code);
        const skuData = { code: sku.code, spec: sku.spec, priceCents: sku.priceCents, active: sku.active };
        await this.catalog.upsertSku(tx, skuId, productId, skuData);
      }
      const product = await this.product(tx, productId);
      await enqueueEvent(tx, contracts.productUpserted, {
        productId: product.productId,
        name: product.name,
        categoryId: product.categoryId,
        unit: product.unit,
        healthFlags: product.healthFlags,
        tags: product.tags,
        imageUrls: product.imageUrls,
        active: product.active,
        skus: product.skus,
        updatedAt: product.updatedAt,
      });
      return product;
    });
  }

  async product(client: Client, productId: string): Promise<contracts.Product> {
    const row = await this.catalog.product(client, productId);
    if (!row) throw new LinliError('COMMON.NOT_FOUND', 'no such product', { productId });
    return {
      productId: row.id,
      name: row.name,
      description: row.description,
      categoryId: row.categoryId,
      unit: row.unit,
      imageUrls: row.imageUrls,
      healthFlags: row.healthFlags as HealthFlag[],
      tags: row.tags,
      active: row.active,
      skus: row.skus.map((sku) => ({ skuId: sku.id, code: sku.code, spec: sku.spec, priceCents: sku.priceCents, active: sku.active })),
      updatedAt: row.updatedAt.toISOString(),
    };
  }

  async getProduct(actor: Actor, productId: string): Promise<contracts.Product> {
    const product = await this.product(this.store.db, productId);
    if (!product.active && !isOps(actor)) throw new LinliError('COMMON.NOT_FOUND', 'no such product', { productId });
    return product;
  }

  async listProducts(
    actor: Actor,
    filter: { categoryId?: string; healthFlag?: HealthFlag; tag?: string; includeInactive: boolean; limit: number; offset: number },
  ) {
    const { includeInactive, ...page } = filter;
    const { ids, total } = await this.catalog.productPage(this.store.db, { ...page, activeOnly: !(includeInactive && isOps(actor)) });
    const products = [];
    for (const id of ids) products.push(await this.product(this.store.db, id));
    return { products, total };
  }

  async upsertBundle(actor: Actor, input: BundleInput): Promise<contracts.Bundle> {
    assertOps(actor);
    return this.store.transaction(async (tx) => {
      const skuIds = input.items.map((item) => item.skuId);
      const found = new Set(await this.catalog.existingSkuIds(tx, skuIds));
      const missing = skuIds.filter((id) => !found.has(id));
      if (missing.length > 0) throw OrdersErrors.catalogInvalid('unknown SKUs in the bundle', { skuIds: missing });
      const bundleId = input.bundleId ?? randomUUID();
      if (input.bundleId) {
        // Campaign stock was set for the components a bundle had: while it is on sale they stay as they are.
        const current = await this.catalog.bundleItems(tx, bundleId);
        const same =
          current.length === input.items.length && input.items.every((item) => current.some((c) => c.skuId === item.skuId && c.quantity === item.quantity));
        if (!same && (await this.campaignRows.bundleOnSale(tx, bundleId))) throw OrdersErrors.catalogInvalid('the bundle is offered in an open campaign; its items cannot change', { bundleId });
      }
      const data = { name: input.name, description: input.description, priceCents: input.priceCents, imageUrls: input.imageUrls, tags: [...new Set(input.tags)], active: input.active };
      await this.catalog.saveBundle(tx, bundleId, data, input.items);
      return this.bundle(tx, bundleId);
    });
  }

  async bundle(client: Client | Tx, bundleId: string): Promise<contracts.Bundle> {
    const row = await this.catalog.bundle(client, bundleId);
    if (!row) throw OrdersErrors.catalogInvalid('unknown bundle', { bundleId });
    const skus = await this.catalog.skusWithProducts(client, row.items.map((item) => item.skuId));
    const items = row.items
      .map((item) => {
        const sku = skus.find((s) => s.id === item.skuId)!;
        return { skuId: sku.id, productId: sku.productId, name: sku.product.name, spec: sku.spec, quantity: item.quantity, listPriceCents: sku.priceCents };
      })
      .sort((a, b) => a.name.localeCompare(b.name) || (a.skuId < b.skuId ? -1 : 1));
    return {
      bundleId: row.id,
      name: row.name,
      description: row.description,
      priceCents: row.priceCents,
      imageUrls: row.imageUrls,
      tags: row.tags,
      active: row.active,
      items,
      listPriceCents: items.reduce((sum, item) => sum + item.quantity * item.listPriceCents, 0),
    };
  }

  async listBundles(actor: Actor, filter: { includeInactive: boolean; limit: number; offset: number }) {
    const { ids, total } = await this.catalog.bundlePage(this.store.db, { activeOnly: !(filter.includeInactive && isOps(actor)), limit: filter.limit, offset: filter.offset });
    const bundles = [];
    for (const id of ids) bundles.push(await this.bundle(this.store.db, id));
    return { bundles, total };
  }
}
