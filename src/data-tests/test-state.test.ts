import { DuckDBInstance } from '@duckdb/node-api';
import { describe, expect, it } from 'vitest';
import { DuckDBWarehouse } from '../adapters/duckdb/warehouse.js';
import type { NodeResult } from '../execute/results.js';
import type { GraphNode } from '../graph/nodes.js';
import { emptyTestState, forgetTestState, nextTestState, provedClean, readTestState, recountUnlandedSources, testSqlHash, writeTestState } from './test-state.js';

const node = (uniqueId: string, resourceType: GraphNode['resourceType'], dependsOn: string[] = [], materialized = 'table'): GraphNode => ({
  uniqueId,
  resourceType,
  name: uniqueId.split('.').pop()!,
  packageName: 'p',
  path: 'x',
  fqn: [],
  tags: [],
  config: { materialized } as GraphNode['config'],
  schema: 'main',
  identifier: uniqueId.split('.').pop()!,
  dependsOn,
});

const result = (uniqueId: string, status: NodeResult['status'], extra: Partial<NodeResult> = {}): NodeResult => ({
  uniqueId, status, statusText: '', message: '', startedAt: '', completedAt: '', executionTime: 0, thread: 0, ...extra,
});

const NODES = new Map(
  [node('model.p.orders', 'model', [], 'incremental'), node('model.p.view', 'model', [], 'view'), node('test.p.a', 'test', ['model.p.orders']), node('test.p.b', 'test', ['model.p.orders']), node('test.p.c', 'test', ['model.p.view'])].map((n) => [n.uniqueId, n]),
);
const SQL = (id: string) => `select 1 -- ${id}`;

