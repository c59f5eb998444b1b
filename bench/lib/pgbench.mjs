// The naive flash-sale ceiling, measured with pgbench on the same PostgreSQL: one transaction per
// order that decrements the hot SKU's single stock row and inserts the order row.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';

const SCRIPT = `\\set buyer random(1, 2000)
BEGIN;
UPDATE naive_stock SET remaining = remaining - 1 WHERE sku_id = 1 AND remaining >= 1;
INSERT INTO naive_orders (sku_id, buyer, quantity) VALUES (1, :buyer, 1);
END;
`;

/**
 * Runs the naive script `repeats` times at each client count (interleaved: 1, 4, 16, 1, 4, 16, …, so a
 * drift of the machine touches every count alike). The ceiling is the best client count's median.
 */
export async function naiveCeiling({ serverUrl = 'postgresql://postgres@127.0.0.1:5432/postgres', clients = [1, 4, 16], seconds = 10, repeats = 3 } = {}) {
  const database = `linli_bench_naive_${process.pid}`;
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
  await admin.query(`CREATE DATABASE ${database}`);
  const url = new URL(serverUrl);
  url.pathname = `/${database}`;
  const db = new pg.Client({ connectionString: url.toString() });
  await db.connect();
  await db.query(`CREATE TABLE naive_stock (sku_id int PRIMARY KEY, remaining int NOT NULL CHECK (remaining >= 0));
                  CREATE TABLE naive_orders (id bigserial PRIMARY KEY, sku_id int NOT NULL, buyer int NOT NULL, quantity int NOT NULL, created_at timestamptz NOT NULL DEFAULT now());
                  INSERT INTO naive_stock VALUES (1, 1000000000);`);
  await db.end();
  const dir = mkdtempSync(join(tmpdir(), 'linli-pgbench-'));
  const script = join(dir, 'naive.sql');
  writeFileSync(script, SCRIPT);
  const runs = [];
  try {
    for (let r = 0; r < repeats; r++) {
      for (const c of clients) {
        const result = spawnSync(
          'pgbench',
          ['-n', '-h', url.hostname, '-p', url.port || '5432', '-U', decodeURIComponent(url.username || 'postgres'), '-c', String(c), '-j', String(Math.min(c, 2)), '-T', String(seconds), '-f', script, database],
          { encoding: 'utf8' },
        );
        if (result.error) throw new Error(`pgbench could not run: ${result.error.message} (install postgresql-client)`);
        const match = /tps = ([\d.]+)/.exec(result.stdout);
        if (!match) throw new Error(`pgbench failed: ${result.stderr || result.stdout}`);
        runs.push({ clients: c, repeat: r + 1, tps: Number(match[1]) });
      }
    }
  } finally {
    await admin.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
    await admin.end();
  }
  const byClients = clients.map((c) => {
    const tps = runs.filter((r) => r.clients === c).map((r) => r.tps).sort((a, b) => a - b);
    const medianTps = tps.length % 2 ? tps[(tps.length - 1) / 2] : (tps[tps.length / 2 - 1] + tps[tps.length / 2]) / 2;
    return { clients: c, runs: tps, medianTps, spreadPercent: Math.round(((tps[tps.length - 1] - tps[0]) / medianTps) * 1000) / 10 };
  });
  const best = byClients.reduce((a, b) => (b.medianTps > a.medianTps ? b : a));
  return { runs, byClients, tps: best.medianTps, clients: best.clients, statistic: `median of ${repeats} runs of ${seconds} s per client count; the ceiling is the best count's median` };
}
