// What one accepted order costs: CPU-milliseconds per process group (from the CPU meter), and from
// PostgreSQL's own counters the transactions, rows and WAL each order writes, per database; the
// messages and bytes each order adds to the event streams; and, in a short phase of its own, the
// SQL statements (round trips) each order sends, counted from the server log.
import { closeSync, existsSync, openSync, readSync, statSync } from 'node:fs';
import { execFileSync } from 'node:child_process';

const COUNTERS = ['xact_commit', 'xact_rollback', 'tup_inserted', 'tup_updated', 'tup_deleted', 'tup_fetched', 'blks_read', 'blks_hit'];

/** PostgreSQL's cumulative counters for the named databases (keyed by label) and the server's WAL. */
export async function databaseCounters(client, databases) {
  const names = Object.values(databases);
  const { rows } = await client.query(`SELECT datname, ${COUNTERS.map((c) => `${c}::float8 AS ${c}`).join(', ')} FROM pg_stat_database WHERE datname = ANY($1)`, [names]);
  const wal = (await client.query('SELECT wal_records::float8 AS wal_records, wal_fpi::float8 AS wal_fpi, wal_bytes::float8 AS wal_bytes FROM pg_stat_wal')).rows[0];
  const byLabel = {};
  for (const [label, name] of Object.entries(databases)) byLabel[label] = rows.find((r) => r.datname === name) ?? null;
  return { byLabel, wal };
}

/** PostgreSQL publishes backends' counters about once a second: wait that long before the last reading. */
export const STATS_FLUSH_MS = 1_200;

const per = (value, orders, digits = 2) => Math.round((value / orders) * 10 ** digits) / 10 ** digits;

/** Per accepted order between two readings: per database and for the whole server's WAL. */
export function databaseCostPerOrder(before, after, orders) {
  const databases = {};
  for (const [label, row] of Object.entries(after.byLabel)) {
    const first = before.byLabel[label];
    if (!row || !first) continue;
    databases[label] = {
      transactions: per(row.xact_commit + row.xact_rollback - first.xact_commit - first.xact_rollback, orders),
      rowsInserted: per(row.tup_inserted - first.tup_inserted, orders),
      rowsUpdated: per(row.tup_updated - first.tup_updated, orders),
      rowsDeleted: per(row.tup_deleted - first.tup_deleted, orders),
      rowsFetched: per(row.tup_fetched - first.tup_fetched, orders),
      blocksRead: per(row.blks_read - first.blks_read, orders),
    };
  }
  return {
    databases,
    walRecords: per(after.wal.wal_records - before.wal.wal_records, orders, 1),
    walFullPageImages: per(after.wal.wal_fpi - before.wal.wal_fpi, orders, 2),
    walBytes: per(after.wal.wal_bytes - before.wal.wal_bytes, orders, 0),
  };
}

/** Messages and bytes held by the given JetStream streams (keyed by label). */
export async function streamCounters(jsm, streams) {
  const result = {};
  for (const [label, name] of Object.entries(streams)) {
    try {
      const { state } = await jsm.streams.info(name);
      result[label] = { messages: state.messages, bytes: state.bytes };
    } catch {
      result[label] = null;
    }
  }
  return result;
}

export function streamCostPerOrder(before, after, orders) {
  const result = {};
  for (const [label, now] of Object.entries(after)) {
    const first = before[label];
    if (!now || !first) continue;
    result[label] = { messages: per(now.messages - first.messages, orders), bytes: per(now.bytes - first.bytes, orders, 0) };
  }
  return result;
}

/** CPU-milliseconds per accepted order of each group, from a CpuMeter result. */
export function cpuMsPerOrder(cpu, orders) {
  const result = {};
  for (const [group, cores] of Object.entries(cpu.cores)) result[group] = Math.round(((cores * cpu.seconds * 1000) / orders) * 1000) / 1000;
  return result;
}

/** The server log of the cluster on `port` (Debian's pg_lsclusters), or null when it cannot be read. */
export function serverLogFile(port) {
  try {
    const out = execFileSync('pg_lsclusters', ['--no-header'], { encoding: 'utf8' });
    for (const line of out.split('\n')) {
      const cols = line.trim().split(/\s+/);
      if (cols[2] === String(port) && cols[6] && existsSync(cols[6])) {
        closeSync(openSync(cols[6], 'r'));
        return cols[6];
      }
    }
  } catch {
    // not Debian's layout, or not readable by this user
  }
  return null;
}

/**
 * Counts the statements each database receives while `run()` goes on, by switching on
 * `log_statement = 'all'` for the server (superuser, reloaded, switched back afterwards) and reading
 * the lines the log gained. Every statement logged is one round trip from a client (BEGIN and COMMIT
 * included). Logging costs time itself, so this runs in a phase of its own.
 */
export async function countStatements(admin, logFile, databases, run) {
  const start = statSync(logFile).size;
  await admin.query(`ALTER SYSTEM SET log_statement = 'all'`);
  await admin.query('SELECT pg_reload_conf()');
  await new Promise((resolve) => setTimeout(resolve, 500));
  let outcome;
  try {
    outcome = await run();
  } finally {
    await admin.query('ALTER SYSTEM RESET log_statement');
    await admin.query('SELECT pg_reload_conf()');
  }
  await new Promise((resolve) => setTimeout(resolve, 500));
  const end = statSync(logFile).size;
  const fd = openSync(logFile, 'r');
  const buffer = Buffer.alloc(end - start);
  readSync(fd, buffer, 0, buffer.length, start);
  closeSync(fd);
  const counts = Object.fromEntries(Object.keys(databases).map((label) => [label, { statements: 0, byKind: {} }]));
  const labelOf = new Map(Object.entries(databases).map(([label, name]) => [name, label]));
  for (const line of buffer.toString('utf8').split('\n')) {
    const match = /@(\S+) LOG:\s+(?:statement|execute [^:]*):\s*(\S+)/.exec(line);
    if (!match) continue;
    const label = labelOf.get(match[1]);
    if (!label) continue;
    counts[label].statements += 1;
    const kind = match[2].replace(/[^A-Za-z]/g, '').toUpperCase() || 'OTHER';
    counts[label].byKind[kind] = (counts[label].byKind[kind] ?? 0) + 1;
  }
  return { outcome, counts };
}
