import { describe, expect, it } from 'vitest';
import type { GraphNode, NodeConfig } from '../graph/nodes.js';
import type { ChangedRows } from '../materializations/changed-rows.js';
import { changedRowTest, type RunWrites } from './changed-row-tests.js';
import type { GenericTestPlan } from './nodes.js';

const node = (uniqueId: string, resourceType: GraphNode['resourceType'], materialized = 'table'): GraphNode => ({
  uniqueId, resourceType, name: uniqueId.split('.').pop()!, packageName: 'p', path: 'x', fqn: [], tags: [],
  config: { materialized } as NodeConfig, schema: 'main', identifier: uniqueId.split('.').pop()!, dependsOn: [],
});
const NODES = new Map(
  [node('model.p.orders', 'model', 'incremental'), node('seed.p.statuses', 'seed'), node('model.p.customers', 'model', 'incremental'), node('model.p.tools', 'model'), node('model.p.v', 'model', 'view')].map((n) => [n.uniqueId, n]),
);
const CHANGED = '"__modelrun_changes"."main"."orders"';
const merged = (uniqueKeys: string[], over: Partial<ChangedRows> = {}): ChangedRows => ({ how: 'merged', relation: CHANGED, uniqueKeys, rows: 3, rowsBefore: 10, rowsAfter: 12, ...over });
const plan = (test: string, column: string | undefined, args: Record<string, unknown> = {}, relationArgs: Record<string, string> = {}): GenericTestPlan => ({
  test, custom: false, args, column, targetId: 'model.p.orders', relationArgs, file: 'models/schema.yml', line: 1, col: 1,
});
const writes = (changes: [string, ChangedRows][], written: string[] = changes.map(([id]) => id)): RunWrites => ({ written: new Set(written), changes: new Map(changes) });
const NO_CONFIG = {} as NodeConfig;

describe('changedRowTest', () => {
  const byKey = writes([['model.p.orders', merged(['id'])]]);

  it('checks only the merged rows for tests that judge each row by constants', () => {
    const t = changedRowTest(plan('not_null', 'id'), NO_CONFIG, NODES, byKey)!;
    expect(t.sql).toContain(`from (select * from ${CHANGED}) changed_rows`);
    expect(t.sql).not.toContain('from "main"."orders"');
    expect(t.scope).toBe('3 merged rows');
    expect(changedRowTest(plan('accepted_range', 'n', { min_value: 0, max_value: 9 }), NO_CONFIG, NODES, byKey)).toBeDefined();
  });

  it('leaves whole what may read other tables or the clock, or whose rows were cast', () => {
    expect(changedRowTest(plan('accepted_range', 'n', { min_value: '(select lo from limits)' }), NO_CONFIG, NODES, byKey)).toBeUndefined();
    expect(changedRowTest(plan('expression_is_true', undefined, { expression: 'n > 0' }), NO_CONFIG, NODES, byKey)).toBeUndefined();
    expect(changedRowTest(plan('not_null', 'id'), { ...NO_CONFIG, where: "status <> 'x'" }, NODES, byKey)).toBeUndefined();
    expect(changedRowTest(plan('row_count', undefined, { min_value: 1 }), NO_CONFIG, NODES, byKey)).toBeUndefined();
    expect(changedRowTest(plan('accepted_values', 's', { values: ['(select max(s) from allowed)'], quote: false }), NO_CONFIG, NODES, byKey)).toBeUndefined();
    expect(changedRowTest(plan('accepted_values', 's', { values: ['a'] }), NO_CONFIG, NODES, byKey)).toBeDefined();
    // So may a column given as an expression.
    expect(changedRowTest(plan('not_null', '(select c.id from customers c where c.id = customer_id)'), NO_CONFIG, NODES, byKey)).toBeUndefined();
    expect(changedRowTest(plan('accepted_values', "case when due_at < now() then 'late' else 'ok' end", { values: ['ok'] }), NO_CONFIG, NODES, byKey)).toBeUndefined();
    expect(changedRowTest(plan('unique', 'lower(code)'), NO_CONFIG, NODES, byKey)).toBeUndefined();
    expect(changedRowTest(plan('not_null', 'id'), NO_CONFIG, NODES, writes([['model.p.orders', merged(['id'], { relation: undefined })]]))).toBeUndefined();
  });

  it('checks unique on the merge key among the merged rows, and otherwise the table rows sharing a merged value', () => {
    expect(changedRowTest(plan('unique', 'id'), NO_CONFIG, NODES, byKey)!.sql).not.toContain('from "main"."orders"');
    const other = changedRowTest(plan('unique', 'code'), NO_CONFIG, NODES, byKey)!.sql;
    expect(other).toContain(`from "main"."orders" where "code" in (select "code" from (select * from ${CHANGED}) n)`);
    // Appended rows replace nothing: even the key is checked against the table.
    expect(changedRowTest(plan('unique', 'id'), NO_CONFIG, NODES, writes([['model.p.orders', merged([])]]))!.sql).toContain('from "main"."orders" where "id" in');
    const combo = changedRowTest(plan('unique_combination_of_columns', undefined, { combination_of_columns: ['a', 'b'] }), NO_CONFIG, NODES, byKey)!.sql;
    expect(combo).toContain('n."a" is not distinct from t."a" and n."b" is not distinct from t."b"');
  });

  it('checks relationships on the merged rows only against a parent that kept every key', () => {
    const to = (parent: string, w: RunWrites) => changedRowTest(plan('relationships', 'k', { field: 'k' }, { to: parent }), NO_CONFIG, NODES, w);
    expect(to('seed.p.statuses', byKey)?.parent?.uniqueId).toBe('seed.p.statuses');
    expect(to('model.p.tools', byKey)).toBeDefined();
    expect(to('model.p.tools', writes([['model.p.orders', merged(['id'])]], ['model.p.orders', 'model.p.tools']))).toBeUndefined();
    expect(to('model.p.v', byKey)).toBeUndefined();
    const parentMerged = (keys: string[]) => writes([['model.p.orders', merged(['id'])], ['model.p.customers', merged(keys)]]);
    expect(to('model.p.customers', parentMerged(['k']))).toBeDefined();
    expect(to('model.p.customers', parentMerged([]))).toBeDefined();
    expect(to('model.p.customers', parentMerged(['other']))).toBeUndefined();
  });
});
