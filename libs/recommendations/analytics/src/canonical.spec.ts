import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CanonicalHeaderError, CsvTokenizer, collect, parseCsv, readCustomers, readProducts, readTransactions, type RejectedRow } from './canonical.js';

const dir = mkdtempSync(join(tmpdir(), 'canonical-'));
const file = (name: string, text: string) => {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
};

describe('parseCsv', () => {
  it('handles quotes, doubled quotes, embedded commas and line breaks, CRLF and a BOM', () => {
    const text = '\ufeffa,b,c\r\n1,"x, y","he said ""hi"""\r\n2,"multi\nline",\r\n\r\n3,,z';
    const recs = parseCsv(text);
    expect(recs.map((r) => r.fields)).toEqual([
      ['a', 'b', 'c'],
      ['1', 'x, y', 'he said "hi"'],
      ['2', 'multi\nline', ''],
      ['3', '', 'z'],
    ]);
    // physical line numbers: the multi-line record starts on line 3; the blank line 5 is skipped
    expect(recs.map((r) => r.line)).toEqual([1, 2, 3, 6]);
  });

  it('gives the same records whatever the chunk boundaries', () => {
    const text = 'id,name\r\n1,"a ""quoted"", value"\r\n2,"line\r\nbreak"\r\n3,plain\n';
    const whole = parseCsv(text);
    const t = new CsvTokenizer();
    const pieces = [...text].flatMap((ch) => t.push(ch));
    expect([...pieces, ...t.end()]).toEqual(whole);
    expect(whole).toHaveLength(4);
  });

  it('flags an unterminated quote at end of file', () => {
    const recs = parseCsv('a,b\n1,"open');
    expect(recs[1]!.error).toMatch(/unterminated/);
  });
});

describe('readTransactions', () => {
  const header = 'customer_id,order_id,ordered_at,product_id,category,quantity,amount_cents';

  it('validates rows, reports malformed ones with line numbers and keeps reading', async () => {
    const p = file(
      'tx.csv',
      [
        header,
        'c1,o1,1997-01-01,p1,Dairy/Milk,2,350',
        'c1,o1,1997-01-01,p2,,1,0',
        ',o2,1997-01-02,p1,,1,100', // empty customer
        'c2,o3,1997-02-30x,p1,,1,100', // bad date
        'c2,o3,1997-02-03,p1,,0,100', // quantity < 1
        'c2,o4,1997-02-03T10:00:00+08:00,"p,3","Snacks ""X""",1,-50',
        'c3,o5,1997-02-04,p1,,1', // too few columns
        'c3,o6,1997-02-04,p1,,1.5,100', // non-integer quantity
      ].join('\r\n') + '\r\n',
    );
    const seen: RejectedRow[] = [];
    const reader = readTransactions(p, { onReject: (r) => seen.push(r) });
    const { rows, rejects, rowsRead } = await collect(reader);
    expect(rowsRead).toBe(8);
    expect(rows.map((r) => r.productId)).toEqual(['p1', 'p2', 'p,3']);
    expect(rows[0]).toEqual({
      customerId: 'c1',
      orderId: 'o1',
      orderedAtRaw: '1997-01-01',
      orderedAt: Date.UTC(1997, 0, 1),
      productId: 'p1',
      category: 'Dairy/Milk',
      quantity: 2,
      amountCents: 350,
    });
    expect(rows[2]!.orderedAt).toBe(Date.UTC(1997, 1, 3, 2));
    expect(rows[2]!.category).toBe('Snacks "X"');
    expect(rows[2]!.amountCents).toBe(-50);
    expect(seen.map((r) => r.line)).toEqual([4, 5, 6, 8, 9]);
    expect(rejects.total).toBe(5);
    expect(seen[0]!.reason).toMatch(/customer_id/);
    expect(seen[1]!.reason).toMatch(/ordered_at/);
    expect(seen[2]!.reason).toMatch(/quantity/);
    expect(seen[3]!.reason).toMatch(/column count/);
    expect(seen[4]!.reason).toMatch(/quantity must be an integer/);
  });

  it('matches columns by name and tolerates a missing optional column', async () => {
    const p = file('tx2.csv', 'amount_cents,quantity,ordered_at,order_id,customer_id,extra\n100,1,1997-01-01,o1,c1,zzz\n');
    const { rows } = await collect(readTransactions(p));
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ customerId: 'c1', orderId: 'o1', productId: '', category: '', amountCents: 100 });
  });

  it('throws a header error when a required column is missing', async () => {
    const p = file('tx3.csv', 'customer_id,order_id\nc1,o1\n');
    await expect(collect(readTransactions(p))).rejects.toBeInstanceOf(CanonicalHeaderError);
  });
});

describe('readCustomers / readProducts', () => {
  it('reads every customer column as a string attribute', async () => {
    const p = file('customers.csv', 'customer_id,age,kids_count\n1,70,0\n2,,3+\n,5,1\n');
    const r = readCustomers(p);
    const { rows } = await collect(r);
    expect(rows).toEqual([
      { customerId: '1', attributes: { age: '70', kids_count: '0' } },
      { customerId: '2', attributes: { age: '', kids_count: '3+' } },
    ]);
    expect(r.rejects.total).toBe(1);
  });

  it('reads products', async () => {
    const p = file('products.csv', 'product_id,name,category\n1,"婴儿奶粉, 900g",母婴/奶粉\n');
    const { rows } = await collect(readProducts(p));
    expect(rows).toEqual([{ productId: '1', name: '婴儿奶粉, 900g', category: '母婴/奶粉' }]);
  });
});
