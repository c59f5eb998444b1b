import type { SqlExecutor } from '@linli/nest-kit';

/** Reads of the kernel's tables in a service database (`OUTBOX_TABLES_SQL`: the outbox and the consumers' processed ids). */

/** Outbox rows: all of them, or those whose payload mentions a value. */
export async function outboxCount(db: SqlExecutor, mentioning?: string): Promise<number> {
  const rows = mentioning
    ? await db.$queryRawUnsafe<{ n: number }[]>('SELECT count(*)::int AS n FROM outbox_events WHERE payload::text LIKE $1', `%${mentioning}%`)
    : await db.$queryRawUnsafe<{ n: number }[]>('SELECT count(*)::int AS n FROM outbox_events');
  return rows[0]!.n;
}

/** Whether a consumer (any, or one whose name starts with `consumerPrefix`) recorded the event as processed. */
export async function eventProcessed(db: SqlExecutor, eventId: string, consumerPrefix = ''): Promise<boolean> {
  const rows = await db.$queryRawUnsafe<{ n: number }[]>(
    'SELECT count(*)::int AS n FROM processed_events WHERE event_id = $1::uuid AND starts_with(consumer, $2)',
    eventId,
    consumerPrefix,
  );
  return rows[0]!.n > 0;
}

/** The integer a scalar SQL expression evaluates to, e.g. `count(*) FROM bookings WHERE user_id = $1::uuid`-style subqueries. */
export async function sqlInt(db: SqlExecutor, expression: string, ...values: unknown[]): Promise<number> {
  return (await db.$queryRawUnsafe<{ n: number }[]>(`SELECT (${expression})::int AS n`, ...values))[0]!.n;
}
