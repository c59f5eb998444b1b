import type { OrdersClient, OrdersTx } from './client.js';

export interface ProductData {
  name: string;
  description: string;
  categoryId: string;
  unit: string;
  imageUrls: string[];
  healthFlags: string[];
  tags: string[];
  active: boolean;
}

export interface SkuData {
  code: string;
  spec: string;
  priceCents: number;
  active: boolean;
}

export interface BundleData {
  name: string;
  description: string;
  priceCents: number;
  imageUrls: string[];
  tags: string[];
  active: boolean;
}

export interface CatalogFilter {
  categoryId?: string;
  healthFlag?: string;
  tag?: string;
  /** Only active entries unless false. */
  activeOnly: boolean;
  limit: number;
  offset: number;
}

/** The catalog: categories, products with their SKUs, and bundles of SKUs. */
export class CatalogRepository {
  category(db: OrdersClient, categoryId: string) {
    return db.category.findUnique({ where: { id: categoryId } });
  }

  upsertCategory(tx: OrdersTx, category: { id: string; name: string; parentId: string | null }) {
    const { id, name, parentId } = category;
    return tx.category.upsert({ where: { id }, create: { id, name, parentId }, update: { name, parentId } });
  }

  categories(db: OrdersClient) {
    return db.category.findMany({ orderBy: { id: 'asc' } });
  }

  async upsertProduct(tx: OrdersTx, productId: string, data: ProductData): Promise<void> {
    await tx.product.upsert({ where: { id: productId }, create: { id: productId, ...data }, update: data });
  }

  skuByCode(tx: OrdersTx, code: string) {
    return tx.sku.findUnique({ where: { code } });
  }

  sku(tx: OrdersTx, skuId: string) {
    return tx.sku.findUnique({ where: { id: skuId } });
  }

  async upsertSku(tx: OrdersTx, skuId: string, productId: string, data: SkuData): Promise<void> {
    await tx.sku.upsert({ where: { id: skuId }, create: { id: skuId, productId, ...data }, update: data });
  }

  /** A product with its SKUs in code order. */
  product(db: OrdersClient, productId: string) {
    return db.product.findUnique({ where: { id: productId }, include: { skus: { orderBy: { code: 'asc' } } } });
  }

  /** One page of product ids in name order, and how many match. */
  async productPage(db: OrdersClient, filter: CatalogFilter): Promise<{ ids: string[]; total: number }> {
    const where = {
      ...(filter.categoryId ? { categoryId: filter.categoryId } : {}),
      ...(filter.healthFlag ? { healthFlags: { has: filter.healthFlag } } : {}),
      ...(filter.tag ? { tags: { has: filter.tag } } : {}),
      ...(filter.activeOnly ? { active: true } : {}),
    };
    const [rows, total] = await Promise.all([
      db.product.findMany({ where, orderBy: [{ name: 'asc' }, { id: 'asc' }], take: filter.limit, skip: filter.offset, select: { id: true } }),
      db.product.count({ where }),
    ]);
    return { ids: rows.map((row) => row.id), total };
  }

  /** Which of these SKU ids exist. */
  async existingSkuIds(tx: OrdersTx, skuIds: string[]): Promise<string[]> {
    return (await tx.sku.findMany({ where: { id: { in: skuIds } }, select: { id: true } })).map((sku) => sku.id);
  }

  bundleItems(tx: OrdersTx, bundleId: string) {
    return tx.bundleItem.findMany({ where: { bundleId } });
  }

  /** Writes the bundle and replaces its items. */
  async saveBundle(tx: OrdersTx, bundleId: string, data: BundleData, items: { skuId: string; quantity: number }[]): Promise<void> {
    await tx.bundle.upsert({ where: { id: bundleId }, create: { id: bundleId, ...data }, update: data });
    await tx.bundleItem.deleteMany({ where: { bundleId } });
    await tx.bundleItem.createMany({ data: items.map((item) => ({ bundleId, skuId: item.skuId, quantity: item.quantity })) });
  }

  bundle(db: OrdersClient, bundleId: string) {
    return db.bundle.findUnique({ where: { id: bundleId }, include: { items: true } });
  }

  /** SKUs with their products. */
  skusWithProducts(db: OrdersClient, skuIds: string[]) {
    return db.sku.findMany({ where: { id: { in: skuIds } }, include: { product: true } });
  }

  /** One page of bundle ids in name order, and how many match. */
  async bundlePage(db: OrdersClient, filter: Pick<CatalogFilter, 'activeOnly' | 'limit' | 'offset'>): Promise<{ ids: string[]; total: number }> {
    const where = filter.activeOnly ? { active: true } : {};
    const [rows, total] = await Promise.all([
      db.bundle.findMany({ where, orderBy: [{ name: 'asc' }, { id: 'asc' }], take: filter.limit, skip: filter.offset, select: { id: true } }),
      db.bundle.count({ where }),
    ]);
    return { ids: rows.map((row) => row.id), total };
  }
}
