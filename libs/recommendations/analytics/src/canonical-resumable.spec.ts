import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { collect, readTransactions } from './canonical.js';
import { readTransactionChunks, type PositionedTransaction, type ResumePoint } from './canonical-resumable.js';

const dir = mkdtempSync(join(tmpdir(), 'canonical-resumable-'));
const file = (name: string, text: string) => {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
};

const HEADER = 'customer_id,order_id,ordered_at,product_id,category,quantity,amount_cents\n';

function sample(rows: number): string {
  let text = `\ufeff${HEADER}`;
  for (let i = 0; i < rows; i++) {
    if (i % 97 === 13) text += `c${i},o${i},not-a-date,p,,1,100\n`;
    else if (i % 89 === 5) text += `c${i},o${i},2026-01-02,"p${i}","multi\nline ""quoted"" 菜",2,250\r\n`;
    else text += `c${i % 50},o${i},2026-01-0${(i % 9) + 1}T08:00:00+08:00,p${i % 30},蔬菜/叶菜,${(i % 3) + 1},${i * 10}\n`;
  }
  return text;
}

async function readAll(path: string, from?: ResumePoint, highWaterMark = 64) {
  const rows: PositionedTransaction[] = [];
  const rejects: number[] = [];
  const resumes: ResumePoint[] = [];
  for await (const chunk of readTransactionChunks(path, { from, highWaterMark })) {
    rows.push(...chunk.rows);
    rejects.push(...chunk.rejects.map((r) => r.line));
    if (chunk.resume) resumes.push(chunk.resume);
  }
  return { rows, rejects, resumes };
}

describe('readTransactionChunks', () => {
  it('yields the same rows and rejects (with line numbers) as readTransactions', async () => {
    const path = file('t.csv', sample(400));
    const reference = await collect(readTransactions(path, { maxSamples: 1000 }));
    const { rows, rejects } = await readAll(path);
    expect(rows.map((r) => r.tx)).toEqual(reference.rows);
    expect(rejects).toEqual(reference.rejects.samples.map((r) => r.line));
    // a multi-line row is reported on its first line; later rows keep their physical line numbers
    expect(rows.at(-1)!.line).toBe(400 + 1 + rows.filter((r) => r.tx.category.includes('\n')).length);
  });

  it('continues from any resume point with the rows after it, never inside a quoted field', async () => {
    const path = file('r.csv', sample(300));
    const whole = await readAll(path);
    expect(whole.resumes.length).toBeGreaterThan(20);
    for (const point of whole.resumes.filter((_, i) => i % 7 === 3)) {
      const rest = await readAll(path, point, 200);
      const expected = whole.rows.filter((r) => r.line >= point.line);
      expect(rest.rows).toEqual(expected);
      expect(rest.rejects).toEqual(whole.rejects.filter((line) => line >= point.line));
    }
  });

  it('reads a file without a final newline and reports the end', async () => {
    const path = file('n.csv', `${HEADER}a,1,2026-01-01,p,c,1,1\nb,2,2026-01-01,p,c,1,1`);
    const { rows, resumes } = await readAll(path);
    expect(rows.map((r) => r.line)).toEqual([2, 3]);
    expect(resumes.at(-1)).toEqual({ byteOffset: Buffer.byteLength(`${HEADER}a,1,2026-01-01,p,c,1,1\nb,2,2026-01-01,p,c,1,1`), line: 4 });
  });
});
