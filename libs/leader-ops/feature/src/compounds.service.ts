import { Inject, Injectable } from '@nestjs/common';
import { leaderOps as contracts, type Actor } from '@linli/contracts';
import { CompoundsRepository, leaderOpsLocks } from '@linli/leader-ops-data-access';
import { enqueueEvent } from '@linli/nest-kit';
import { toCompound } from './leader-ops.mappers.js';
import { assertOps } from './leader-ops.rules.js';
import { LeaderOpsTransactions } from './leader-ops.transaction.js';

/** Compounds (小区): created and changed by ops, announced to every service as `leader-ops.compound.upserted.v1`. */
@Injectable()
export class CompoundsService {
  private readonly compounds = new CompoundsRepository();

  constructor(@Inject(LeaderOpsTransactions) private readonly transactions: LeaderOpsTransactions) {}

  /** Creates or changes a compound; the event is written only when something changed. */
  async upsert(actor: Actor, input: contracts.Compound): Promise<contracts.Compound & { created: boolean }> {
    assertOps(actor);
    const desired = contracts.CompoundSchema.parse(input);
    const data = { name: desired.name, city: desired.city, district: desired.district ?? null, timeZone: desired.timeZone };
    return this.transactions.run(async (tx) => {
      // Insert-if-missing first, so two concurrent creations of one id become one create and one update.
      const created = await this.compounds.insertIfMissing(tx, desired.compoundId, data);
      if (!created) {
        await leaderOpsLocks.compound(tx, desired.compoundId);
        const existing = await this.compounds.get(tx, desired.compoundId);
        const same = existing.name === data.name && existing.city === data.city && existing.district === data.district && existing.timeZone === data.timeZone;
        if (same) return { ...toCompound(existing), created: false };
        await this.compounds.update(tx, desired.compoundId, data);
      }
      const compound = toCompound(await this.compounds.get(tx, desired.compoundId));
      await enqueueEvent(tx, contracts.compoundUpserted, compound);
      return { ...compound, created };
    });
  }

  /** Compounds in id order, one page at a time. */
  async list(request: { city?: string; after?: string; limit: number }): Promise<{ compounds: contracts.Compound[]; nextAfter: string | null }> {
    const rows = await this.compounds.page(this.transactions.reader, { city: request.city, after: request.after, limit: request.limit + 1 });
    const page = rows.slice(0, request.limit);
    return { compounds: page.map(toCompound), nextAfter: rows.length > request.limit ? page.at(-1)!.id : null };
  }
}
