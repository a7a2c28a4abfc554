import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadFullProject } from '../../project/load.js';
import { tempFolders } from '../../test-support/project.js';
import { readRunArtifacts } from '../run-artifacts.js';
import { writeDashboard } from './index.js';

// A small shop project whose relations are created by hand in an in-memory DuckDB, so each test
// controls exactly what the warehouse holds.

const folders = tempFolders();

const FILES: Record<string, string> = {
  'models/orders.sql': 'select 1 as id',
  'models/customers.sql': 'select 1 as id',
  'models/order_lines.sql': '{{config materialized="ephemeral"}} select 1 as id',
  'models/sources.yml': `version: 2
sources:
  - name: shop
    schema: raw
    loaded_at_field: loaded_at
    tables:
      - name: orders
      - name: refunds
`,
  'macros/money.sql': '{{#macro "dollars" column}}round({{column}} / 100.0, 2){{/macro}}',
  'target/sources.json': JSON.stringify({
    metadata: { generated_at: '2026-11-02T00:00:00Z' },
    results: [{ unique_id: 'source.test_project.shop.orders', status: 'warn', max_loaded_at: '2026-10-31T20:00:00.000Z', snapshotted_at: '2026-11-01T06:00:00.000Z', message: 'source shop.orders was loaded 10.0 hours ago' }],
  }),
  'target/run_results.json': JSON.stringify({
    metadata: { generated_at: '2026-11-01T06:00:00.000Z' },
    results: [
      { unique_id: 'model.test_project.orders', status: 'success', message: 'OK' },
      { unique_id: 'test.test_project.unique_orders_id.abc', status: 'pass', message: '', failures: 0, file: 'models/schema.yml', line: 4 },
      { unique_id: 'test.test_project.not_null_orders_id.abc', status: 'pass', message: '', failures: 0 },
      { unique_id: 'test.test_project.accepted_values_orders_status.abc', status: 'warn', message: '2 rows', failures: 2, file: 'models/schema.yml', line: 9 },
      { unique_id: 'test.test_project.orders_reconcile', status: 'fail', message: '5 rows', failures: 5, file: 'tests/orders_reconcile.sql', line: null },
    ],
  }),
};

const DASHBOARD = `title: Shop
as_of: select max(day) from {{ref "orders"}}
charts:
  - title: Orders per day
    kind: line
    sql: |
      select day, count(*) as orders, {{dollars "sum(cents)"}} as revenue, max(placed_at) as last_order, sum(cents)::HUGEINT as cents
      from {{ref "orders"}} group by day order by day
    x: day
    series: [orders, revenue]
  - title: Customers
    kind: table
    sql: select name from {{ref "customers"}} order by name
`;

let instance: DuckDBInstance;
let connection: DuckDBConnection;

beforeAll(async () => {
  instance = await DuckDBInstance.create(':memory:');
  connection = await instance.connect();
  await connection.run(`SET TimeZone = 'UTC'`);
  await connection.run(`create schema raw`);
  await connection.run(`create table raw.orders as select * from (values (timestamp '2026-10-31 22:15:00')) t(loaded_at)`);
  await connection.run(`create table main.orders as select * from (values
    (date '2026-10-30', timestamp '2026-10-30 09:00:00.250', 1250::bigint), (date '2026-10-30', timestamp '2026-10-30 17:30:00', 999::bigint),
    (date '2026-10-31', timestamp '2026-10-31 08:00:00', 10000::bigint)) t(day, placed_at, cents)`);
  await connection.run(`create table main.customers as select * from (values ('Bo'), ('Al')) t(name)`);
});

afterAll(() => {
  connection.closeSync();
  instance.closeSync();
});

function project(dashboard: string | undefined) {
  const dir = folders.project(dashboard === undefined ? FILES : { ...FILES, 'dashboard.yml': dashboard });
  const { project: loaded, diagnostics } = loadFullProject({ projectDir: dir });
  expect(diagnostics.filter((d) => d.level === 'error')).toEqual([]);
  return { dir, project: loaded! };
}

