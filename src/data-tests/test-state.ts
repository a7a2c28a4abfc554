import { createHash } from 'node:crypto';
import { relationKey, type RelationKind, type Session } from '../adapters/adapter.js';
import type { NodeResult } from '../execute/results.js';
import type { GraphNode, NodeConfig } from '../graph/nodes.js';
import type { ChangeLog } from '../materializations/changed-rows.js';
import { quoteLiteral, relationName } from '../util/sql.js';

/**
 * What the last runs proved about the warehouse, kept in the warehouse itself (table
 * modelrun.test_state, beside landing's watermarks), so it travels with the file and every checkout
 * or target folder writing to it sees the same: which tests found no failing row (with a hash of
 * their SQL, so an edited test proves nothing), and the row count each table was left with (a count
 * that differs later means something else changed the table). Any run that writes a table forgets the
 * tests that read it unless they ran clean after the write.
 */
export interface TestState {
  clean: Map<string, CleanTest>;
  rows: Map<string, number>;
  /**
   * "project/target" → the tables its runs have built that still exist, so that a table a renamed
   * or removed model left behind can be told from another project's or target's in the same file,
   * or the user's own.
   */
  built: Map<string, Set<string>>;
}

/**
 * A test that found no failing row: the hash of its SQL, and the tables it read then. A write to any
 * of those tables forgets it even when the test reads others now: a test whose YAML points it
 * elsewhere for a while (on another branch, say) and then back has the same SQL as before, and would
 * otherwise vouch for rows written while it was not looking.
 */
export interface CleanTest {
  hash: string;
  reads: string[];
}

const TABLE = 'modelrun.test_state';

export function emptyTestState(): TestState {
  return { clean: new Map(), rows: new Map(), built: new Map() };
}

/** The state the last run left in the warehouse; empty when there is none. */
export async function readTestState(session: Session): Promise<TestState> {
  const state = emptyTestState();
  const [exists] = await session.query(`SELECT count(*) AS n FROM duckdb_tables() WHERE database_name = current_database() AND schema_name = 'modelrun' AND table_name = 'test_state'`);
  if (Number(exists!.n) === 0) return state;
  const reads = new Map<string, string[]>();
  const hashes = new Map<string, string>();
  for (const r of await session.query(`SELECT kind, name, value FROM ${TABLE} ORDER BY kind, name, value`)) {
    const [name, value] = [String(r.name), String(r.value)];
    if (r.kind === 'clean') hashes.set(name, value);
    // Added in place: copying the list per row would be quadratic in a project of thousands of tables.
    else if (r.kind === 'reads') reads.set(name, reads.get(name) ?? []).get(name)!.push(value);
    else if (r.kind === 'built') state.built.set(name, state.built.get(name) ?? new Set()).get(name)!.add(value);
    else state.rows.set(name, Number(r.value));
  }
  // A clean test without the tables it read (a state written before they were kept) proves nothing.
  for (const [id, hash] of hashes) if (reads.has(id)) state.clean.set(id, { hash, reads: reads.get(id)! });
  return state;
}

/** Writes the state; an empty one leaves no table behind (a run that built nothing keeps the warehouse as it was). */
export async function writeTestState(session: Session, state: TestState): Promise<void> {
  if (state.clean.size === 0 && state.rows.size === 0 && state.built.size === 0) return forgetTestState(session);
  const rows = [
    ...[...state.clean].flatMap(([name, { hash, reads }]) => [['clean', name, hash], ...reads.map((table) => ['reads', name, table])]),
    ...[...state.rows].map(([name, n]) => ['rows', name, String(n)]),
    ...[...state.built].flatMap(([project, tables]) => [...tables].map((table) => ['built', project, table])),
  ];
  await session.transaction([
    'CREATE SCHEMA IF NOT EXISTS modelrun',
    `CREATE TABLE IF NOT EXISTS ${TABLE} (kind VARCHAR NOT NULL, name VARCHAR NOT NULL, value VARCHAR NOT NULL)`,
    `DELETE FROM ${TABLE}`,
    ...(rows.length > 0 ? [`INSERT INTO ${TABLE} VALUES ${rows.map((r) => `(${r.map(quoteLiteral).join(', ')})`).join(', ')}`] : []),
  ]);
}

/** Before a run writes: if it stops half way, no state vouches for the tables it changed. */
export async function forgetTestState(session: Session): Promise<void> {
  await session.execute(`DROP TABLE IF EXISTS ${TABLE}`);
}

export function testSqlHash(sql: string): string {
  return createHash('sha1').update(sql).digest('hex');
}

/** A relation's key in the state: tables are remembered by name, whichever node builds them. */
export function tableKey(node: GraphNode): string {
  return relationKey(node.schema, node.identifier);
}

/** Seeds, and models stored as tables (table, incremental): what a run writes whole or merges into. */
export function isStoredTable(node: GraphNode): boolean {
  return node.resourceType === 'seed' || (node.resourceType === 'model' && (node.config.materialized === 'table' || node.config.materialized === 'incremental'));
}

/** A test whose failure count is its failing rows' count (no fail_calc, no limit): zero then means none. */
export function countsFailingRows(config: NodeConfig): boolean {
  return (config.fail_calc === undefined || String(config.fail_calc).replace(/\s+/g, '').toLowerCase() === 'count(*)') && config.limit === undefined;
}

