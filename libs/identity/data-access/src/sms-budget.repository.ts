import { randomUUID } from 'node:crypto';
import type { Prisma } from './generated/prisma/client.js';

type Tx = Prisma.TransactionClient;

export interface SmsSendCounts {
  /** Sends for this client in the last hour (0 when the client is unknown). */
  client: number;
  /** Sends to numbers of this prefix in the last hour. */
  prefix: number;
  /** Sends platform-wide in the last 24 hours. */
  day: number;
  /** The oldest send inside each window, to say when the budget frees up. */
  oldest: { client: Date | null; prefix: Date | null; day: Date | null };
}

/** The ledger of SMS sends that the anti-pumping budgets are counted from. */
export class SmsBudgetRepository {
  /** Serialises budget checks within the transaction, so concurrent sends cannot overshoot a budget. */
  async lock(tx: Tx): Promise<void> {
    await tx.$queryRawUnsafe("SELECT pg_advisory_xact_lock(hashtext('identity.sms-budget'))::text");
  }

  async counts(tx: Tx, input: { clientKey: string | null; phonePrefix: string; now: Date }): Promise<SmsSendCounts> {
    const hourAgo = new Date(input.now.getTime() - 3_600_000);
    const dayAgo = new Date(input.now.getTime() - 86_400_000);
    const window = async (where: Prisma.SmsSendWhereInput) => {
      const [count, oldest] = await Promise.all([
        tx.smsSend.count({ where }),
        tx.smsSend.findFirst({ where, orderBy: { createdAt: 'asc' }, select: { createdAt: true } }),
      ]);
      return { count, oldest: oldest?.createdAt ?? null };
    };
    const client = input.clientKey ? await window({ clientKey: input.clientKey, createdAt: { gt: hourAgo } }) : { count: 0, oldest: null };
    const prefix = await window({ phonePrefix: input.phonePrefix, createdAt: { gt: hourAgo } });
    const day = await window({ createdAt: { gt: dayAgo } });
    return { client: client.count, prefix: prefix.count, day: day.count, oldest: { client: client.oldest, prefix: prefix.oldest, day: day.oldest } };
  }

  async record(tx: Tx, input: { phone: string; phonePrefix: string; clientKey: string | null; purpose: 'sign-in' | 'member-card' }): Promise<void> {
    await tx.smsSend.create({ data: { id: randomUUID(), ...input } });
  }
}