describe('test state', () => {
  it('remembers tests that found no failing row, and forgets those that failed, warned with rows, or read a node written without them', () => {
    const before = emptyTestState();
    before.clean.set('test.p.c', { hash: testSqlHash(SQL('test.p.c')), reads: ['main.view'] });
    const after = nextTestState(before, NODES, [
      result('model.p.orders', 'success', { rowsAffected: 7 }),
      result('model.p.view', 'success'),
      result('test.p.a', 'pass', { failures: 0 }),
      result('test.p.b', 'warn', { failures: 2 }),
    ], new Map(), SQL);
    expect([...after.clean.keys()]).toEqual(['test.p.a']);
    expect(Object.fromEntries(after.rows)).toEqual({ 'main.orders': 7 });
    expect(provedClean(after, 'test.p.a', SQL('test.p.a'), 'main.orders', 7)).toBe(true);
    expect(provedClean(after, 'test.p.a', SQL('test.p.a'), 'main.orders', 8)).toBe(false);
    expect(provedClean(after, 'test.p.a', 'select 2', 'main.orders', 7)).toBe(false);
  });

  it('keeps what a skipped test proved when nothing it reads was written', () => {
    const before = emptyTestState();
    before.clean.set('test.p.a', { hash: testSqlHash(SQL('test.p.a')), reads: ['main.orders'] });
    const after = nextTestState(before, NODES, [result('test.p.a', 'skipped')], new Map(), SQL);
    expect([...after.clean.keys()]).toEqual(['test.p.a']);
  });

  it('keeps the tables a clean test read, and forgets it when one is written, wherever the test points now', () => {
    const ran = nextTestState(emptyTestState(), NODES, [result('test.p.a', 'pass', { failures: 0 })], new Map(), SQL);
    expect(ran.clean.get('test.p.a')).toEqual({ hash: testSqlHash(SQL('test.p.a')), reads: ['main.orders'] });
    // test.p.a now reads the view (its YAML edited, its custom name kept), and a run writes orders without it:
    // put back later, it would have the SQL it was proved clean with, and must not vouch for orders' new rows.
    const moved = new Map(NODES).set('test.p.a', node('test.p.a', 'test', ['model.p.view']));
    const after = nextTestState(ran, moved, [result('model.p.orders', 'success', { rowsAffected: 9 })], new Map(), SQL);
    expect([...after.clean.keys()]).toEqual([]);
  });

  it('reads back what it wrote from the warehouse; forgetting leaves none', async () => {
    const instance = await DuckDBInstance.create(':memory:');
    const warehouse = new DuckDBWarehouse(instance, ':memory:');
    const session = await warehouse.session();
    try {
      expect(await readTestState(session)).toEqual(emptyTestState());
      const state = emptyTestState();
      state.clean.set("test.p.it's", { hash: 'h', reads: ['main.customers', 'main.orders'] });
      state.rows.set('main.orders', 3);
      await writeTestState(session, state);
      expect(await readTestState(session)).toEqual(state);
      // A state written before the tables a test read were kept: its clean tests prove nothing.
      await session.execute(`DELETE FROM modelrun.test_state WHERE kind = 'reads'`);
      expect([...(await readTestState(session)).clean.keys()]).toEqual([]);
      await forgetTestState(session);
      expect(await readTestState(session)).toEqual(emptyTestState());
    } finally {
      session.close();
      warehouse.close();
    }
  });

  it('records the row count of a source that was not landed; a count that moved keeps only the tests that ran on it', async () => {
    const events = { ...node('source.p.app.events', 'source'), schema: 'raw', identifier: 'events' };
    const nodes = new Map([events, node('test.p.ran', 'test', [events.uniqueId]), node('test.p.older', 'test', [events.uniqueId])].map((n) => [n.uniqueId, n]));
    const instance = await DuckDBInstance.create(':memory:');
    const warehouse = new DuckDBWarehouse(instance, ':memory:');
    const session = await warehouse.session();
    try {
      await session.execute('CREATE SCHEMA raw; CREATE TABLE raw.events AS SELECT range AS id FROM range(5)');
      const state = emptyTestState();
      for (const id of ['test.p.ran', 'test.p.older']) state.clean.set(id, { hash: 'h', reads: ['raw.events'] });
      const ranNow = [result('test.p.ran', 'pass', { failures: 0 })];
      // The count the last run left: both proofs stand.
      state.rows.set('raw.events', 5);
      expect(await recountUnlandedSources(state, nodes, ranNow, session, await warehouse.relations())).toEqual(state);
      // Rows added outside modelrun: only the test that just ran vouches for the table of 7 rows.
      await session.execute('INSERT INTO raw.events VALUES (5), (6)');
      const moved = await recountUnlandedSources(state, nodes, ranNow, session, await warehouse.relations());
      expect([...moved.clean.keys()]).toEqual(['test.p.ran']);
      expect(moved.rows.get('raw.events')).toBe(7);
      // Landed by this run: the landing's own count stands, nothing is recounted.
      const landed = await recountUnlandedSources(state, nodes, [...ranNow, result(events.uniqueId, 'success', { phase: 'extract' })], session, await warehouse.relations());
      expect(landed).toEqual(state);
      // A landing skipped (another table's 401 stopped them all) wrote nothing: the table is recounted.
      const skipped = await recountUnlandedSources(state, nodes, [...ranNow, result(events.uniqueId, 'skipped', { phase: 'extract' })], session, await warehouse.relations());
      expect(skipped).toEqual(moved);
      // Unknown until now: recorded, for the test that ran on it.
      const unknown = await recountUnlandedSources({ clean: new Map(state.clean), rows: new Map(), built: new Map() }, nodes, ranNow, session, await warehouse.relations());
      expect(unknown.rows.get('raw.events')).toBe(7);
      expect([...unknown.clean.keys()]).toEqual(['test.p.ran']);
      // Gone: nothing to record.
      await session.execute('DROP TABLE raw.events');
      expect((await recountUnlandedSources(state, nodes, ranNow, session, await warehouse.relations())).rows.has('raw.events')).toBe(false);
    } finally {
      session.close();
      warehouse.close();
    }
  });
});
