import type { LeaderOpsExecutor } from './customers.repository.js';

export interface CompoundData {
  name: string;
  city: string;
  district: string | null;
  timeZone: string;
}

/** Compounds (小区) as ops keep them. */
export class CompoundsRepository {
  /** Inserts the compound unless its id exists; true when it was inserted. */
  async insertIfMissing(tx: LeaderOpsExecutor, id: string, data: CompoundData): Promise<boolean> {
    const { count } = await tx.compound.createMany({ data: [{ id, ...data }], skipDuplicates: true });
    return count === 1;
  }

  find(tx: LeaderOpsExecutor, id: string) {
    return tx.compound.findUnique({ where: { id } });
  }

  get(tx: LeaderOpsExecutor, id: string) {
    return tx.compound.findUniqueOrThrow({ where: { id } });
  }

  async update(tx: LeaderOpsExecutor, id: string, data: CompoundData): Promise<void> {
    await tx.compound.update({ where: { id }, data });
  }

  async exists(tx: LeaderOpsExecutor, id: string): Promise<boolean> {
    return (await tx.compound.findUnique({ where: { id }, select: { id: true } })) !== null;
  }

  /** Which of these compound ids exist. */
  async existing(tx: LeaderOpsExecutor, ids: string[]): Promise<string[]> {
    return (await tx.compound.findMany({ where: { id: { in: ids } }, select: { id: true } })).map((c) => c.id);
  }

  /** Up to `limit` compounds after `after` in id order, optionally of one city. */
  page(tx: LeaderOpsExecutor, filter: { city?: string; after?: string; limit: number }) {
    return tx.compound.findMany({
      where: { ...(filter.city ? { city: filter.city } : {}), ...(filter.after ? { id: { gt: filter.after } } : {}) },
      orderBy: { id: 'asc' },
      take: filter.limit,
    });
  }
}
