/** Loading a canonical data-set folder for the evaluation tasks. */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { collect, readCustomers, readProducts, readTransactions, type CustomerRecord, type ProductRecord, type RejectSummary, type Transaction } from '../canonical.js';
import type { InteractionBasket } from '../recommender.js';

export interface Dataset {
  dir: string;
  transactions: Transaction[];
  customers: CustomerRecord[] | null;
  products: ProductRecord[] | null;
  rejects: { transactions: RejectSummary; customers: RejectSummary | null; products: RejectSummary | null };
}

export class DatasetError extends Error {}

export async function loadDataset(dir: string, parts: { customers?: boolean; products?: boolean } = {}): Promise<Dataset> {
  const tx = join(dir, 'transactions.csv');
  if (!existsSync(tx)) throw new DatasetError(`${tx} not found: --data must be a canonical data-set folder`);
  const t = await collect(readTransactions(tx));
  let customers: CustomerRecord[] | null = null;
  let products: ProductRecord[] | null = null;
  let cr: RejectSummary | null = null;
  let pr: RejectSummary | null = null;
  if (parts.customers && existsSync(join(dir, 'customers.csv'))) {
    const c = await collect(readCustomers(join(dir, 'customers.csv')));
    customers = c.rows;
    cr = c.rejects;
  }
  if (parts.products && existsSync(join(dir, 'products.csv'))) {
    const p = await collect(readProducts(join(dir, 'products.csv')));
    products = p.rows;
    pr = p.rejects;
  }
  return { dir, transactions: t.rows, customers, products, rejects: { transactions: t.rejects, customers: cr, products: pr } };
}

/**
 * Baskets from transactions: one per (customer, order_id), timed by its earliest line, in order
 * of first appearance. Lines without a product_id carry no item and are left out.
 */
export function toBaskets(transactions: readonly Transaction[]): Array<InteractionBasket & { seq: number }> {
  const byKey = new Map<string, InteractionBasket & { seq: number; items: string[] }>();
  for (const t of transactions) {
    const key = `${t.customerId}\u0000${t.orderId}`;
    let b = byKey.get(key);
    if (!b) byKey.set(key, (b = { userId: t.customerId, time: t.orderedAt, items: [], seq: byKey.size }));
    if (t.orderedAt < b.time) b.time = t.orderedAt;
    if (t.productId !== '' && !b.items.includes(t.productId)) b.items.push(t.productId);
  }
  return [...byKey.values()];
}