async function generate(dashboard: string | undefined, conn: DuckDBConnection | null = connection) {
  const { dir, project: loaded } = project(dashboard);
  const outDir = join(dir, 'target', 'docs');
  const { artifacts, diagnostics } = readRunArtifacts(join(dir, 'target'), 'target');
  expect(diagnostics).toEqual([]);
  const result = await writeDashboard({ project: loaded, connection: conn, outDir, run: artifacts });
  return { dir, outDir, result, data: () => readData(outDir) };
}

/** The data file as the page sees it: one global assigned a JSON value. */
function readData(outDir: string): Record<string, any> {
  const text = readFileSync(join(outDir, 'assets', 'dashboard-data.js'), 'utf8');
  expect(text.startsWith('window.MODELRUN_DASHBOARD = ')).toBe(true);
  return JSON.parse(text.slice('window.MODELRUN_DASHBOARD = '.length).trim().replace(/;$/, '')) as Record<string, any>;
}

describe('writeDashboard', () => {
  it('writes nothing when the project has no dashboard.yml', async () => {
    const { outDir, result } = await generate(undefined);
    expect(result).toEqual({ written: false, charts: 0, diagnostics: [] });
    expect(existsSync(join(outDir, 'dashboard.html'))).toBe(false);
  });

  it('writes the page, Chart.js, its script and the query results with JSON-safe values', async () => {
    const { outDir, result, data } = await generate(DASHBOARD);
    expect(result).toEqual({ written: true, charts: 2, diagnostics: [] });
    for (const f of ['dashboard.html', 'assets/chart.umd.min.js', 'assets/dashboard.js', 'assets/dashboard.css', 'assets/site.css', 'assets/page.js']) expect(existsSync(join(outDir, f)), f).toBe(true);
    const html = readFileSync(join(outDir, 'dashboard.html'), 'utf8');
    expect(html).toContain('href="assets/site.css"');
    expect(html).toContain('<a href="index.html#!/" data-route="overview">Overview</a>');
    expect(html.indexOf('assets/chart.umd.min.js')).toBeLessThan(html.indexOf('assets/dashboard-data.js'));
    expect(html).not.toContain('type="module"');
    expect(readFileSync(join(outDir, 'assets/chart.umd.min.js'), 'utf8')).not.toContain('sourceMappingURL');
    const d = data();
    expect(d.title).toBe('Shop');
    expect(d.asOf).toBe('2026-10-31');
    expect(d.charts[0]).toEqual({
      id: 'chart-1', title: 'Orders per day', kind: 'line', format: 'number', horizontal: false, category: 'day', series: ['orders', 'revenue'],
      columns: ['day', 'orders', 'revenue', 'last_order', 'cents'],
      rows: [
        ['2026-10-30', 2, 22.49, '2026-10-30T17:30:00.000Z', 2249],
        ['2026-10-31', 1, 100, '2026-10-31T08:00:00.000Z', 10000],
      ],
      declaredAt: 'dashboard.yml:4',
    });
    expect(d.charts[1]).toMatchObject({ kind: 'table', columns: ['name'], rows: [['Al'], ['Bo']] });
  });

  it('reads freshness from the warehouse and sources.json, and the test counts and failures from run_results.json', async () => {
    const { data } = await generate(DASHBOARD);
    expect(data().freshness).toEqual({
      checkedAt: '2026-11-01T06:00:00.000Z',
      rows: [
        { source: 'shop.orders', loadedAtField: 'loaded_at', maxLoadedAt: '2026-10-31T22:15:00.000Z', status: 'warn', message: 'source shop.orders was loaded 10.0 hours ago' },
        { source: 'shop.refunds', loadedAtField: 'loaded_at', maxLoadedAt: null, error: 'Catalog Error: Table with name refunds does not exist! Did you mean "orders"?' },
      ],
    });
    expect(data().tests).toEqual({
      generatedAt: '2026-11-01T06:00:00.000Z',
      counts: { pass: 2, warn: 1, fail: 1 },
      problems: [
        { name: 'orders_reconcile', status: 'fail', failures: 5, message: '5 rows', where: 'tests/orders_reconcile.sql' },
        { name: 'accepted_values_orders_status', status: 'warn', failures: 2, message: '2 rows', where: 'models/schema.yml:9' },
      ],
    });
  });

  it('reports an unknown ref at its line in dashboard.yml with the nearest name; the chart shows it and the others draw', async () => {
    const { result, data } = await generate(`title: Shop
charts:
  - title: Orders
    kind: table
    sql: |
      select *
      from {{ref "order"}}
  - title: Customers
    kind: table
    sql: select name from {{ref "customers"}} order by name
`);
    const message = 'ref "order" does not match any model or seed — did you mean "orders"? — fix the name in dashboard.yml';
    expect(result.diagnostics).toEqual([{ level: 'error', message, file: 'dashboard.yml', line: 7 }]);
    expect(data().charts[0].error).toBe(message);
    expect(data().charts[1].rows).toEqual([['Al'], ['Bo']]);
  });

  it('refuses a ref to an ephemeral model and an undeclared source', async () => {
    const { result } = await generate(`title: Shop
charts:
  - title: Lines
    kind: table
    sql: select * from {{ref "order_lines"}} join {{source "shop" "refund"}} using (id)
`);
    expect(result.diagnostics).toEqual([
      { level: 'error', message: 'ref "order_lines" is an ephemeral model, which has no relation in the warehouse — chart a model built from it', file: 'dashboard.yml', line: 5 },
      { level: 'error', message: 'source "shop.refund" is not declared in any schema YAML — did you mean "shop.refunds"? — fix the name in dashboard.yml', file: 'dashboard.yml', line: 5 },
    ]);
  });

  it('reports a failing query at the line DuckDB points at and shows DuckDB\'s error in the chart', async () => {
    const { result, data } = await generate(`title: Shop
charts:
  - title: Orders
    kind: table
    sql: |
      select day,
             nope
      from {{ref "orders"}}
`);
    const duckdb = 'Binder Error: Referenced column "nope" not found in FROM clause! Candidate bindings: "placed_at"';
    expect(result).toEqual({ written: true, charts: 1, diagnostics: [{ level: 'error', message: `chart "Orders": the query failed: ${duckdb} — fix its sql in dashboard.yml`, file: 'dashboard.yml', line: 7 }] });
    expect(data().charts[0].error).toBe(duckdb);
  });

  it('reports a series the query does not return', async () => {
    const { result, data } = await generate(`title: Shop
charts:
  - title: Orders
    kind: bar
    sql: select day, count(*) as n from {{ref "orders"}} group by day
    x: day
    series: orders
`);
    const message = 'the query returns no column "orders" (it returns "day", "n") — fix the column names in x/labels/series or in the query';
    expect(result.diagnostics).toEqual([{ level: 'error', message: `chart "Orders": ${message}`, file: 'dashboard.yml', line: 3 }]);
    expect(data().charts[0].error).toBe(message);
  });

  it('still writes the page when the warehouse is not built, each chart saying so', async () => {
    const { result, data } = await generate(DASHBOARD, null);
    const message = `the warehouse warehouse.duckdb has not been built — run modelrun build, then generate the docs again`;
    expect(result).toEqual({ written: true, charts: 2, diagnostics: [{ level: 'warn', message, file: 'dashboard.yml' }] });
    expect(data().charts.map((c: { error: string }) => c.error)).toEqual([message, message]);
    expect(data().freshness.rows[0]).toMatchObject({ source: 'shop.orders', maxLoadedAt: '2026-10-31T20:00:00.000Z', status: 'warn' });
  });
});
