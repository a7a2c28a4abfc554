/**
 * End-to-end tests of materializations: each test writes a small project into a temp folder, runs
 * the compiled CLI (dist/, built by `tsc -p tsconfig.build.json`) and checks the real relations in
 * the DuckDB warehouse file, the exit code, the console output and the artifacts under target/.
 */
import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { exec, expectExit, output, readProjectFile, rows, runCli, summaryCounts, tempFolders, warehousePath, writeFile, type CliResult } from '../test-support/project.js';

// ---------------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------------

const PROJECT = 'test_project';
const { project } = tempFolders();

function build(dir: string, ...args: string[]): Promise<CliResult> {
  return runCli(['build', ...args], dir);
}

function expectSummary(r: CliResult, expected: { PASS: number; ERROR: number; SKIP: number; TOTAL: number }): void {
  expect(summaryCounts(r), `summary of:\n${output(r)}`).toEqual({ WARN: 0, ...expected });
}

async function scalar(dir: string, sql: string): Promise<unknown> {
  const [first] = await rows(dir, sql);
  return first === undefined ? undefined : Object.values(first)[0];
}



/** Every user table and view: "schema.name" → "table" | "view". */
async function relations(dir: string): Promise<Record<string, string>> {
  const list = await rows(
    dir,
    `select schema_name || '.' || table_name as rel, 'table' as kind from duckdb_tables() where not temporary and database_name = current_database() and schema_name <> 'modelrun'
     union all select schema_name || '.' || view_name, 'view' from duckdb_views() where not internal and not temporary and database_name = current_database()
     order by 1`,
  );
  return Object.fromEntries(list.map((r) => [String(r.rel), String(r.kind)]));
}

async function columnsOf(dir: string, schema: string, table: string): Promise<string[]> {
  const list = await rows(dir, `select column_name from information_schema.columns where table_schema = '${schema}' and table_name = '${table}' order by ordinal_position`);
  return list.map((r) => String(r.column_name));
}

async function columnTypes(dir: string, schema: string, table: string): Promise<Record<string, string>> {
  const list = await rows(dir, `select column_name, data_type from information_schema.columns where table_schema = '${schema}' and table_name = '${table}' order by ordinal_position`);
  return Object.fromEntries(list.map((r) => [String(r.column_name), String(r.data_type)]));
}

async function leftoverTempTables(dir: string): Promise<string[]> {
  const list = await rows(dir, `select schema_name || '.' || table_name as t from duckdb_tables() where table_name like '%modelrun_tmp%' or table_name like '%modelrun_incr%'`);
  return list.map((r) => String(r.t));
}

const read = readProjectFile;

interface RunResult {
  unique_id: string;
  status: string;
  message: string;
  thread_id: string;
  file: string | null;
  line: number | null;
  adapter_response: { rows_affected?: number };
}

function runResults(dir: string): { results: RunResult[]; args: Record<string, unknown>; elapsed_time: number; metadata: Record<string, unknown> } {
  return JSON.parse(read(dir, 'target/run_results.json')) as ReturnType<typeof runResults>;
}

function statuses(dir: string): Record<string, string> {
  return Object.fromEntries(runResults(dir).results.map((r) => [r.unique_id, r.status]));
}

function resultFor(dir: string, id: string): RunResult {
  const r = runResults(dir).results.find((x) => x.unique_id === id);
  expect(r, `no run result for ${id}`).toBeDefined();
  return r!;
}

function compiled(dir: string, path: string): string {
  return read(dir, `target/compiled/${PROJECT}/${path}`);
}

/** The console line reporting how a node finished ("3 of 5 OK created sql table model main.x ... [OK in 0.01s]"). */
function doneLine(r: CliResult, pattern: RegExp): string | undefined {
  return r.stdout.split('\n').find((l) => pattern.test(l));
}

/** The "Completed with n errors" line for one node: "models/x.sql:3: error: model x: ...". */
function errorLine(r: CliResult, node: string): string {
  const line = output(r)
    .split('\n')
    .find((l) => l.includes(`error: ${node}:`));
  expect(line, `no error line for ${node} in:\n${output(r)}`).toBeDefined();
  return line ?? '';
}

const CSV_PEOPLE = 'id,name,amount\n1,ann,10\n2,bob,20\n3,cy,30\n';

// ---------------------------------------------------------------------------------------------
// view
// ---------------------------------------------------------------------------------------------

