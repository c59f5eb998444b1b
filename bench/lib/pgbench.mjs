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

export async function naiveCeiling({ serverUrl = 'postgresql://postgres@127.0.0.1:5432/postgres', clients = [1, 4, 16], seconds = 10 } = {}) {
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
    for (const c of clients) {
      const result = spawnSync(
        'pgbench',
        ['-n', '-h', url.hostname, '-p', url.port || '5432', '-U', decodeURIComponent(url.username || 'postgres'), '-c', String(c), '-j', String(Math.min(c, 2)), '-T', String(seconds), '-f', script, database],
        { encoding: 'utf8' },
      );
      if (result.error) throw new Error(`pgbench could not run: ${result.error.message} (install postgresql-client)`);
      const match = /tps = ([\d.]+)/.exec(result.stdout);
      if (!match) throw new Error(`pgbench failed: ${result.stderr || result.stdout}`);
      runs.push({ clients: c, tps: Number(match[1]) });
    }
  } finally {
    await admin.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
    await admin.end();
  }
  const best = runs.reduce((a, b) => (b.tps > a.tps ? b : a));
  return { runs, tps: best.tps, clients: best.clients };
}