/** True when the test found no failing row last time, with the same SQL, and its table still has the rows that run left. */
export function provedClean(state: TestState, testId: string, sql: string, table: string, rowsBefore: number): boolean {
  return state.clean.get(testId)?.hash === testSqlHash(sql) && state.rows.get(table) === rowsBefore;
}

/** The state after a run: its writes forget what they may have broken, its clean tests are remembered. */
export function nextTestState(
  previous: TestState,
  nodes: ReadonlyMap<string, GraphNode>,
  results: readonly NodeResult[],
  changes: ChangeLog,
  testSql: (testId: string) => string | undefined,
): TestState {
  // A test gone from the project (removed, disabled, renamed) cannot be told about writes: forget it.
  const clean = new Map([...previous.clean].filter(([id]) => nodes.get(id)?.resourceType === 'test'));
  const rows = new Map(previous.rows);
  const written = new Set<string>();
  for (const r of results) {
    const node = nodes.get(r.uniqueId);
    if (!node || r.status === 'skipped' || node.resourceType === 'test') continue;
    if (node.resourceType === 'source' && r.phase !== 'extract') continue;
    written.add(r.uniqueId);
    // A table rebuilt whole or a seed affected every row it holds; a merge's count comes with its changes.
    const after = changes.get(r.uniqueId)?.rowsAfter ?? r.tableRows ?? (r.status === 'success' && isStoredTable(node) ? r.rowsAffected : undefined);
    if (after === undefined) rows.delete(tableKey(node));
    else rows.set(tableKey(node), after);
  }
  const writtenTables = new Set([...written].map((id) => tableKey(nodes.get(id)!)));
  for (const [id, { reads }] of clean) {
    if (nodes.get(id)!.dependsOn.some((parent) => written.has(parent)) || reads.some((table) => writtenTables.has(table))) clean.delete(id);
  }
  for (const r of results) {
    const node = nodes.get(r.uniqueId);
    if (node?.resourceType !== 'test' || r.status === 'skipped') continue;
    const sql = testSql(r.uniqueId);
    if ((r.status === 'pass' || r.status === 'warn') && r.failures === 0 && countsFailingRows(node.config) && sql !== undefined) clean.set(r.uniqueId, { hash: testSqlHash(sql), reads: tablesRead(node, nodes) });
    else clean.delete(r.uniqueId);
  }
  return { clean, rows, built: previous.built };
}

function tablesRead(test: GraphNode, nodes: ReadonlyMap<string, GraphNode>): string[] {
  return [...new Set(test.dependsOn.map((id) => tableKey(nodes.get(id)!)))].sort();
}

/**
 * Records the row count of each source table that a remembered test reads and this run did not land,
 * so that the next landing can tell whether the table is still the one those tests proved clean (the
 * first build after one that did not land, such as `build --no-extract`, narrows its source tests). A
 * count that moved since the last run means the table was changed outside modelrun: then only the
 * tests that ran in this run stay remembered. The count is taken as the run ends, so a write from
 * outside during the run itself is the same blind spot as one that keeps the count.
 */
export async function recountUnlandedSources(
  state: TestState,
  nodes: ReadonlyMap<string, GraphNode>,
  results: readonly NodeResult[],
  session: Session,
  relations: ReadonlyMap<string, RelationKind>,
): Promise<TestState> {
  // A landing skipped (after another table's 401) left its table alone: it is counted like any other.
  const landed = new Set(results.filter((r) => r.phase === 'extract' && r.status !== 'skipped').map((r) => r.uniqueId));
  const ran = new Set(results.filter((r) => r.status !== 'skipped').map((r) => r.uniqueId));
  const unlanded = new Map([...nodes.values()].filter((n) => n.resourceType === 'source' && !landed.has(n.uniqueId)).map((n) => [tableKey(n), n.uniqueId]));
  const readers = new Map<string, string[]>();
  for (const [id, { reads }] of state.clean) {
    for (const sourceId of reads.flatMap((table) => unlanded.get(table) ?? [])) readers.set(sourceId, [...(readers.get(sourceId) ?? []), id]);
  }
  const clean = new Map(state.clean);
  const rows = new Map(state.rows);
  for (const [sourceId, tests] of readers) {
    const source = nodes.get(sourceId)!;
    const key = tableKey(source);
    if (relations.get(key) !== 'table') {
      rows.delete(key);
      continue;
    }
    const [counted] = await session.query(`SELECT count(*) AS n FROM ${relationName(source.schema, source.identifier)}`);
    const n = Number(counted!.n);
    if (rows.get(key) === n) continue;
    rows.set(key, n);
    for (const id of tests) if (!ran.has(id)) clean.delete(id);
  }
  return { clean, rows, built: state.built };
}

/**
 * The state's record of the tables `builder` (a project's target) has built, after a run: those it
 * builds now and those it built before, as far as they still exist (`relations`, what the run left).
 */
export function withBuiltTables(state: TestState, builder: string, nodes: readonly GraphNode[], relations: ReadonlyMap<string, RelationKind>): TestState {
  const exists = (key: string) => relations.get(key) === 'table';
  const now = nodes.filter(isStoredTable).map(tableKey);
  const built = new Map(state.built);
  built.set(builder, new Set([...(state.built.get(builder) ?? []), ...now].filter(exists)));
  return { ...state, built };
}