describe.concurrent('view', () => {
  it('creates a queryable view, and a rerun replaces its definition', async () => {
    const dir = project({
      'seeds/raw_people.csv': CSV_PEOPLE,
      'models/people.sql': 'select id, upper(name) as name from {{ref "raw_people"}}\n',
    });
    const r1 = await build(dir);
    expectExit(r1, 0);
    expect(r1.stdout).toContain('Found 1 model, 1 seed, 0 macros');
    expect(doneLine(r1, /^2 of 2 OK created sql view model main\.people \.+ \[OK in \d+\.\d\ds\]$/)).toBeDefined();
    expectSummary(r1, { PASS: 2, ERROR: 0, SKIP: 0, TOTAL: 2 });
    expect(await relations(dir)).toEqual({ 'main.people': 'view', 'main.raw_people': 'table' });
    expect(await rows(dir, 'select * from main.people order by id')).toEqual([
      { id: 1, name: 'ANN' },
      { id: 2, name: 'BOB' },
      { id: 3, name: 'CY' },
    ]);

    // A view is live: rows added underneath show through without a rebuild.
    await exec(dir, `insert into main.raw_people values (4, 'dee', 40)`);
    expect(await scalar(dir, 'select count(*) from main.people')).toBe(4);

    writeFile(dir, 'models/people.sql', 'select id, name, amount * 2 as doubled from {{ref "raw_people"}} where id >= 2\n');
    const r2 = await build(dir, '--select', 'people');
    expectExit(r2, 0);
    expect(doneLine(r2, /^1 of 1 OK created sql view model main\.people /)).toBeDefined();
    expectSummary(r2, { PASS: 1, ERROR: 0, SKIP: 0, TOTAL: 1 });
    expect(await columnsOf(dir, 'main', 'people')).toEqual(['id', 'name', 'doubled']);
    expect(await rows(dir, 'select * from main.people order by id')).toEqual([
      { id: 2, name: 'bob', doubled: 40 },
      { id: 3, name: 'cy', doubled: 60 },
      { id: 4, name: 'dee', doubled: 80 },
    ]);
    expect(await relations(dir)).toEqual({ 'main.people': 'view', 'main.raw_people': 'table' });
  });

  it('keeps the old view when the new definition fails to bind (exit 1)', async () => {
    const dir = project({
      'seeds/raw_people.csv': CSV_PEOPLE,
      'models/people.sql': 'select id, name from {{ref "raw_people"}}\n',
    });
    expectExit(await build(dir), 0);
    writeFile(dir, 'models/people.sql', 'select id, no_such_column from {{ref "raw_people"}}\n');
    const r = await build(dir);
    expectExit(r, 1);
    expectSummary(r, { PASS: 1, ERROR: 1, SKIP: 0, TOTAL: 2 });
    expect(doneLine(r, /^2 of 2 ERROR sql view model main\.people \.+ \[ERROR in /)).toBeDefined();
    expect(errorLine(r, 'model people')).toMatch(/^models\/people\.sql(:\d+)?: error: model people: .*no_such_column/);
    expect(await columnsOf(dir, 'main', 'people')).toEqual(['id', 'name']);
    expect(await scalar(dir, 'select count(*) from main.people')).toBe(3);
  });

  it('rebuilds a table or view whose alias changed only in case (DuckDB names ignore case)', async () => {
    const dir = project({ 'models/people.sql': '{{config materialized="table" alias="people"}}\nselect 1 as id\n' });
    expectExit(await build(dir), 0);
    writeFile(dir, 'models/people.sql', '{{config materialized="table" alias="People"}}\nselect 2 as id\n');
    expectExit(await build(dir), 0);
    writeFile(dir, 'models/people.sql', '{{config materialized="view" alias="PEOPLE"}}\nselect 3 as id\n');
    expectExit(await build(dir), 0);
    expect(await rows(dir, 'select id from main.people')).toEqual([{ id: 3 }]);
  });

  it("warns about a table it built that no model builds any more (renamed, removed, made ephemeral), until it is dropped; never about another project's or the user's own", async () => {
    const dir = project({
      'models/dim_time.sql': '{{config materialized="table"}}\nselect 1 as hour\n',
      'models/old_rates.sql': '{{config materialized="incremental"}}\nselect 1 as rate\n',
      'models/inlined.sql': '{{config materialized="table"}}\nselect 1 as i\n',
      'models/hours_v.sql': 'select 1 as n\n',
      'profiles.yml': 'test_project:\n  target: dev\n  outputs:\n    dev: { type: duckdb, path: warehouse.duckdb, threads: 1 }\n    prod: { type: duckdb, path: warehouse.duckdb, schema: prod, threads: 1 }\n',
    });
    expectExit(await build(dir), 0);
    // The project's other target in the same file, another project, and a table of the user's own.
    expect((await build(dir, '--target', 'prod')).stderr).toBe('');
    const other = project({
      'project.yml': 'name: other_project\nprofile: other_project\n',
      'profiles.yml': `other_project:\n  target: dev\n  outputs:\n    dev: { type: duckdb, path: ${JSON.stringify(warehousePath(dir))}, threads: 1 }\n`,
      'models/theirs.sql': '{{config materialized="table"}}\nselect 1 as t\n',
    });
    expect((await build(other)).stderr).toBe('');
    await exec(dir, 'CREATE TABLE main.mine AS SELECT 1 AS x');
    rmSync(join(dir, 'models/dim_time.sql'));
    rmSync(join(dir, 'models/old_rates.sql'));
    rmSync(join(dir, 'models/hours_v.sql'));
    writeFile(dir, 'models/dim_hours.sql', '{{config materialized="table"}}\nselect 1 as hour\n');
    writeFile(dir, 'models/inlined.sql', '{{config materialized="ephemeral"}}\nselect 1 as i\n');
    const r = await build(dir);
    expectExit(r, 0);
    const stray = (t: string) => `warning: main.${t} is in the warehouse, but no model or seed of the project builds it any more (renamed or removed?): it no longer updates, and queries that read it get stale rows — point them at the new name, then drop it: DROP TABLE "main"."${t}"`;
    expect(r.stderr.split('\n').filter(Boolean)).toEqual([stray('dim_time'), stray('inlined'), stray('old_rates')]);
    // Still there on the next build; gone once dropped. The other project is never told about them.
    expect((await build(dir)).stderr.split('\n').filter(Boolean)).toEqual([stray('dim_time'), stray('inlined'), stray('old_rates')]);
    expect((await build(other)).stderr).toBe('');
    await exec(dir, 'DROP TABLE "main"."dim_time"', 'DROP TABLE "main"."old_rates"', 'DROP TABLE "main"."inlined"');
    expect((await build(dir)).stderr).toBe('');
  });

  it('switches a model from table to view and back again', async () => {
    const dir = project({
      'seeds/raw_people.csv': CSV_PEOPLE,
      'models/people.sql': '{{config materialized="table"}}\nselect id, name from {{ref "raw_people"}}\n',
      'models/people_count.sql': 'select count(*) as n from {{ref "people"}}\n',
    });
    const r1 = await build(dir);
    expectExit(r1, 0);
    expect(r1.stdout).toMatch(/OK created sql table model main\.people /);
    expect((await relations(dir))['main.people']).toBe('table');

    writeFile(dir, 'models/people.sql', 'select id, name from {{ref "raw_people"}} where id <> 2\n');
    const r2 = await build(dir);
    expectExit(r2, 0);
    expect(r2.stdout).toMatch(/OK created sql view model main\.people /);
    expectSummary(r2, { PASS: 3, ERROR: 0, SKIP: 0, TOTAL: 3 });
    expect(await relations(dir)).toEqual({ 'main.people': 'view', 'main.people_count': 'view', 'main.raw_people': 'table' });
    expect(await rows(dir, 'select id from main.people order by id')).toEqual([{ id: 1 }, { id: 3 }]);
    expect(await scalar(dir, 'select n from main.people_count')).toBe(2);

    writeFile(dir, 'models/people.sql', '{{config materialized="table"}}\nselect id, name from {{ref "raw_people"}} where id = 3\n');
    const r3 = await build(dir);
    expectExit(r3, 0);
    expect(r3.stdout).toMatch(/OK created sql table model main\.people /);
    expect(await relations(dir)).toEqual({ 'main.people': 'table', 'main.people_count': 'view', 'main.raw_people': 'table' });
    expect(await rows(dir, 'select id, name from main.people')).toEqual([{ id: 3, name: 'cy' }]);
    expect(await scalar(dir, 'select n from main.people_count')).toBe(1);
    expect(await leftoverTempTables(dir)).toEqual([]);
  });
});

// ---------------------------------------------------------------------------------------------
// table
// ---------------------------------------------------------------------------------------------

describe.concurrent('table', () => {
  it('creates a table with the query rows, and a rerun rebuilds it from the new data', async () => {
    const dir = project({
      'seeds/raw_orders.csv': 'id,customer,amount\n1,ann,10\n2,ann,15\n3,bob,7\n',
      'models/totals.sql': '{{config materialized="table"}}\nselect customer, sum(amount)::int as total, count(*)::int as n\nfrom {{ref "raw_orders"}}\ngroup by customer\n',
    });
    const r1 = await build(dir);
    expectExit(r1, 0);
    expect(doneLine(r1, /^2 of 2 OK created sql table model main\.totals \.+ \[OK in /)).toBeDefined();
    expect(await relations(dir)).toEqual({ 'main.raw_orders': 'table', 'main.totals': 'table' });
    expect(await rows(dir, 'select * from main.totals order by customer')).toEqual([
      { customer: 'ann', total: 25, n: 2 },
      { customer: 'bob', total: 7, n: 1 },
    ]);
    expect(resultFor(dir, `model.${PROJECT}.totals`).adapter_response.rows_affected).toBe(2);

    writeFile(dir, 'seeds/raw_orders.csv', 'id,customer,amount\n1,ann,10\n3,bob,7\n4,cy,1\n5,cy,2\n');
    const r2 = await build(dir);
    expectExit(r2, 0);
    expect(await rows(dir, 'select * from main.totals order by customer')).toEqual([
      { customer: 'ann', total: 10, n: 1 },
      { customer: 'bob', total: 7, n: 1 },
      { customer: 'cy', total: 3, n: 2 },
    ]);
    expect(resultFor(dir, `model.${PROJECT}.totals`).adapter_response.rows_affected).toBe(3);
    expect(await leftoverTempTables(dir)).toEqual([]);
  });

  it('uses project macros and vars, and keeps a view in place when the table replacing it fails', async () => {
    const dir = project({
      'macros/money.sql': '{{#macro "cents_to_dollars" column scale=2}}round({{column}} / 100.0, {{scale}}){{/macro}}\n',
      'seeds/raw_people.csv': CSV_PEOPLE,
      'models/people.sql': 'select id, {{cents_to_dollars "amount" scale=1}} as dollars from {{ref "raw_people"}} where id >= {{var "min_id" 1}}\n',
    });
    const r1 = await build(dir, '--vars', '{min_id: 2}');
    expectExit(r1, 0);
    expect(r1.stdout).toContain('Found 1 model, 1 seed, 1 macro');
    expect(await rows(dir, 'select id, dollars::varchar as dollars from main.people order by id')).toEqual([
      { id: 2, dollars: '0.2' },
      { id: 3, dollars: '0.3' },
    ]);
    writeFile(dir, 'models/people.sql', `{{config materialized="table"}}\nselect id, error('boom') as dollars from {{ref "raw_people"}}\n`);
    const r2 = await build(dir);
    expectExit(r2, 1);
    expectSummary(r2, { PASS: 1, ERROR: 1, SKIP: 0, TOTAL: 2 });
    expect(errorLine(r2, 'model people')).toMatch(/^models\/people\.sql(:\d+)?: error: model people: .*boom/);
    expect((await relations(dir))['main.people']).toBe('view');
    expect(await scalar(dir, 'select count(*) from main.people')).toBe(2);
    expect(await leftoverTempTables(dir)).toEqual([]);
  });

  it.each([
    ['a missing column', 'select id, no_such_column from {{ref "raw_people"}}', /no_such_column/],
    ['error() at runtime', `select id, error('boom') as name from {{ref "raw_people"}}`, /boom/],
  ])('keeps the old table untouched when the new query fails with %s (atomic swap)', async (_what, failing, reason) => {
    const dir = project({
      'seeds/raw_people.csv': CSV_PEOPLE,
      'models/people.sql': '{{config materialized="table"}}\nselect id, name from {{ref "raw_people"}}\n',
      'models/people_names.sql': 'select name from {{ref "people"}}\n',
    });
    expectExit(await build(dir), 0);
    expect(await rows(dir, 'select id, name from main.people order by id')).toEqual([
      { id: 1, name: 'ann' },
      { id: 2, name: 'bob' },
      { id: 3, name: 'cy' },
    ]);

    writeFile(dir, 'models/people.sql', `{{config materialized="table"}}\n${failing}\n`);
    const r = await build(dir);
    expectExit(r, 1);
    expect(doneLine(r, /^\d+ of 3 ERROR sql table model main\.people \.+ \[ERROR in /)).toBeDefined();
    expect(doneLine(r, /^\d+ of 3 SKIP relation main\.people_names \.+ \[SKIP\]$/)).toBeDefined();
    expectSummary(r, { PASS: 1, ERROR: 1, SKIP: 1, TOTAL: 3 });
    const line = errorLine(r, 'model people');
    expect(line).toMatch(/^models\/people\.sql(:\d+)?: error: model people: /);
    expect(line).toMatch(reason);

    expect((await relations(dir))['main.people']).toBe('table');
    expect(await rows(dir, 'select id, name from main.people order by id')).toEqual([
      { id: 1, name: 'ann' },
      { id: 2, name: 'bob' },
      { id: 3, name: 'cy' },
    ]);
    expect(await leftoverTempTables(dir)).toEqual([]);
    expect(statuses(dir)).toEqual({
      [`seed.${PROJECT}.raw_people`]: 'success',
      [`model.${PROJECT}.people`]: 'error',
      [`model.${PROJECT}.people_names`]: 'skipped',
    });
  });
});

// ---------------------------------------------------------------------------------------------
// incremental
// ---------------------------------------------------------------------------------------------

const SOURCES_YML = 'version: 2\nsources:\n  - name: raw\n    schema: raw\n    tables:\n      - name: events\n';

describe.concurrent('incremental', () => {
  it('creates the table on the first run, then inserts only the rows the is_incremental filter selects', async () => {
    const dir = project({
      'models/sources.yml': SOURCES_YML,
      'models/events_inc.sql': [
        '{{config materialized="incremental"}}',
        'select id, kind from {{source "raw" "events"}}',
        '{{#if is_incremental}}',
        'where id > (select max(id) from {{this}})',
        '{{/if}}',
        '',
      ].join('\n'),
    });
    await exec(dir, 'create schema raw', `create table raw.events as select * from (values (1, 'a'), (2, 'b'), (3, 'c')) t(id, kind)`);

    const r1 = await build(dir);
    expectExit(r1, 0);
    expect(doneLine(r1, /^1 of 1 OK created sql incremental model main\.events_inc \.+ \[OK in /)).toBeDefined();
    expect(compiled(dir, 'models/events_inc.sql')).not.toContain('where id >');
    expect(await rows(dir, 'select id, kind from main.events_inc order by id')).toEqual([
      { id: 1, kind: 'a' },
      { id: 2, kind: 'b' },
      { id: 3, kind: 'c' },
    ]);

    // Deleting id 1 upstream must not remove it from the incremental table: only new rows flow in.
    await exec(dir, 'delete from raw.events where id = 1', `insert into raw.events values (4, 'd'), (5, 'e')`);
    const r2 = await build(dir);
    expectExit(r2, 0);
    expect(doneLine(r2, /^1 of 1 OK inserted into sql incremental model main\.events_inc \.+ \[OK in /)).toBeDefined();
    expect(compiled(dir, 'models/events_inc.sql')).toContain('where id > (select max(id) from "main"."events_inc")');
    expect(resultFor(dir, `model.${PROJECT}.events_inc`).adapter_response.rows_affected).toBe(2);
    expect(await rows(dir, 'select id, kind from main.events_inc order by id')).toEqual([
      { id: 1, kind: 'a' },
      { id: 2, kind: 'b' },
      { id: 3, kind: 'c' },
      { id: 4, kind: 'd' },
      { id: 5, kind: 'e' },
    ]);

    const r3 = await build(dir);
    expectExit(r3, 0);
    expect(resultFor(dir, `model.${PROJECT}.events_inc`).adapter_response.rows_affected).toBe(0);
    expect(await scalar(dir, 'select count(*) from main.events_inc')).toBe(5);
    expect(await leftoverTempTables(dir)).toEqual([]);
  });

  it('with unique_key, replaces updated rows (delete+insert) and never duplicates a key', async () => {
    const model = [
      '{{config materialized="incremental" unique_key="id"}}',
      'select id, status, updated_at from {{ref "orders"}}',
      '{{#if is_incremental}}',
      'where updated_at > (select max(updated_at) from {{this}})',
      '{{/if}}',
      '',
    ].join('\n');
    const dir = project({
      'seeds/orders.csv': 'id,status,updated_at\n1,placed,1\n2,placed,1\n3,placed,1\n',
      'models/orders_inc.sql': model,
    });
    expectExit(await build(dir), 0);
    expect(await scalar(dir, 'select count(*) from main.orders_inc')).toBe(3);

    writeFile(dir, 'seeds/orders.csv', 'id,status,updated_at\n1,placed,1\n2,shipped,2\n3,placed,1\n4,placed,2\n');
    const r2 = await build(dir);
    expectExit(r2, 0);
    expect(r2.stdout).toMatch(/OK inserted into sql incremental model main\.orders_inc /);
    expect(resultFor(dir, `model.${PROJECT}.orders_inc`).adapter_response.rows_affected).toBe(2);
    expect(await rows(dir, 'select id, status, updated_at from main.orders_inc order by id')).toEqual([
      { id: 1, status: 'placed', updated_at: 1 },
      { id: 2, status: 'shipped', updated_at: 2 },
      { id: 3, status: 'placed', updated_at: 1 },
      { id: 4, status: 'placed', updated_at: 2 },
    ]);

    writeFile(dir, 'seeds/orders.csv', 'id,status,updated_at\n1,returned,3\n2,delivered,3\n3,placed,1\n4,placed,2\n');
    expectExit(await build(dir), 0);
    expect(await rows(dir, 'select id, status from main.orders_inc order by id')).toEqual([
      { id: 1, status: 'returned' },
      { id: 2, status: 'delivered' },
      { id: 3, status: 'placed' },
      { id: 4, status: 'placed' },
    ]);
    expect(await scalar(dir, 'select count(*) - count(distinct id) from main.orders_inc')).toBe(0);
  });

  it('a failing insert rolls back the unique_key delete: the table keeps its old rows (exit 1)', async () => {
    const model = (amount: string) =>
      [
        '{{config materialized="incremental" unique_key="id"}}',
        `select id, ${amount} as amount, updated_at from {{ref "orders"}}`,
        '{{#if is_incremental}}',
        'where updated_at > (select max(updated_at) from {{this}})',
        '{{/if}}',
        '',
      ].join('\n');
    const dir = project({
      'seeds/orders.csv': 'id,amount,updated_at\n1,10,1\n2,20,1\n',
      'models/orders_inc.sql': model('amount'),
    });
    expectExit(await build(dir), 0);
    expect(await columnTypes(dir, 'main', 'orders_inc')).toEqual({ id: 'BIGINT', amount: 'BIGINT', updated_at: 'BIGINT' });
    // id 2 is updated, but its new amount cannot go into the BIGINT column: the DELETE must not stick.
    writeFile(dir, 'seeds/orders.csv', 'id,amount,updated_at\n1,10,1\n2,20,2\n3,30,2\n');
    writeFile(dir, 'models/orders_inc.sql', model(`case when id = 2 then 'not a number' else amount::varchar end`));
    const r = await build(dir);
    expectExit(r, 1);
    expectSummary(r, { PASS: 1, ERROR: 1, SKIP: 0, TOTAL: 2 });
    expect(errorLine(r, 'model orders_inc')).toContain('not a number');
    expect(await rows(dir, 'select id, amount, updated_at from main.orders_inc order by id')).toEqual([
      { id: 1, amount: 10, updated_at: 1 },
      { id: 2, amount: 20, updated_at: 1 },
    ]);
    expect(await leftoverTempTables(dir)).toEqual([]);
  });

  it('replaces a view in its place on the first run, then runs incrementally', async () => {
    const dir = project({
      'seeds/orders.csv': 'id,status\n1,placed\n2,placed\n',
      'models/orders_inc.sql': 'select id, status from {{ref "orders"}}\n',
    });
    expectExit(await build(dir), 0);
    expect((await relations(dir))['main.orders_inc']).toBe('view');
    writeFile(dir, 'models/orders_inc.sql', '{{config materialized="incremental"}}\nselect id, status from {{ref "orders"}}\n{{#if is_incremental}}where id > (select max(id) from {{this}}){{/if}}\n');
    const r2 = await build(dir);
    expectExit(r2, 0);
    expect(r2.stdout).toMatch(/OK created sql incremental model main\.orders_inc /);
    expect((await relations(dir))['main.orders_inc']).toBe('table');
    expect(await scalar(dir, 'select count(*) from main.orders_inc')).toBe(2);
    writeFile(dir, 'seeds/orders.csv', 'id,status\n1,placed\n2,placed\n3,placed\n');
    const r3 = await build(dir);
    expectExit(r3, 0);
    expect(r3.stdout).toMatch(/OK inserted into sql incremental model main\.orders_inc /);
    expect(await rows(dir, 'select id from main.orders_inc order by id')).toEqual([{ id: 1 }, { id: 2 }, { id: 3 }]);
  });

  it('with a composite unique_key (YAML flow list in {{config}} or a list in schema YAML) matches on all key columns', async () => {
    const body = [
      'select day::varchar as day, region, amount, loaded from {{ref "sales"}}',
      '{{#if is_incremental}}',
      'where loaded > (select max(loaded) from {{this}})',
      '{{/if}}',
      '',
    ].join('\n');
    const dir = project({
      'seeds/sales.csv': 'day,region,amount,loaded\n2024-01-01,eu,10,1\n2024-01-01,us,20,1\n2024-01-02,eu,30,1\n',
      'models/sales_flow.sql': `{{config materialized="incremental" unique_key="[day, region]"}}\n${body}`,
      'models/sales_yaml.sql': body,
      'models/schema.yml': 'version: 2\nmodels:\n  - name: sales_yaml\n    config:\n      materialized: incremental\n      unique_key: [day, region]\n',
    });
    expectExit(await build(dir), 0);

    // (01, eu) changes; (02, us) is new. (01, us) shares the day and (02, eu) the region: both stay.
    writeFile(dir, 'seeds/sales.csv', 'day,region,amount,loaded\n2024-01-01,eu,15,2\n2024-01-01,us,20,1\n2024-01-02,eu,30,1\n2024-01-02,us,40,2\n');
    const r2 = await build(dir);
    expectExit(r2, 0);
    expectSummary(r2, { PASS: 3, ERROR: 0, SKIP: 0, TOTAL: 3 });
    const expected = [
      { day: '2024-01-01', region: 'eu', amount: 15 },
      { day: '2024-01-01', region: 'us', amount: 20 },
      { day: '2024-01-02', region: 'eu', amount: 30 },
      { day: '2024-01-02', region: 'us', amount: 40 },
    ];
    expect(await rows(dir, 'select day, region, amount from main.sales_flow order by day, region')).toEqual(expected);
    expect(await rows(dir, 'select day, region, amount from main.sales_yaml order by day, region')).toEqual(expected);
  });

  it('fails the model (exit 1) when unique_key names a column the query does not have, leaving the table as it was', async () => {
    const dir = project({
      'seeds/orders.csv': 'id,status\n1,placed\n2,placed\n',
      'models/orders_inc.sql': '{{config materialized="incremental" unique_key="order_id"}}\nselect id, status from {{ref "orders"}}\n',
    });
    // First run: no table yet, so the key is not used.
    expectExit(await build(dir), 0);
    const r = await build(dir);
    expectExit(r, 1);
    expectSummary(r, { PASS: 1, ERROR: 1, SKIP: 0, TOTAL: 2 });
    const line = errorLine(r, 'model orders_inc');
    expect(line).toContain('models/orders_inc.sql');
    expect(line).toContain('order_id');
    expect(await scalar(dir, 'select count(*) from main.orders_inc')).toBe(2);
    expect(await leftoverTempTables(dir)).toEqual([]);
  });

  it('without unique_key appends every selected row, and --full-refresh rebuilds from scratch', async () => {
    const dir = project({
      'seeds/orders.csv': 'id,status\n1,placed\n2,placed\n3,placed\n',
      'models/log.sql': '{{config materialized="incremental"}}\nselect id, status from {{ref "orders"}}\n',
      'models/filtered.sql': [
        '{{config materialized="incremental"}}',
        'select id, status from {{ref "orders"}}',
        '{{#if is_incremental}}',
        'where id > (select max(id) from {{this}})',
        '{{/if}}',
        '',
      ].join('\n'),
    });
    expectExit(await build(dir), 0);
    writeFile(dir, 'seeds/orders.csv', 'id,status\n1,placed\n2,shipped\n3,placed\n4,placed\n');
    const r2 = await build(dir);
    expectExit(r2, 0);
    expect(await scalar(dir, 'select count(*) from main.log')).toBe(7);
    expect(await rows(dir, 'select id, count(*)::int as n from main.log group by id order by id')).toEqual([
      { id: 1, n: 2 },
      { id: 2, n: 2 },
      { id: 3, n: 2 },
      { id: 4, n: 1 },
    ]);
    expect(await rows(dir, 'select id, status from main.filtered order by id')).toEqual([
      { id: 1, status: 'placed' },
      { id: 2, status: 'placed' },
      { id: 3, status: 'placed' },
      { id: 4, status: 'placed' },
    ]);

    const r3 = await build(dir, '--full-refresh');
    expectExit(r3, 0);
    expect(r3.stdout).toMatch(/OK created sql incremental model main\.log /);
    expect(r3.stdout).toMatch(/OK created sql incremental model main\.filtered /);
    expect(r3.stdout).not.toContain('inserted into');
    expect(compiled(dir, 'models/filtered.sql')).not.toContain('where id >');
    const expected = [
      { id: 1, status: 'placed' },
      { id: 2, status: 'shipped' },
      { id: 3, status: 'placed' },
      { id: 4, status: 'placed' },
    ];
    expect(await rows(dir, 'select id, status from main.log order by id')).toEqual(expected);
    expect(await rows(dir, 'select id, status from main.filtered order by id')).toEqual(expected);
    expect(runResults(dir).args.full_refresh).toBe(true);
    expect(await leftoverTempTables(dir)).toEqual([]);
  });

  describe.sequential('on_schema_change', () => {
    // Version 1 of every model selects (id, a, c); version 2 selects (id, a, b): b added, c removed.
    const model = (mode: string | undefined, cols: string) =>
      [
        `{{config materialized="incremental"${mode ? ` on_schema_change="${mode}"` : ''}}}`,
        `select ${cols} from {{ref "src"}}`,
        '{{#if is_incremental}}',
        'where id > (select max(id) from {{this}})',
        '{{/if}}',
        '',
      ].join('\n');
    const MODES: [name: string, mode: string | undefined][] = [
      ['inc_default', undefined],
      ['inc_ignore', 'ignore'],
      ['inc_append', 'append_new_columns'],
      ['inc_sync', 'sync_all_columns'],
      ['inc_fail', 'fail'],
    ];
    let dir = '';
    let r1: CliResult;
    let r2: CliResult;

    beforeAll(async () => {
      dir = project({
        'seeds/src.csv': 'id,a,b,c\n1,a1,b1,c1\n2,a2,b2,c2\n',
        ...Object.fromEntries(MODES.map(([name, mode]) => [`models/${name}.sql`, model(mode, 'id, a, c')])),
      });
      r1 = await build(dir);
      writeFile(dir, 'seeds/src.csv', 'id,a,b,c\n1,a1,b1,c1\n2,a2,b2,c2\n3,a3,b3,c3\n4,a4,b4,c4\n');
      for (const [name, mode] of MODES) writeFile(dir, `models/${name}.sql`, model(mode, 'id, a, b'));
      r2 = await build(dir);
    });

    it('builds all five models on the first run; on the second only the "fail" model errors', () => {
      expectExit(r1, 0);
      expectSummary(r1, { PASS: 6, ERROR: 0, SKIP: 0, TOTAL: 6 });
      expectExit(r2, 1);
      expectSummary(r2, { PASS: 5, ERROR: 1, SKIP: 0, TOTAL: 6 });
      expect(statuses(dir)[`model.${PROJECT}.inc_fail`]).toBe('error');
      // Every model that built without taking the whole change says so, under its line, with the fix.
      expect(r1.stdout).not.toContain('warning:');
      expect(r2.stdout.split('\n').filter((l) => l.startsWith('warning:')).sort()).toEqual([
        "warning: inc_append: added column b; the 2 rows already in the table hold NULL in it; the table's column c is no longer in the query (new rows hold NULL there) — run with --full-refresh to rebuild it",
        "warning: inc_default: the query's new column b is not in the table (on_schema_change is ignore); the table's column c is no longer in the query (new rows hold NULL there) — run with --full-refresh to rebuild it, or set on_schema_change: append_new_columns or sync_all_columns",
        "warning: inc_ignore: the query's new column b is not in the table (on_schema_change is ignore); the table's column c is no longer in the query (new rows hold NULL there) — run with --full-refresh to rebuild it, or set on_schema_change: append_new_columns or sync_all_columns",
        'warning: inc_sync: added column b; the 2 rows already in the table hold NULL in it — run with --full-refresh to rebuild it',
      ]);
      const lines = r2.stdout.split('\n');
      expect(lines[lines.findIndex((l) => /OK inserted into sql incremental model main\.inc_append /.test(l)) + 1]).toMatch(/^warning: inc_append: /);
    });

    it.each([['inc_default'], ['inc_ignore']])('%s (ignore): keeps the table columns, inserts the shared ones', async (name) => {
      expect(await columnsOf(dir, 'main', name)).toEqual(['id', 'a', 'c']);
      expect(await rows(dir, `select id, a, c from main.${name} order by id`)).toEqual([
        { id: 1, a: 'a1', c: 'c1' },
        { id: 2, a: 'a2', c: 'c2' },
        { id: 3, a: 'a3', c: null },
        { id: 4, a: 'a4', c: null },
      ]);
    });

    it('append_new_columns: adds the new column, NULL in old rows, and keeps the removed one', async () => {
      expect(await columnsOf(dir, 'main', 'inc_append')).toEqual(['id', 'a', 'c', 'b']);
      expect(await columnTypes(dir, 'main', 'inc_append')).toEqual({ id: 'BIGINT', a: 'VARCHAR', c: 'VARCHAR', b: 'VARCHAR' });
      expect(await rows(dir, 'select id, a, b, c from main.inc_append order by id')).toEqual([
        { id: 1, a: 'a1', b: null, c: 'c1' },
        { id: 2, a: 'a2', b: null, c: 'c2' },
        { id: 3, a: 'a3', b: 'b3', c: null },
        { id: 4, a: 'a4', b: 'b4', c: null },
      ]);
    });

    it('sync_all_columns: adds the new column and drops the removed one', async () => {
      expect(await columnsOf(dir, 'main', 'inc_sync')).toEqual(['id', 'a', 'b']);
      expect(await rows(dir, 'select id, a, b from main.inc_sync order by id')).toEqual([
        { id: 1, a: 'a1', b: null },
        { id: 2, a: 'a2', b: null },
        { id: 3, a: 'a3', b: 'b3' },
        { id: 4, a: 'a4', b: 'b4' },
      ]);
    });

    it('fail: errors naming on_schema_change and the changed columns, and leaves the table untouched', async () => {
      expect(doneLine(r2, /^\d+ of 6 ERROR sql incremental model main\.inc_fail \.+ \[ERROR in /)).toBeDefined();
      const line = errorLine(r2, 'model inc_fail');
      expect(line).toMatch(/^models\/inc_fail\.sql(:\d+)?: error: /);
      expect(line).toContain('on_schema_change');
      expect(line).toMatch(/\bb\b/);
      expect(line).toMatch(/\bc\b/);
      expect(await columnsOf(dir, 'main', 'inc_fail')).toEqual(['id', 'a', 'c']);
      expect(await rows(dir, 'select id, a, c from main.inc_fail order by id')).toEqual([
        { id: 1, a: 'a1', c: 'c1' },
        { id: 2, a: 'a2', c: 'c2' },
      ]);
      expect(await leftoverTempTables(dir)).toEqual([]);
    });

    it('fail: --full-refresh rebuilds the table with the new columns', async () => {
      const r = await build(dir, '--full-refresh', '--select', 'src', 'inc_fail');
      expectExit(r, 0);
      expectSummary(r, { PASS: 2, ERROR: 0, SKIP: 0, TOTAL: 2 });
      expect(await columnsOf(dir, 'main', 'inc_fail')).toEqual(['id', 'a', 'b']);
      expect(await scalar(dir, 'select count(*) from main.inc_fail')).toBe(4);
    });
  });
});

// ---------------------------------------------------------------------------------------------
// ephemeral
// ---------------------------------------------------------------------------------------------

describe.concurrent('ephemeral', () => {
  it('is not created in the warehouse and is inlined as a CTE into its child', async () => {
    const dir = project({
      'seeds/raw_people.csv': CSV_PEOPLE,
      'models/stg_people.sql': '{{config materialized="ephemeral"}}\nselect id, name from {{ref "raw_people"}} where id > 1\n',
      'models/people.sql': '{{config materialized="table"}}\nselect count(*)::int as n, string_agg(name, \',\' order by id) as names from {{ref "stg_people"}}\n',
    });
    const r = await build(dir);
    expectExit(r, 0);
    expect(r.stdout).toContain('Found 2 models, 1 seed, 0 macros');
    expectSummary(r, { PASS: 2, ERROR: 0, SKIP: 0, TOTAL: 2 });
    expect(r.stdout).not.toContain('stg_people');
    expect(await relations(dir)).toEqual({ 'main.people': 'table', 'main.raw_people': 'table' });
    expect(await rows(dir, 'select * from main.people')).toEqual([{ n: 2, names: 'bob,cy' }]);

    const sql = compiled(dir, 'models/people.sql');
    expect(sql).toMatch(/^WITH "__modelrun_cte__stg_people" AS \(\nselect id, name from "main"\."raw_people" where id > 1\n\)/);
    expect(sql).toContain('from "__modelrun_cte__stg_people"');
    expect(Object.keys(statuses(dir)).sort()).toEqual([`model.${PROJECT}.people`, `seed.${PROJECT}.raw_people`]);
    expect(existsSync(join(dir, `target/run/${PROJECT}/models/stg_people.sql`))).toBe(false);
  });

  it('inlines a chain of ephemerals in dependency order, each once, also into several children', async () => {
    const dir = project({
      'seeds/raw_people.csv': CSV_PEOPLE,
      'models/e1.sql': '{{config materialized="ephemeral"}}\nselect id, name, amount from {{ref "raw_people"}}\n',
      'models/e2.sql': '{{config materialized="ephemeral"}}\nselect id, name, amount * 2 as amount from {{ref "e1"}}\n',
      'models/e3.sql': '{{config materialized="ephemeral"}}\nselect id, name, amount + 1 as amount from {{ref "e2"}} where id <> 2\n',
      'models/final.sql': 'select id, name, amount from {{ref "e3"}}\n',
      // Refers to e3 and, directly, to e1 (which e3 also needs): e1 must appear once.
      'models/diamond.sql': '{{config materialized="table"}}\nselect e3.id, e3.amount as a3, e1.amount as a1 from {{ref "e3"}} e3 join {{ref "e1"}} e1 using (id)\n',
    });
    const r = await build(dir);
    expectExit(r, 0);
    expectSummary(r, { PASS: 3, ERROR: 0, SKIP: 0, TOTAL: 3 });
    expect(await relations(dir)).toEqual({ 'main.diamond': 'table', 'main.final': 'view', 'main.raw_people': 'table' });
    expect(await rows(dir, 'select * from main.final order by id')).toEqual([
      { id: 1, name: 'ann', amount: 21 },
      { id: 3, name: 'cy', amount: 61 },
    ]);
    expect(await rows(dir, 'select * from main.diamond order by id')).toEqual([
      { id: 1, a3: 21, a1: 10 },
      { id: 3, a3: 61, a1: 30 },
    ]);
    for (const file of ['models/final.sql', 'models/diamond.sql']) {
      const sql = compiled(dir, file);
      const at = ['e1', 'e2', 'e3'].map((e) => sql.indexOf(`"__modelrun_cte__${e}" AS (`));
      expect(at.every((i) => i >= 0), `${file}:\n${sql}`).toBe(true);
      expect(at[0]! < at[1]! && at[1]! < at[2]!, `${file}:\n${sql}`).toBe(true);
      for (const e of ['e1', 'e2', 'e3']) expect(sql.split(`"__modelrun_cte__${e}" AS (`).length - 1).toBe(1);
      expect(sql.match(/\bWITH\b/gi)?.length).toBe(1);
    }
  });

  it('is merged into the WITH clause of a child that starts with its own WITH (also after comments, and WITH RECURSIVE)', async () => {
    const dir = project({
      'seeds/raw_people.csv': CSV_PEOPLE,
      'models/stg_people.sql': '{{config materialized="ephemeral"}}\nselect id, name, amount from {{ref "raw_people"}}\n',
      'models/big.sql': [
        '{{config materialized="table"}}',
        'with big as (',
        '  select * from {{ref "stg_people"}} where amount >= 20',
        ')',
        'select count(*)::int as n from big',
        '',
      ].join('\n'),
      'models/commented.sql': ['-- people with a rank', '/* block comment */', 'WITH ranked AS (select id, row_number() over (order by amount desc) as r from {{ref "stg_people"}})', 'select id, r::int as r from ranked', ''].join('\n'),
      'models/recursive.sql': [
        '{{config materialized="table"}}',
        'with recursive nums(n) as (select 1 union all select n + 1 from nums where n < 3)',
        'select n::int as n, (select count(*)::int from {{ref "stg_people"}} where id <= n) as people from nums',
        '',
      ].join('\n'),
    });
    const r = await build(dir);
    expectExit(r, 0);
    expectSummary(r, { PASS: 4, ERROR: 0, SKIP: 0, TOTAL: 4 });
    expect(await rows(dir, 'select n from main.big')).toEqual([{ n: 2 }]);
    expect(await rows(dir, 'select id, r from main.commented order by r')).toEqual([
      { id: 3, r: 1 },
      { id: 2, r: 2 },
      { id: 1, r: 3 },
    ]);
    expect(await rows(dir, 'select n, people from main.recursive order by n')).toEqual([
      { n: 1, people: 1 },
      { n: 2, people: 2 },
      { n: 3, people: 3 },
    ]);
    const big = compiled(dir, 'models/big.sql');
    expect(big).toMatch(/^with "__modelrun_cte__stg_people" AS \(\n[\s\S]*\n\),\s*big as \(/);
    expect(big.match(/\bwith\b/gi)?.length).toBe(1);
    expect(compiled(dir, 'models/commented.sql')).toMatch(/^-- people with a rank\n\/\* block comment \*\/\nWITH "__modelrun_cte__stg_people" AS \(\n[\s\S]*\n\),\s*ranked AS \(/);
    expect(compiled(dir, 'models/commented.sql').match(/^\s*with\b/gim)?.length).toBe(1);
    expect(compiled(dir, 'models/recursive.sql')).toMatch(/with recursive "__modelrun_cte__stg_people" AS \(/);
    expect(Object.keys(await relations(dir))).not.toContain('main.stg_people');
  });
});

// ---------------------------------------------------------------------------------------------
// schema config
// ---------------------------------------------------------------------------------------------

describe.concurrent('schema config', () => {
  it('builds a model with schema="analytics" (or a folder +schema) in that schema, creating it as needed', async () => {
    const dir = project({
      'project.yml': `name: ${PROJECT}\nprofile: ${PROJECT}\nmodels:\n  ${PROJECT}:\n    marts:\n      +schema: reporting\n      +materialized: table\n`,
      'seeds/raw_people.csv': CSV_PEOPLE,
      'models/people.sql': '{{config materialized="table" schema="analytics"}}\nselect id, name from {{ref "raw_people"}}\n',
      'models/people_view.sql': '{{config schema="analytics"}}\nselect id from {{ref "people"}}\n',
      'models/marts/summary.sql': 'select count(*)::int as n from {{ref "people"}}\n',
      'models/main_child.sql': 'select max(id) as top from {{ref "people_view"}}\n',
      'models/people_inc.sql': '{{config materialized="incremental" schema="analytics"}}\nselect id from {{ref "raw_people"}}\n{{#if is_incremental}}where id > (select max(id) from {{this}}){{/if}}\n',
    });
    const r1 = await build(dir);
    expectExit(r1, 0);
    expect(r1.stdout).toMatch(/OK created sql table model analytics\.people /);
    expect(r1.stdout).toMatch(/OK created sql view model analytics\.people_view /);
    expect(r1.stdout).toMatch(/OK created sql table model reporting\.summary /);
    expect(await relations(dir)).toEqual({
      'analytics.people': 'table',
      'analytics.people_inc': 'table',
      'analytics.people_view': 'view',
      'main.main_child': 'view',
      'main.raw_people': 'table',
      'reporting.summary': 'table',
    });
    expect(await scalar(dir, 'select n from reporting.summary')).toBe(3);
    expect(await scalar(dir, 'select top from main.main_child')).toBe(3);
    expect(compiled(dir, 'models/marts/summary.sql')).toContain('"analytics"."people"');

    // Second run: the schemas exist already; the incremental model reads its own relation in analytics.
    writeFile(dir, 'seeds/raw_people.csv', `${CSV_PEOPLE}4,dee,40\n`);
    const r2 = await build(dir);
    expectExit(r2, 0);
    expectSummary(r2, { PASS: 6, ERROR: 0, SKIP: 0, TOTAL: 6 });
    expect(r2.stdout).toMatch(/OK inserted into sql incremental model analytics\.people_inc /);
    expect(compiled(dir, 'models/people_inc.sql')).toContain('(select max(id) from "analytics"."people_inc")');
    expect(await rows(dir, 'select id from analytics.people_inc order by id')).toEqual([{ id: 1 }, { id: 2 }, { id: 3 }, { id: 4 }]);
    expect(Object.keys(await relations(dir))).not.toContain('main.people_inc');
  });
});

// ---------------------------------------------------------------------------------------------
// seeds
// ---------------------------------------------------------------------------------------------

describe.concurrent('seeds', () => {
  it('infers column types from the CSV', async () => {
    const dir = project({
      'seeds/typed.csv': 'id,name,price,day,active\n1,apple,1.50,2024-01-02,true\n2,pear,2.25,2024-02-03,false\n',
    });
    const r = await runCli(['seed'], dir);
    expectExit(r, 0);
    expect(doneLine(r, /^1 of 1 OK loaded seed file main\.typed \.+ \[INSERT 2 in /)).toBeDefined();
    expectSummary(r, { PASS: 1, ERROR: 0, SKIP: 0, TOTAL: 1 });
    expect(await columnTypes(dir, 'main', 'typed')).toEqual({ id: 'BIGINT', name: 'VARCHAR', price: 'DOUBLE', day: 'DATE', active: 'BOOLEAN' });
    expect(await rows(dir, 'select id, name, price, day::varchar as day, active from main.typed order by id')).toEqual([
      { id: 1, name: 'apple', price: 1.5, day: '2024-01-02', active: true },
      { id: 2, name: 'pear', price: 2.25, day: '2024-02-03', active: false },
    ]);
    expect(resultFor(dir, `seed.${PROJECT}.typed`).adapter_response.rows_affected).toBe(2);
  });

  it('applies column_types from schema YAML and from project.yml', async () => {
    const dir = project({
      'project.yml': `name: ${PROJECT}\nprofile: ${PROJECT}\nseeds:\n  ${PROJECT}:\n    codes:\n      +column_types: { code: varchar, rate: 'decimal(10,2)' }\n`,
      'seeds/zips.csv': 'id,zip,n\n001,02134,5\n002,10001,6\n',
      'seeds/codes.csv': 'code,rate\n0042,1.5\n0100,2.25\n',
      'seeds/schema.yml': 'version: 2\nseeds:\n  - name: zips\n    config:\n      column_types: { id: varchar, zip: varchar }\n',
    });
    const r = await runCli(['seed'], dir);
    expectExit(r, 0);
    expectSummary(r, { PASS: 2, ERROR: 0, SKIP: 0, TOTAL: 2 });
    expect(await columnTypes(dir, 'main', 'zips')).toEqual({ id: 'VARCHAR', zip: 'VARCHAR', n: 'BIGINT' });
    expect(await rows(dir, 'select id, zip, typeof(id) as t, n from main.zips order by id')).toEqual([
      { id: '001', zip: '02134', t: 'VARCHAR', n: 5 },
      { id: '002', zip: '10001', t: 'VARCHAR', n: 6 },
    ]);
    expect(await columnTypes(dir, 'main', 'codes')).toEqual({ code: 'VARCHAR', rate: 'DECIMAL(10,2)' });
    expect(await rows(dir, 'select code, rate::varchar as rate from main.codes order by code')).toEqual([
      { code: '0042', rate: '1.50' },
      { code: '0100', rate: '2.25' },
    ]);
  });

  it('a value that does not fit a column_types type fails the seed (exit 1) naming the CSV file and line', async () => {
    const dir = project({
      'seeds/good.csv': 'id\n1\n',
      'seeds/bad.csv': 'id,name\n1,a\nx,b\n3,c\n',
      'seeds/schema.yml': 'version: 2\nseeds:\n  - name: bad\n    config: { column_types: { id: integer } }\n',
      'models/uses_bad.sql': 'select * from {{ref "bad"}}\n',
    });
    const r = await build(dir);
    expectExit(r, 1);
    expect(doneLine(r, /^\d+ of 3 ERROR seed file main\.bad \.+ \[ERROR in /)).toBeDefined();
    expectSummary(r, { PASS: 1, ERROR: 1, SKIP: 1, TOTAL: 3 });
    const line = errorLine(r, 'seed bad');
    expect(line).toMatch(/^seeds\/bad\.csv:3: error: seed bad: malformed CSV: /);
    expect(line).toContain('"x"');
    expect(Object.keys(await relations(dir))).toEqual(['main.good']);
    expect(resultFor(dir, `seed.${PROJECT}.bad`)).toMatchObject({ status: 'error', file: 'seeds/bad.csv', line: 3 });
  });

  it.each([
    ['an unterminated quote', 'id,name\n1,"a"\n2,"b\n3,c\n', 3],
    ['a row with too many fields', 'id,name\n1,a\n2,b,extra,more\n3,c\n', 3, "the header has 2 columns, this row more than 2 fields — give every row the header's columns (quote a value that holds a comma)"],
    ['a row with too few fields', 'id,name\n1,a\n2,b\n3\n', 4, "the header has 2 columns, this row 1 field — give every row the header's columns (quote a value that holds a comma)"],
  ])('a CSV with %s fails the seed (exit 1) naming the CSV file and line', async (_what, csv, lineNo, reason?: string) => {
    const dir = project({ 'seeds/broken.csv': csv });
    const r = await runCli(['seed'], dir);
    expectExit(r, 1);
    expectSummary(r, { PASS: 0, ERROR: 1, SKIP: 0, TOTAL: 1 });
    expect(errorLine(r, 'seed broken')).toMatch(new RegExp(`^seeds/broken\\.csv:${lineNo}: error: seed broken: malformed CSV`));
    if (reason) expect(errorLine(r, 'seed broken')).toBe(`seeds/broken.csv:${lineNo}: error: seed broken: malformed CSV: ${reason}`);
    expect(await relations(dir)).toEqual({});
  });
});

// ---------------------------------------------------------------------------------------------
// artifacts
// ---------------------------------------------------------------------------------------------

describe.concurrent('artifacts', () => {
  it("gives a generic test the YAML lines that declare it as raw_code, not its whole schema file", async () => {
    const dir = project({
      'models/orders.sql': 'select 1 as id, 1 as customer_id\n',
      'models/customers.sql': 'select 1 as id\n',
      'models/schema.yml': [
        'version: 2',
        'models:',
        '  - name: orders',
        '    columns:',
        '      - name: id',
        '        tests: [unique, not_null]',
        '      - name: customer_id',
        '        tests:',
        '          - relationships:',
        '              to: ref("customers")',
        '              field: id',
        '  - name: customers',
        '',
      ].join('\n'),
    });
    expectExit(await runCli(['compile'], dir), 0);
    const nodes = (JSON.parse(read(dir, 'target/manifest.json')) as { nodes: Record<string, { raw_code: string }> }).nodes;
    const raw = (prefix: string) => Object.entries(nodes).find(([id]) => id.startsWith(`test.${PROJECT}.${prefix}`))![1].raw_code;
    expect(raw('unique_orders_id')).toBe('tests: [unique, not_null]');
    expect(raw('relationships_orders_customer_id')).toBe('- relationships:\n    to: ref("customers")\n    field: id');
    expect(nodes[`model.${PROJECT}.orders`]!.raw_code).toBe('select 1 as id, 1 as customer_id\n');
  });

  it('writes run_results.json, manifest.json, target/compiled and target/run', async () => {
    const dir = project({
      'seeds/raw_people.csv': CSV_PEOPLE,
      'models/sources.yml': SOURCES_YML,
      'models/stg.sql': '{{config materialized="ephemeral"}}\nselect id, name from {{ref "raw_people"}}\n',
      'models/ok.sql': '{{config materialized="table"}}\nselect * from {{ref "stg"}}\n',
      'models/events.sql': 'select * from {{source "raw" "events"}}\n',
      'models/broken.sql': 'select no_such_column from {{ref "raw_people"}}\n',
      'models/after_broken.sql': 'select * from {{ref "broken"}}\n',
    });
    await exec(dir, 'create schema raw', 'create table raw.events as select 1 as id');
    const r = await build(dir);
    expectExit(r, 1);
    expectSummary(r, { PASS: 3, ERROR: 1, SKIP: 1, TOTAL: 5 });

    const results = runResults(dir);
    expect(statuses(dir)).toEqual({
      [`seed.${PROJECT}.raw_people`]: 'success',
      [`model.${PROJECT}.ok`]: 'success',
      [`model.${PROJECT}.events`]: 'success',
      [`model.${PROJECT}.broken`]: 'error',
      [`model.${PROJECT}.after_broken`]: 'skipped',
    });
    expect(results.results).toHaveLength(5);
    expect(resultFor(dir, `seed.${PROJECT}.raw_people`).adapter_response.rows_affected).toBe(3);
    expect(resultFor(dir, `model.${PROJECT}.ok`).adapter_response.rows_affected).toBe(3);
    expect(resultFor(dir, `model.${PROJECT}.broken`)).toMatchObject({ status: 'error', file: 'models/broken.sql' });
    expect(resultFor(dir, `model.${PROJECT}.broken`).message).toContain('no_such_column');
    expect(resultFor(dir, `model.${PROJECT}.after_broken`).message).toBe('skipped because broken failed');
    expect(results.args).toMatchObject({ command: 'build', full_refresh: false, threads: 1 });
    expect(typeof results.elapsed_time).toBe('number');
    expect(results.metadata).toMatchObject({ generator: 'modelrun' });

    const manifest = JSON.parse(read(dir, 'target/manifest.json')) as {
      metadata: Record<string, unknown>;
      nodes: Record<string, { resource_type: string; config: { materialized?: string }; relation_name: string | null; depends_on: { nodes: string[] } }>;
      sources: Record<string, unknown>;
      parent_map: Record<string, string[]>;
      child_map: Record<string, string[]>;
    };
    expect(manifest.metadata).toMatchObject({ project_name: PROJECT, command: 'build', invocation_id: results.metadata.invocation_id });
    expect(Object.keys(manifest.nodes).sort()).toEqual(
      [`model.${PROJECT}.after_broken`, `model.${PROJECT}.broken`, `model.${PROJECT}.events`, `model.${PROJECT}.ok`, `model.${PROJECT}.stg`, `seed.${PROJECT}.raw_people`].sort(),
    );
    expect(Object.keys(manifest.sources)).toEqual([`source.${PROJECT}.raw.events`]);
    expect(manifest.nodes[`model.${PROJECT}.ok`]).toMatchObject({ resource_type: 'model', config: { materialized: 'table' }, relation_name: '"main"."ok"', depends_on: { nodes: [`model.${PROJECT}.stg`] } });
    expect(manifest.nodes[`model.${PROJECT}.stg`]).toMatchObject({ config: { materialized: 'ephemeral' }, relation_name: null });
    expect(manifest.nodes[`seed.${PROJECT}.raw_people`]).toMatchObject({ resource_type: 'seed', relation_name: '"main"."raw_people"' });
    expect(manifest.parent_map[`model.${PROJECT}.ok`]).toEqual([`model.${PROJECT}.stg`]);
    expect(manifest.parent_map[`model.${PROJECT}.stg`]).toEqual([`seed.${PROJECT}.raw_people`]);
    expect(manifest.parent_map[`model.${PROJECT}.events`]).toEqual([`source.${PROJECT}.raw.events`]);
    expect(manifest.parent_map[`seed.${PROJECT}.raw_people`]).toEqual([]);
    expect([...(manifest.child_map[`seed.${PROJECT}.raw_people`] ?? [])].sort()).toEqual([`model.${PROJECT}.broken`, `model.${PROJECT}.stg`]);
    expect(manifest.child_map[`model.${PROJECT}.broken`]).toEqual([`model.${PROJECT}.after_broken`]);
    expect(manifest.child_map[`source.${PROJECT}.raw.events`]).toEqual([`model.${PROJECT}.events`]);

    for (const m of ['ok', 'events', 'broken', 'after_broken']) expect(existsSync(join(dir, `target/compiled/${PROJECT}/models/${m}.sql`)), m).toBe(true);
    expect(compiled(dir, 'models/events.sql')).toContain('"raw"."events"');
    const runOk = read(dir, `target/run/${PROJECT}/models/ok.sql`);
    expect(runOk).toContain('CREATE TABLE "main"."ok__modelrun_tmp" AS');
    expect(runOk).toContain('RENAME TO "ok"');
    expect(read(dir, `target/run/${PROJECT}/seeds/raw_people.sql`)).toContain('read_csv(');
    expect(read(dir, `target/run/${PROJECT}/models/events.sql`)).toContain('CREATE OR REPLACE VIEW "main"."events" AS');
    expect(existsSync(join(dir, `target/run/${PROJECT}/models/after_broken.sql`))).toBe(false);
  });
});

// ---------------------------------------------------------------------------------------------
// threads and failure handling
// ---------------------------------------------------------------------------------------------

describe.sequential('--threads over a wide DAG', () => {
  const ROOTS = 20;
  const KIDS = 9;
  const pad = (i: number) => String(i).padStart(2, '0');
  let dir = '';
  let first: CliResult;
  let firstThreads: string[] = [];

  beforeAll(async () => {
    const files: Record<string, string> = {
      'project.yml': `name: ${PROJECT}\nprofile: ${PROJECT}\nmodels:\n  ${PROJECT}:\n    +materialized: table\n    kids:\n      +materialized: view\n`,
    };
    for (let i = 0; i < ROOTS; i++) {
      files[`models/roots/r${pad(i)}.sql`] = `select i as id, ${i} as root from range(10) t(i)\n`;
      for (let j = 1; j <= KIDS; j++) {
        // Odd children are tables (real writes in parallel), even ones views.
        const config = j % 2 === 1 ? '{{config materialized="table"}}\n' : '';
        files[`models/kids/c${pad(i)}_${j}.sql`] =
          `${config}select a.id, a.root as own, b.root as other, ${j} as kid\nfrom {{ref "r${pad(i)}"}} a join {{ref "r${pad((i + 1) % ROOTS)}"}} b using (id)\n`;
      }
    }
    dir = project(files);
    first = await build(dir, '--threads', '4');
    firstThreads = existsSync(join(dir, 'target/run_results.json')) ? [...new Set(runResults(dir).results.map((x) => x.thread_id))].sort() : [];
  });

  it('builds all 200 models with --threads 4 (exit 0)', async () => {
    const r = first;
    expectExit(r, 0);
    expect(r.stdout).toContain('Found 200 models, 0 macros');
    expect(r.stdout).toContain("Concurrency: 4 threads (target='dev')");
    expectSummary(r, { PASS: 200, ERROR: 0, SKIP: 0, TOTAL: 200 });
    const rels = await relations(dir);
    expect(Object.keys(rels)).toHaveLength(200);
    expect(Object.values(rels).filter((k) => k === 'table')).toHaveLength(ROOTS + ROOTS * 5);
    expect(await leftoverTempTables(dir)).toEqual([]);
    expect(firstThreads).toEqual(['Thread-1', 'Thread-2', 'Thread-3', 'Thread-4']);

    const checks: string[] = [];
    for (let i = 0; i < ROOTS; i++) {
      for (let j = 1; j <= KIDS; j++) {
        checks.push(`select 'c${pad(i)}_${j}' as m, count(*)::int as n, min(own)::int as own, max(own)::int as own2, min(other)::int as other, max(kid)::int as kid from main.c${pad(i)}_${j}`);
      }
    }
    const got = await rows(dir, checks.join('\nunion all\n'));
    const expected = checks.map((_, k) => {
      const i = Math.floor(k / KIDS);
      const j = (k % KIDS) + 1;
      return { m: `c${pad(i)}_${j}`, n: 10, own: i, own2: i, other: (i + 1) % ROOTS, kid: j };
    });
    expect(got.sort((a, b) => String(a.m).localeCompare(String(b.m)))).toEqual(expected);
  });

  it('a failing root skips exactly its descendants; every other model succeeds', async () => {
    expectExit(first, 0);
    // r05's children and r04's children (which join r05) depend on it: 18 descendants.
    writeFile(dir, 'models/roots/r05.sql', `select i as id, error('boom') as root from range(10) t(i)\n`);
    const r = await build(dir, '--threads', '4');
    expectExit(r, 1);
    expectSummary(r, { PASS: 181, ERROR: 1, SKIP: 18, TOTAL: 200 });
    expect(errorLine(r, 'model r05')).toMatch(/^models\/roots\/r05\.sql(:\d+)?: error: model r05: .*boom/);
    const st = statuses(dir);
    const skipped = Object.keys(st).filter((id) => st[id] === 'skipped').sort();
    const expectedSkipped = [4, 5].flatMap((i) => Array.from({ length: KIDS }, (_, j) => `model.${PROJECT}.c${pad(i)}_${j + 1}`)).sort();
    expect(skipped).toEqual(expectedSkipped);
    expect(Object.keys(st).filter((id) => st[id] === 'error')).toEqual([`model.${PROJECT}.r05`]);
    expect(Object.values(st).filter((s) => s === 'success')).toHaveLength(181);
    // The failed table keeps its previous contents.
    expect(await rows(dir, 'select count(*)::int as n, min(root)::int as root from main.r05')).toEqual([{ n: 10, root: 5 }]);
    expect(await leftoverTempTables(dir)).toEqual([]);
  });
});

describe.concurrent('--fail-fast', () => {
  const files = {
    'models/a_fail.sql': `{{config materialized="table"}}\nselect error('boom') as x\n`,
    'models/b_ok.sql': '{{config materialized="table"}}\nselect 1 as x\n',
    'models/c_ok.sql': 'select 2 as x\n',
    'models/d_child.sql': 'select * from {{ref "b_ok"}}\n',
  };

  it.each([['-x'], ['--fail-fast']])('%s stops scheduling after the first failure (exit 1)', async (flag) => {
    const dir = project(files);
    const r = await build(dir, flag, '--threads', '1');
    expectExit(r, 1);
    expectSummary(r, { PASS: 0, ERROR: 1, SKIP: 3, TOTAL: 4 });
    expect(r.stdout).not.toContain('START sql table model main.b_ok');
    expect(r.stdout).not.toContain('START sql view model main.c_ok');
    expect(await relations(dir)).toEqual({});
    const results = runResults(dir).results;
    expect(results.map((x) => [x.unique_id, x.status])).toEqual([
      [`model.${PROJECT}.a_fail`, 'error'],
      [`model.${PROJECT}.b_ok`, 'skipped'],
      [`model.${PROJECT}.c_ok`, 'skipped'],
      [`model.${PROJECT}.d_child`, 'skipped'],
    ]);
    for (const x of results.slice(1)) expect(x.message).toContain('--fail-fast');
  });

  it('without it, the other branches still run', async () => {
    const dir = project(files);
    const r = await build(dir, '--threads', '1');
    expectExit(r, 1);
    expectSummary(r, { PASS: 3, ERROR: 1, SKIP: 0, TOTAL: 4 });
    expect(await relations(dir)).toEqual({ 'main.b_ok': 'table', 'main.c_ok': 'view', 'main.d_child': 'view' });
  });
});
