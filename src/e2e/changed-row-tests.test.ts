/**
 * Tests of an incremental model checked on the rows its merge wrote: a real project in a temp
 * folder, built with the compiled CLI, with rows added and broken between builds. Each case checks
 * which tests were narrowed (the "(N merged rows)" label) and that a failing row anywhere in the
 * table is still found whenever the last clean check no longer vouches for the rest.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { exec, expectExit, query, rows, runCli, tempFolders, writeFile, type CliResult } from '../test-support/project.js';
import { PostgrestServer } from '../extract/postgrest-server.js';
import { cliEnv, copyRootProject } from '../test-support/root-project.js';

const { project, track } = tempFolders();
const KEY = 'sb_secret_narrowing_test_0123456789abcdef';

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

const STATUS_TESTS = `
          - accepted_values: { values: [placed, shipped] }
          - relationships: { to: ref('statuses'), field: status }`;

const SCHEMA = ({ statusTests = STATUS_TESTS, customerTests = '' } = {}) => `version: 2
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
        tests: [unique, not_null]
      - name: code
        tests: [unique]
      - name: status
        tests:${statusTests || ' []'}
      - name: customer_id
        tests:
          - relationships: { to: ref('customers'), field: customer_id }${customerTests}
`;

/** A project whose raw orders are `values`, built once. */
async function builtProject(values: string, schema = SCHEMA()): Promise<string> {
  const dir = project({
    'models/orders.sql': ORDERS,
    'models/customers.sql': CUSTOMERS,
    'models/schema.yml': schema,
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
    const m = /^\d+ of \d+ (PASS|FAIL \d+|WARN \d+) (\S+)( \((\d+) (?:merged|landed) rows?\))? \.+ \[/.exec(line);
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

  it('check whole tables after a run without tests or a change made outside modelrun', async () => {
    const dir = await builtProject(`(1, 'A', 'placed', 10, 1)`);

    // `run` merges a bad status without testing it — from another target folder, as a second checkout
    // would — and the build after it must not trust its old result: the state lives in the warehouse.
    await exec(dir, `insert into raw.orders values (2, 'B', 'lost', 20, 2)`);
    writeFile(dir, 'project.yml', 'name: test_project\nprofile: test_project\ntarget-path: elsewhere\n');
    expectExit(await runCli(['run'], dir), 0);
    writeFile(dir, 'project.yml', 'name: test_project\nprofile: test_project\n');
    expect((await addAndBuild(dir, `(3, 'C', 'placed', 30, 3)`, 1))['accepted_values_orders_status__placed__shipped']).toBe('FAIL 1');

    await exec(dir, `update main.orders set status = 'placed' where id = 2`);
    expectExit(await build(dir), 0);

    // A row slipped into the table by hand changes its row count: the next build checks everything.
    await exec(dir, `insert into main.orders values (1, 'Z', 'placed', 10, 1)`);
    expect((await addAndBuild(dir, `(4, 'D', 'placed', 40, 4)`, 1))[UNIQUE_ID]).toBe('FAIL 1');

    await exec(dir, `delete from main.orders where code = 'Z'`);
    expectExit(await build(dir), 0);
  });

  it('check whole tables after a test was removed, a parent table lost rows, or values were cast on the way in', async () => {
    const dir = await builtProject(`(1, 'A', 'placed', 10, 1), (2, 'B', 'placed', 20, 1)`);
    // Without its test, a bad status gets in; the test, back, must look at every row.
    writeFile(dir, 'models/schema.yml', SCHEMA({ statusTests: '' }));
    await addAndBuild(dir, `(3, 'C', 'lost', 30, 2)`, 0);
    writeFile(dir, 'models/schema.yml', SCHEMA());
    expect((await addAndBuild(dir, `(4, 'D', 'placed', 40, 3)`, 1))['accepted_values_orders_status__placed__shipped']).toBe('FAIL 1');
    await exec(dir, `update main.orders set status = 'placed' where id = 3`);
    expectExit(await build(dir), 0);

    // A customer deleted by hand: the orders already there lose their parent.
    await exec(dir, 'delete from main.customers where customer_id = 20');
    expect((await runCli(['build', '--select', 'orders'], dir).then((r) => (expectExit(r, 1), testLines(r))))['relationships_orders_customer_id__customer_id__ref_customers_']).toBe('FAIL 1');
    await exec(dir, `insert into main.customers values (20, 1)`);
    expectExit(await build(dir), 0);

    // Ids arrive as DOUBLE and are cast to the table's INTEGER: 5.4 becomes a second 5.
    await exec(dir, 'create or replace table raw.orders as select id::double as id, code, status, customer_id, updated_at from raw.orders');
    const cast = await addAndBuild(dir, `(5, 'E', 'placed', 50, 9), (5.4, 'F', 'placed', 50, 9)`, 1);
    expect(cast[UNIQUE_ID]).toBe('FAIL 1');
  });

  it('neither remember nor narrow a test whose fail_calc can hide failing rows', async () => {
    const tolerant = { customerTests: `\n          - not_null: { config: { fail_calc: "case when count(*) > 1 then count(*) else 0 end" } }` };
    const plain = { customerTests: `\n          - not_null` };
    const dir = await builtProject(`(1, 'A', 'placed', null, 1)`, SCHEMA(tolerant));
    // The null let in while the tolerance held is still there when it goes.
    writeFile(dir, 'models/schema.yml', SCHEMA(plain));
    expect((await addAndBuild(dir, `(2, 'B', 'placed', 20, 2)`, 1))['not_null_orders_customer_id']).toBe('FAIL 1');
    await exec(dir, 'update main.orders set customer_id = 10 where id = 1');
    expect((await addAndBuild(dir, `(3, 'C', 'placed', 30, 3)`, 0))['not_null_orders_customer_id']).toBe('PASS');
    expect((await addAndBuild(dir, `(4, 'D', 'placed', 40, 4)`, 0))['not_null_orders_customer_id']).toBe('PASS on 1');
    // Tolerant again: its zero no longer means "no failing row", so it checks the whole table.
    writeFile(dir, 'models/schema.yml', SCHEMA(tolerant));
    expect((await addAndBuild(dir, `(5, 'E', 'placed', null, 5)`, 0))['not_null_orders_customer_id']).toBe('PASS');
  });

  it('check raw tables whole after `modelrun extract` landed rows no build tested, then only what a build lands', async () => {
    const dir = track(copyRootProject('modelrun-narrow-extract-'));
    const env = cliEnv({});
    const sourceUnique = async (...args: string[]) => {
      const r = await runCli(args, dir, env);
      expectExit(r, 0);
      return testLines(r)['source_unique_supabase_user_sessions_id'];
    };
    const table = ['--select', 'source:supabase.user_sessions'];
    await sourceUnique('build', ...table);
    expect(await sourceUnique('build', ...table)).toMatch(/^PASS on \d+$/);
    expectExit(await runCli(['extract', ...table], dir, env), 0);
    expect(await sourceUnique('build', ...table)).toBe('PASS');
    expect(await sourceUnique('build', ...table)).toMatch(/^PASS on \d+$/);
    // A session added outside modelrun: a build that lands nothing checks the table whole and records it as
    // it found it, so the next landing checks only what it lands.
    await query(join(dir, 'data/dashboard_analytics.duckdb'), `insert into raw.user_sessions (id) values ('added-by-hand')`);
    expect(await sourceUnique('build', '--no-extract', ...table)).toBe('PASS');
    expect(await sourceUnique('build', ...table)).toMatch(/^PASS on \d+$/);
  });

  it('leave no state behind when a build is killed while landing: the next build checks the raw table whole', async () => {
    const server = new PostgrestServer({ key: KEY, maxRows: 1000 });
    const jobs = server.addTable('jobs', { id: 'bigint', updated_at: 'timestamp with time zone', status: 'text' }, 'id');
    const at = (minutes: number) => new Date(Date.parse('2026-10-01T00:00:00Z') + minutes * 60_000).toISOString();
    for (let i = 0; i < 10_500; i++) jobs.upsert({ id: i, updated_at: at(i), status: 'ok' });
    const url = await server.start();
    try {
      const dir = project({
        'models/sources.yml': 'version: 2\nsources:\n  - name: supabase\n    loader: supabase\n    schema: raw\n    tables:\n      - name: jobs\n        primary_key: id\n        cursor_field: updated_at\n        mode: upsert\n        columns:\n          - name: status\n            tests: [not_null]\n',
      });
      const env = { SUPABASE_URL: url, SUPABASE_SERVICE_ROLE_KEY: KEY };
      const notNull = async () => {
        const r = await runCli(['build'], dir, env);
        return { code: r.code, line: testLines(r)['source_not_null_supabase_jobs_status'] };
      };
      await notNull();
      expect(await notNull()).toEqual({ code: 0, line: expect.stringMatching(/^PASS on \d+$/) });
      // Every job moves on; the first (landed in the first 10,000-row batch) loses its status. The page
      // after that batch never answers, and the build is killed while it waits.
      for (let i = 0; i < 10_500; i++) jobs.update(i, { updated_at: at(100_000 + i), status: i === 0 ? null : 'ok' });
      let requests = 0;
      let hung: () => void = () => undefined;
      const hanging = new Promise<void>((resolve) => (hung = resolve));
      server.faultHook = () => (++requests === 11 ? (hung(), { delayMs: 60_000 }) : undefined);
      const killed = runCli(['build'], dir, env, { killWhen: hanging });
      expect((await killed).code).not.toBe(0);
      server.faultHook = undefined;
      expect(await notNull()).toEqual({ code: 1, line: 'FAIL 1' });
    } finally {
      await server.close();
    }
  });

  it('never narrow after a full refresh, and keep the merged rows out of the warehouse file', async () => {
    const dir = await builtProject(`(1, 'A', 'placed', 10, 1)`);
    await exec(dir, `insert into raw.orders values (2, 'B', 'placed', 20, 2)`);
    const full = await build(dir, '--full-refresh');
    expectExit(full, 0);
    expect(Object.values(testLines(full)).every((s) => s === 'PASS')).toBe(true);
    expect(await rows(dir, `select database_name, table_name from duckdb_tables() where table_name like '%modelrun%' or database_name like '%modelrun%'`)).toEqual([]);
  });
});
