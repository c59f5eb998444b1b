import { Inject, Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { LinliError, orders as contracts, type Actor } from '@linli/contracts';
import { enqueueEvent } from '@linli/nest-kit';
import { CampaignRepository } from '@linli/orders-data-access';
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

  constructor(@Inject(OrderStore) private readonly store: OrderStore) {}

  async upsertCategory(actor: Actor, categoryId: string, name: string, parentId: string | null) {
    assertOps(actor);
    return this.store.transaction(async (tx) => {
      if (parentId !== null) {
        if (parentId === categoryId || !(await tx.category.findUnique({ where: { id: parentId } }))) {
          throw OrdersErrors.catalogInvalid('unknown parent category', { parentId });
        }
      }
      const row = await tx.category.upsert({ where: { id: categoryId }, create: { id: categoryId, name, parentId }, update: { name, parentId } });
      return { categoryId: row.id, name: row.name, parentId: row.parentId };
    });
  }

  async listCategories() {
    const rows = await this.store.db.category.findMany({ orderBy: { id: 'asc' } });
    return { categories: rows.map((row) => ({ categoryId: row.id, name: row.name, parentId: row.parentId })) };
  }

  async upsertProduct(actor: Actor, input: ProductInput): Promise<contracts.Product> {
    assertOps(actor);
    const codes = input.skus.map((sku) => sku.code);
    if (new Set(codes).size !== codes.length) throw OrdersErrors.catalogInvalid('SKU codes must differ within a product', { codes });
    return this.store.transaction(async (tx) => {
      if (!(await tx.category.findUnique({ where: { id: input.categoryId } }))) {
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
      await tx.product.upsert({ where: { id: productId }, create: { id: productId, ...data }, update: data });
      for (const sku of input.skus) {
        const byCode = await tx.sku.findUnique({ where: { code: sku.code } });
        if (byCode && byCode.productId !== productId) throw OrdersErrors.skuCodeTaken(sku.code);
        if (sku.skuId) {
          const existing = await tx.sku.findUnique({ where: { id: sku.skuId } });
          if (existing && existing.productId !== productId) throw OrdersErrors.catalogInvalid('the SKU belongs to another product', { skuId: sku.skuId });
        }
        const skuId = sku.skuId ?? byCode?.id ?? randomUUID();
        if (byCode && byCode.id !== skuId) throw OrdersErrors.skuCodeTaken(sku.code);
        const skuData = { code: sku.code, spec: sku.spec, priceCents: sku.priceCents, active: sku.active };
        await tx.sku.upsert({ where: { id: skuId }, create: { id: skuId, productId, ...skuData }, update: skuData });
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
    const row = await client.product.findUnique({ where: { id: productId }, include: { skus: { orderBy: { code: 'asc' } } } });
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
    const where = {
      ...(filter.categoryId ? { categoryId: filter.categoryId } : {}),
      ...(filter.healthFlag ? { healthFlags: { has: filter.healthFlag } } : {}),
      ...(filter.tag ? { tags: { has: filter.tag } } : {}),
      ...(filter.includeInactive && isOps(actor) ? {} : { active: true }),
    };
    const [rows, total] = await Promise.all([
      this.store.db.product.findMany({ where, orderBy: [{ name: 'asc' }, { id: 'asc' }], take: filter.limit, skip: filter.offset, select: { id: true } }),
      this.store.db.product.count({ where }),
    ]);
    const products = [];
    for (const row of rows) products.push(await this.product(this.store.db, row.id));
    return { products, total };
  }

  async upsertBundle(actor: Actor, input: BundleInput): Promise<contracts.Bundle> {
    assertOps(actor);
    return this.store.transaction(async (tx) => {
      const skuIds = input.items.map((item) => item.skuId);
      const found = await tx.sku.findMany({ where: { id: { in: skuIds } }, select: { id: true } });
      const missing = skuIds.filter((id) => !found.some((sku) => sku.id === id));
      if (missing.length > 0) throw OrdersErrors.catalogInvalid('unknown SKUs in the bundle', { skuIds: missing });
      const bundleId = input.bundleId ?? randomUUID();
      if (input.bundleId) {
        // Campaign stock was set for the components a bundle had: while it is on sale they stay as they are.
        const current = await tx.bundleItem.findMany({ where: { bundleId } });
        const same =
          current.length === input.items.length && input.items.every((item) => current.some((c) => c.skuId === item.skuId && c.quantity === item.quantity));
        if (!same && (await this.campaignRows.bundleOnSale(tx, bundleId))) throw OrdersErrors.catalogInvalid('the bundle is offered in an open campaign; its items cannot change', { bundleId });
      }
      const data = { name: input.name, description: input.description, priceCents: input.priceCents, imageUrls: input.imageUrls, tags: [...new Set(input.tags)], active: input.active };
      await tx.bundle.upsert({ where: { id: bundleId }, create: { id: bundleId, ...data }, update: data });
      await tx.bundleItem.deleteMany({ where: { bundleId } });
      await tx.bundleItem.createMany({ data: input.items.map((item) => ({ bundleId, skuId: item.skuId, quantity: item.quantity })) });
      return this.bundle(tx, bundleId);
    });
  }

  async bundle(client: Client | Tx, bundleId: string): Promise<contracts.Bundle> {
    const row = await client.bundle.findUnique({ where: { id: bundleId }, include: { items: true } });
    if (!row) throw OrdersErrors.catalogInvalid('unknown bundle', { bundleId });
    const skus = await client.sku.findMany({ where: { id: { in: row.items.map((item) => item.skuId) } }, include: { product: true } });
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
    const where = filter.includeInactive && isOps(actor) ? {} : { active: true };
    const [rows, total] = await Promise.all([
      this.store.db.bundle.findMany({ where, orderBy: [{ name: 'asc' }, { id: 'asc' }], take: filter.limit, skip: filter.offset, select: { id: true } }),
      this.store.db.bundle.count({ where }),
    ]);
    const bundles = [];
    for (const row of rows) bundles.push(await this.bundle(this.store.db, row.id));
    return { bundles, total };
  }
}
