import { copyFileSync, cpSync, existsSync, mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { query, runCli } from '../test-support/project.js';

const here = dirname(fileURLToPath(import.meta.url));
// dbt's public example data, kept by the team beside this repository.
const SHARED = resolve(here, '../../../shared/fixtures/jaffle_shop');

describe('jaffle_shop end to end', () => {
  let dir: string;
  let db: string;

  beforeAll(() => {
    if (!existsSync(SHARED)) throw new Error(`the jaffle_shop fixture is missing: expected CSVs in ${SHARED}`);
    dir = mkdtempSync(join(tmpdir(), 'modelrun-jaffle-'));
    cpSync(join(here, 'fixtures/jaffle_shop'), dir, { recursive: true });
    mkdirSync(join(dir, 'seeds'));
    for (const f of ['raw_customers.csv', 'raw_orders.csv', 'raw_payments.csv']) copyFileSync(join(SHARED, f), join(dir, 'seeds', f));
    db = join(dir, 'jaffle_shop.duckdb');
  });

  it('builds seeds, staging views and marts in order', async () => {
    const r = await runCli(['build'], dir);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^Finished running 5 models, 3 seeds in \d+\.\d\ds\.  PASS=8 WARN=0 ERROR=0 SKIP=0 TOTAL=8$/m);
    const kinds = await query(db, "select table_name, table_type from information_schema.tables where table_schema = 'main' order by 1");
    expect(kinds).toEqual([
      { table_name: 'customers', table_type: 'BASE TABLE' },
      { table_name: 'orders', table_type: 'BASE TABLE' },
      { table_name: 'raw_customers', table_type: 'BASE TABLE' },
      { table_name: 'raw_orders', table_type: 'BASE TABLE' },
      { table_name: 'raw_payments', table_type: 'BASE TABLE' },
      { table_name: 'stg_customers', table_type: 'VIEW' },
      { table_name: 'stg_orders', table_type: 'VIEW' },
      { table_name: 'stg_payments', table_type: 'VIEW' },
    ]);
  });

  it('computes the marts to the cent, reconciled against the raw CSVs', async () => {
    const [orders] = await query(db, 'select count(*)::int as n, sum(amount)::double as total, sum(credit_card_amount + coupon_amount + bank_transfer_amount + gift_card_amount)::double as by_method from orders');
    const [raw] = await query(db, 'select (select count(*) from raw_orders)::int as n, (sum(amount) / 100.0)::double as total from raw_payments');
    expect(orders).toEqual({ n: 99, total: raw!.total, by_method: raw!.total });
    expect(raw).toEqual({ n: 99, total: 1672 });
    const [customers] = await query(db, 'select count(*)::int as n, sum(number_of_orders)::int as orders, round(sum(customer_lifetime_value), 2)::double as ltv from customers');
    expect(customers).toEqual({ n: 100, orders: 99, ltv: 1672 });
    const [top] = await query(db, 'select customer_id::int as customer_id, number_of_orders::int as n from customers order by number_of_orders desc, customer_id limit 1');
    expect(top).toEqual({ customer_id: 54, n: 5 }); // raw_orders: user 54 placed 5 orders, the most
  });

  it('writes dbt-shaped artifacts', async () => {
    const results = JSON.parse(await import('node:fs').then((fs) => fs.readFileSync(join(dir, 'target/run_results.json'), 'utf8'))) as { results: { unique_id: string; status: string }[] };
    expect(results.results.map((x) => x.unique_id).sort()).toEqual([
      'model.jaffle_shop.customers', 'model.jaffle_shop.orders', 'model.jaffle_shop.stg_customers', 'model.jaffle_shop.stg_orders', 'model.jaffle_shop.stg_payments',
      'seed.jaffle_shop.raw_customers', 'seed.jaffle_shop.raw_orders', 'seed.jaffle_shop.raw_payments',
    ]);
    expect(new Set(results.results.map((x) => x.status))).toEqual(new Set(['success']));
  });

  it('rebuilds only what a selection names', async () => {
    const r = await runCli(['run', '--select', 'stg_payments+'], dir);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/PASS=3 WARN=0 ERROR=0 SKIP=0 TOTAL=3/);
  });
});
