/**
 * Tests of an incremental model checked on the rows its merge wrote: a real project in a temp
 * folder, built with the compiled CLI, with rows added and broken between builds. Each case checks
 * which tests were narrowed (the "(N merged rows)" label) and that a failing row anywhere in the
 * table is still found whenever the last clean check no longer vouches for the rest.
 */
import { describe, expect, it } from 'vitest';
import { exec, expectExit, rows, runCli, tempFolders, writeFile, type CliResult } from '../test-support/project.js';

const { project } = tempFolders();

const ORDERS = [
  '{{config materialized="incremental" unique_key="id"}}',
  'select id, code, status, customer_id, updated_at from {{source "raw" "orders"}}',
  '{{#if is_incremental}}where updated_at > (select max(updated_at) from {{this}}){{/if}}',
  '',
].join('\n');

const CUSTOMERS = [
  '{{config materialized="incremental" unique_key="customer_id"}}',
  'select customer_id, max(updated_at) as updated_at from {{source "raw" "orders"}}',
  '{{#if is_incremental}}where updated_at > (select max(updated_at) from {{this}}){{/if}}',
  'group by customer_id',
  '',
].join('\n');

const SCHEMA = (idTests = '[unique, not_null]') => `version: 2
sources:
  - name: raw
    schema: raw
    tables: [{ name: orders }]
models:
  - name: orders
    tests:
      - unique_combination_of_columns: { combination_of_columns: [customer_id, code] }
    columns:
      - name: id
        tests: ${idTests}
      - name: code
        tests: [unique]
      - name: status
        tests:
          - accepted_values: { values: [placed, shipped] }
          - relationships: { to: ref('statuses'), field: status }
      - name: customer_id
        tests:
          - relationships: { to: ref('customers'), field: customer_id }
`;

/** A project whose raw orders are `values`, built once. */
async function builtProject(values: string): Promise<string> {
  const dir = project({
    'models/orders.sql': ORDERS,
    'models/customers.sql': CUSTOMERS,
    'models/schema.yml': SCHEMA(),
    'seeds/statuses.csv': 'status\nplaced\nshipped\n',
  });
  await exec(dir, 'create schema raw', `create table raw.orders as select * from (values ${values}) t(id, code, status, customer_id, updated_at)`);
  expectExit(await build(dir), 0);
  return dir;
}

function build(dir: string, ...args: string[]): Promise<CliResult> {
  return runCli(['build', ...args], dir);
}

/** Lands raw orders, builds, checks the exit code; returns how each test ran. */
async function addAndBuild(dir: string, values: string, exit: number): Promise<Record<string, string>> {
  await exec(dir, `insert into raw.orders values ${values}`);
  const r = await build(dir);
  expectExit(r, exit);
  return testLines(r);
}

/** Test name → how it ran: "whole", "narrowed to N" — and its status word. */
function testLines(r: CliResult): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of r.stdout.split('\n')) {
    const m = /^\d+ of \d+ (PASS|FAIL \d+|WARN \d+) (\S+)( \((\d+) merged rows\))? \.+ \[/.exec(line);
    if (m) out[m[2]!] = `${m[1]}${m[4] ? ` on ${m[4]}` : ''}`;
  }
  return out;
}

const UNIQUE_CODE = 'unique_orders_code';
const UNIQUE_ID = 'unique_orders_id';

describe.concurrent('tests of incremental models on the rows a merge wrote', () => {
  it('narrow only the tests the new rows decide, and still find a duplicate of an old row', async () => {
    const dir = await builtProject(`(1, 'A', 'placed', 10, 1), (2, 'B', 'placed', 20, 1)`);
    expect(await addAndBuild(dir, `(3, 'C', 'shipped', 30, 2), (2, 'B', 'shipped', 20, 2)`, 0)).toEqual({
      not_null_orders_id: 'PASS on 2',
      [UNIQUE_ID]: 'PASS on 2',
      [UNIQUE_CODE]: 'PASS on 2',
      unique_combination_of_columns_orders_customer_id__code: 'PASS on 2',
      accepted_values_orders_status__placed__shipped: 'PASS on 2',
      // customers is merged on customer_id, so it keeps every key: only the new orders need a look.
      relationships_orders_customer_id__customer_id__ref_customers_: 'PASS on 2',
      // statuses is a seed, loaded again by this build: it may have lost a status, so every order is checked.
      relationships_orders_status__status__ref_statuses_: 'PASS',
    });

    // A new order reusing an old order's code: the duplicate pairs a new row with an old one.
    expect((await addAndBuild(dir, `(4, 'A', 'placed', 40, 3)`, 1))[UNIQUE_CODE]).toBe('FAIL 1 on 1');

    // The duplicate is still there: with the last check failed, the next build checks the whole table.
    const fourth = await addAndBuild(dir, `(5, 'E', 'placed', 50, 4)`, 1);
    expect(fourth[UNIQUE_CODE]).toBe('FAIL 1');
    expect(fourth[UNIQUE_ID]).toBe('PASS on 1');
  });

  it('check whole tables after a run without tests, a change made outside modelrun, or an edited test', async () => {
    const dir = await builtProject(`(1, 'A', 'placed', 10, 1)`);

    // `run` merges a bad status without testing it; the build after it must not trust its old result.
    await exec(dir, `insert into raw.orders values (2, 'B', 'lost', 20, 2)`);
    expectExit(await runCli(['run'], dir), 0);
    expect((await addAndBuild(dir, `(3, 'C', 'placed', 30, 3)`, 1))['accepted_values_orders_status__placed__shipped']).toBe('FAIL 1');

    await exec(dir, `update main.orders set status = 'placed' where id = 2`);
    expectExit(await build(dir), 0);

    // A row slipped into the table by hand changes its row count: the next build checks everything.
    await exec(dir, `insert into main.orders values (1, 'Z', 'placed', 10, 1)`);
    expect((await addAndBuild(dir, `(4, 'D', 'placed', 40, 4)`, 1))[UNIQUE_ID]).toBe('FAIL 1');

    await exec(dir, `delete from main.orders where code = 'Z'`);
    expectExit(await build(dir), 0);

    // An edited test proves nothing yet: it runs on the whole table once.
    writeFile(dir, 'models/schema.yml', SCHEMA(`[not_null, { unique: { config: { where: "id > 0" } } }]`));
    const afterEdit = await addAndBuild(dir, `(5, 'E', 'placed', 50, 5)`, 0);
    expect(afterEdit[UNIQUE_ID]).toBe('PASS');
    expect(afterEdit[UNIQUE_CODE]).toBe('PASS on 1');
  });

  it('never narrow after a full refresh, and keep nothing in the warehouse file', async () => {
    const dir = await builtProject(`(1, 'A', 'placed', 10, 1)`);
    await exec(dir, `insert into raw.orders values (2, 'B', 'placed', 20, 2)`);
    const full = await build(dir, '--full-refresh');
    expectExit(full, 0);
    expect(Object.values(testLines(full)).every((s) => s === 'PASS')).toBe(true);
    expect(await rows(dir, `select database_name, table_name from duckdb_tables() where table_name like '%modelrun%' or database_name like '%modelrun%'`)).toEqual([]);
  });
});
