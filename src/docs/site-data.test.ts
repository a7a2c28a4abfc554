import { rmSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { DuckDBInstance } from '@duckdb/node-api';
import { buildManifest } from '../artifacts/manifest.js';
import { readCatalog, type Catalog } from '../artifacts/catalog.js';
import { loadFullProject } from '../project/load.js';
import { makeProject } from '../test-support/project.js';
import type { Manifest, RunResults, SourcesJson } from './artifacts.js';
import { buildSiteData, CHUNK_SIZE, type SiteData } from './site-data.js';
import { DOCS_PROJECT } from './test-support/docs-project.js';

const dir = makeProject(DOCS_PROJECT);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function fixtureManifest(projectDir = dir): Manifest {
  const { project, diagnostics } = loadFullProject({ projectDir });
  if (!project) throw new Error(diagnostics.map((d) => d.message).join('\n'));
  // As written to manifest.json and read back, whether buildManifest gives the object or its JSON text.
  const built: unknown = buildManifest(project, new Map(), { invocationId: 'test', generatedAt: '2026-01-01T00:00:00Z', command: 'compile' });
  return JSON.parse(typeof built === 'string' ? built : JSON.stringify(built)) as Manifest;
}

const generatedAt = '2026-01-02T00:00:00Z';
const site = (manifest: Manifest, extra: { runResults?: RunResults; sources?: SourcesJson; catalog?: Catalog } = {}): SiteData =>
  buildSiteData({ manifest, ...extra }, { warehouse: { state: 'read', display: 'warehouse.duckdb' }, dashboard: false, generatedAt });

describe('site data from the manifest', () => {
  const manifest = fixtureManifest();
  const ids = [...Object.keys(manifest.nodes), ...Object.keys(manifest.sources)];

  it('has every node and source of the manifest, once, with its details beside it', () => {
    const data = site(manifest);
    expect(data.index.nodes.map((n) => n.id).sort()).toEqual([...ids].sort());
    expect(data.details).toHaveLength(ids.length);
    expect(new Set(data.index.nodes.map((n) => n.type))).toEqual(new Set(['model', 'seed', 'source', 'test']));
    expect(data.index.chunks).toBe(Math.ceil(ids.length / CHUNK_SIZE));
    data.index.nodes.forEach((n, i) => expect(n.chunk).toBe(Math.floor(i / CHUNK_SIZE)));
  });

  it("draws exactly the manifest's parent map as lineage edges", () => {
    const { nodes } = site(manifest).index;
    const edges = Object.fromEntries(nodes.map((n) => [n.id, n.parents.map((p) => nodes[p]!.id).sort()]));
    const expected = Object.fromEntries(ids.map((id) => [id, [...(manifest.parent_map[id] ?? [])].sort()]));
    expect(edges).toEqual(expected);
    const byName = (name: string) => nodes.find((n) => n.name === name)!;
    expect(byName('customer_orders').parents.map((p) => nodes[p]!.label).sort()).toEqual(['countries', 'customers', 'ephemeral_regions', 'stg_orders']);
    expect(byName('orders')).toMatchObject({ label: 'shop.orders', type: 'source', materialized: null, group: 'shop' });
    expect(byName('stg_orders')).toMatchObject({ group: 'staging', materialized: 'view', path: 'models/staging/stg_orders.sql' });
    expect(byName('customers').tags).toEqual(['core']);
  });

  it('merges YAML columns with the catalog types: warehouse order first, declared-only columns last', async () => {
    const instance = await DuckDBInstance.create(':memory:');
    const connection = await instance.connect();
    await connection.run('CREATE TABLE customers (ID INTEGER, name VARCHAR, extra DOUBLE)');
    const relations = [{ uniqueId: 'model.test_project.customers', resourceType: 'model', schema: 'main', identifier: 'customers' }];
    const catalog = await readCatalog(connection, relations, generatedAt);
    connection.closeSync();
    instance.closeSync();
    expect(catalog.nodes['model.test_project.customers']!.columns).toEqual({
      ID: { name: 'ID', type: 'INTEGER', index: 1, comment: null },
      name: { name: 'name', type: 'VARCHAR', index: 2, comment: null },
      extra: { name: 'extra', type: 'DOUBLE', index: 3, comment: null },
    });
    const data = site(manifest, { catalog });
    const details = data.details[data.index.nodes.findIndex((n) => n.name === 'customers')]!;
    expect(details.columnsNote).toBeNull();
    expect(details.columns).toEqual([
      { name: 'ID', description: 'The customer key', declaredType: 'integer', type: 'INTEGER', index: 1 },
      { name: 'name', description: '', declaredType: null, type: 'VARCHAR', index: 2 },
      { name: 'extra', description: '', declaredType: null, type: 'DOUBLE', index: 3 },
      { name: 'ghost_column', description: 'Declared but never selected', declaredType: null, type: null, index: null },
    ]);
  });

  it('says why a node has no warehouse columns', () => {
    const note = (state: SiteData['index']['warehouse'], name: string) => {
      const data = buildSiteData({ manifest }, { warehouse: state, dashboard: false, generatedAt });
      return data.details[data.index.nodes.findIndex((n) => n.name === name)]!.columnsNote;
    };
    expect(note({ state: 'missing', display: 'warehouse.duckdb' }, 'customers')).toBe('No warehouse file at warehouse.duckdb yet: the columns are those declared in YAML (run `modelrun build`).');
    expect(note({ state: 'read', display: 'warehouse.duckdb' }, 'customers')).toBe('"main"."customers" is not built in warehouse.duckdb: the columns are those declared in YAML (run `modelrun build`).');
    expect(note({ state: 'unavailable', display: 'w.duckdb', reason: 'locked' }, 'customers')).toBe('The warehouse w.duckdb could not be read (locked): the columns are those declared in YAML.');
    expect(note({ state: 'read', display: 'warehouse.duckdb' }, 'ephemeral_regions')).toBe('Ephemeral: inlined into the models that use it, never built in the warehouse.');
  });

  it('ignores results of nodes the project no longer has, and gives a test no materialization badge', () => {
    const gone = { unique_id: 'model.test_project.renamed_since', status: 'error', startedAt: null, completedAt: null, execution_time: null, message: null, failures: null, rows_affected: null, phase: null, file: null, line: null };
    const data = site(manifest, { runResults: { metadata: { generated_at: null }, results: [gone] } });
    expect(data.index.nodes.map((n) => n.id).sort()).toEqual([...ids].sort());
    expect(data.index.nodes.filter((n) => n.status !== null)).toEqual([]);
    expect(data.index.nodes.filter((n) => n.type === 'test').map((n) => n.materialized)).toEqual([null, null, null]);
  });

  it("names no relation for a test, unless it stores its failing rows: then the table they go to", () => {
    const storing = makeProject({
      'models/orders.sql': 'select 1 as id\n',
      'models/schema.yml': 'version: 2\nmodels:\n  - name: orders\n    columns:\n      - name: id\n        tests:\n          - unique: { config: { store_failures: true } }\n          - not_null\n',
    });
    try {
      const manifest = fixtureManifest(storing);
      const relation = (id: string) => manifest.nodes[id]!.relation_name;
      expect(relation('test.test_project.unique_orders_id')).toBe('"main_test_failures"."unique_orders_id"');
      expect(relation('test.test_project.not_null_orders_id')).toBeNull();
      expect(relation('model.test_project.orders')).toBe('"main"."orders"');
      const data = site(manifest);
      const shown = (id: string) => data.details[data.index.nodes.findIndex((n) => n.id === id)]!.relation;
      expect(shown('test.test_project.unique_orders_id')).toBe('"main_test_failures"."unique_orders_id"');
      expect(shown('test.test_project.not_null_orders_id')).toBeNull();
    } finally {
      rmSync(storing, { recursive: true, force: true });
    }
  });

  it("says what each data test checks: the generic test, its arguments (a relation by name, linked), the column, the filter; a singular test as such", () => {
    const tested = makeProject({
      'models/dim_tools.sql': 'select 1 as tool_key\n',
      'models/fact.sql': "select 1 as tool_key, 'a' as status\n",
      'models/schema.yml': [
        'version: 2',
        'models:',
        '  - name: fact',
        '    tests:',
        '      - row_count: { min_value: 1 }',
        "      - dbt_utils.expression_is_true: { expression: 'tool_key > 0' }",
        '    columns:',
        '      - name: tool_key',
        '        tests:',
        "          - relationships: { to: ref('dim_tools'), field: tool_key, severity: warn }",
        '      - name: status',
        '        tests:',
        "          - accepted_values: { values: [a, b], config: { where: 'status is not null' } }",
        'sources:',
        '  - name: raw',
        '    tables:',
        '      - name: events',
        '        columns:',
        '          - name: id',
        '            tests: [not_null]',
        '',
      ].join('\n'),
      'tests/fact_has_rows.sql': 'select 1 from {{ref "fact"}} having count(*) = 0\n',
    });
    try {
      const manifest = fixtureManifest(tested);
      // dbt's fields, which the page reads.
      expect(manifest.nodes['test.test_project.relationships_fact_tool_key__tool_key__ref_dim_tools_']).toMatchObject({
        test_metadata: { name: 'relationships', kwargs: { column_name: 'tool_key', to: "ref('dim_tools')", field: 'tool_key' } },
        column_name: 'tool_key',
        attached_node: 'model.test_project.fact',
      });
      expect(manifest.nodes['test.test_project.fact_has_rows']).not.toHaveProperty('test_metadata');
      // The package a test was named under; dbt attaches a test to models and seeds only.
      const metadata = Object.values(manifest.nodes).flatMap((n) => (n.test_metadata ? [{ ...n.test_metadata, attached: n.attached_node }] : []));
      expect(metadata).toContainEqual({ name: 'expression_is_true', kwargs: { expression: 'tool_key > 0' }, namespace: 'dbt_utils', attached: 'model.test_project.fact' });
      expect(metadata).toContainEqual({ name: 'not_null', kwargs: { column_name: 'id' }, namespace: null, attached: null });
      const data = site(manifest);
      const shown = (name: string) => {
        const at = data.index.nodes.findIndex((n) => n.name === name);
        expect(at, name).toBeGreaterThanOrEqual(0);
        return { test: data.details[at]!.test, severity: data.details[at]!.severity };
      };
      expect(shown('relationships_fact_tool_key__tool_key__ref_dim_tools_')).toEqual({
        test: { name: 'relationships', column: 'tool_key', args: [{ name: 'to', value: 'dim_tools', node: 'model.test_project.dim_tools' }, { name: 'field', value: 'tool_key', node: null }], where: null },
        severity: 'warn',
      });
      expect(shown('accepted_values_fact_status__a__b')).toEqual({
        test: { name: 'accepted_values', column: 'status', args: [{ name: 'values', value: '[a, b]', node: null }], where: 'status is not null' },
        severity: 'error',
      });
      expect(shown('row_count_fact_1').test).toEqual({ name: 'row_count', column: null, args: [{ name: 'min_value', value: '1', node: null }], where: null });
      expect(shown('fact_has_rows').test).toEqual({ name: null, column: null, args: [], where: null });
      expect(shown('fact').test).toBeNull();
    } finally {
      rmSync(tested, { recursive: true, force: true });
    }
  });

  it('takes statuses and timings from run_results.json and freshness from sources.json', () => {
    const result = (id: string, status: string, phase: string | null = null) => ({
      unique_id: id,
      status,
      startedAt: '2026-01-01T10:00:00Z',
      completedAt: '2026-01-01T10:00:02Z',
      execution_time: 2,
      message: status,
      failures: status === 'fail' ? 3 : null,
      rows_affected: 5,
      phase,
      file: null,
      line: null,
    });
    const test = Object.keys(manifest.nodes).find((id) => id.startsWith('test.'))!;
    const runResults: RunResults = {
      metadata: { generated_at: '2026-01-01T10:00:03Z' },
      results: [result('model.test_project.customers', 'success'), result(test, 'fail'), result('source.test_project.shop.orders', 'success', 'extract'), result('model.test_project.broken', 'error'), result('model.test_project.after_broken', 'skipped')],
    };
    const sources: SourcesJson = {
      metadata: { generated_at: '2026-01-01T10:00:03Z' },
      results: [{ unique_id: 'source.test_project.shop.orders', status: 'warn', startedAt: '2026-01-01T10:00:00Z', completedAt: '2026-01-01T10:00:01Z', max_loaded_at: '2026-01-01T00:00:00Z', snapshotted_at: '2026-01-01T10:00:00Z', max_loaded_at_time_ago_in_s: 36000, warn_after: '1 day', error_after: null, message: null }],
    };
    const data = site(manifest, { runResults, sources });
    const at = (id: string) => data.index.nodes.findIndex((n) => n.id === id);
    const status = (id: string) => [data.index.nodes[at(id)]!.status, data.index.nodes[at(id)]!.statusClass];
    expect(status('model.test_project.customers')).toEqual(['success', 'pass']);
    expect(status(test)).toEqual(['fail', 'fail']);
    expect(status('model.test_project.broken')).toEqual(['error', 'error']);
    expect(status('model.test_project.after_broken')).toEqual(['skipped', 'skipped']);
    expect(status('model.test_project.lonely')).toEqual([null, null]);
    expect(status('source.test_project.shop.orders')).toEqual(['warn', 'warn']);
    expect(data.details[at('model.test_project.customers')]!.run).toEqual({ status: 'success', startedAt: '2026-01-01T10:00:00Z', completedAt: '2026-01-01T10:00:02Z', executionTime: 2, message: 'success', failures: null, rowsAffected: 5 });
    expect(data.details[at('source.test_project.shop.orders')]!.freshness).toEqual({ status: 'warn', maxLoadedAt: '2026-01-01T00:00:00Z', snapshottedAt: '2026-01-01T10:00:00Z', clock: 'check', checkedAt: '2026-01-01T10:00:01Z', ageSeconds: 36000, warnAfter: '1 day', errorAfter: null, message: null });
    expect(data.index.runGeneratedAt).toBe('2026-01-01T10:00:03Z');
  });
});
