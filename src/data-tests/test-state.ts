import { createHash } from 'node:crypto';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { writeJson } from '../artifacts/write.js';
import type { NodeResult } from '../execute/results.js';
import type { GraphNode, NodeConfig } from '../graph/nodes.js';
import type { ChangeLog } from '../materializations/changed-rows.js';

/**
 * What the last runs proved about the warehouse, kept in target/ for the next run: which tests found
 * no failing row (with a hash of their SQL, so an edited test proves nothing), and the row count each
 * model table was left with (a count that differs later means something else changed the table).
 * Any run that writes a node forgets the tests that read it unless they ran clean after the write.
 */
export interface TestState {
  warehouse: string;
  clean: Map<string, string>;
  rows: Map<string, number>;
}

const FILE = 'modelrun_test_state.json';

export function emptyTestState(warehouse: string): TestState {
  return { warehouse, clean: new Map(), rows: new Map() };
}

/** The state the last run left for this warehouse; empty when there is none or it was for another file. */
export function readTestState(targetDir: string, warehouse: string): TestState {
  try {
    const raw = JSON.parse(readFileSync(join(targetDir, FILE), 'utf8')) as { warehouse?: unknown; clean?: Record<string, string>; rows?: Record<string, number> };
    if (raw.warehouse !== warehouse) return emptyTestState(warehouse);
    return { warehouse, clean: new Map(Object.entries(raw.clean ?? {})), rows: new Map(Object.entries(raw.rows ?? {})) };
  } catch {
    return emptyTestState(warehouse);
  }
}

export function writeTestState(targetDir: string, state: TestState): void {
  writeJson(join(targetDir, FILE), { warehouse: state.warehouse, clean: Object.fromEntries([...state.clean].sort()), rows: Object.fromEntries([...state.rows].sort()) });
}

export function forgetTestState(targetDir: string): void {
  rmSync(join(targetDir, FILE), { force: true });
}

export function testSqlHash(sql: string): string {
  return createHash('sha1').update(sql).digest('hex');
}

/** A relation's key in the state: tables are remembered by name, whichever node builds them. */
export function tableKey(node: GraphNode): string {
  return `${node.schema}.${node.identifier}`;
}

/** A test whose failure count is its failing rows' count (no fail_calc, no limit): zero then means none. */
export function countsFailingRows(config: NodeConfig): boolean {
  return (config.fail_calc === undefined || String(config.fail_calc).replace(/\s+/g, '').toLowerCase() === 'count(*)') && config.limit === undefined;
}

/** True when the test found no failing row last time, with the same SQL, and its table still has the rows that run left. */
export function provedClean(state: TestState, testId: string, sql: string, table: string, rowsBefore: number): boolean {
  return state.clean.get(testId) === testSqlHash(sql) && state.rows.get(table) === rowsBefore;
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
    const after = changes.get(r.uniqueId)?.rowsAfter ?? r.tableRows ?? (r.status === 'success' && holdsRowsWritten(node) ? r.rowsAffected : undefined);
    if (after === undefined) rows.delete(tableKey(node));
    else rows.set(tableKey(node), after);
  }
  for (const node of nodes.values()) {
    if (node.resourceType === 'test' && node.dependsOn.some((id) => written.has(id))) clean.delete(node.uniqueId);
  }
  for (const r of results) {
    const node = nodes.get(r.uniqueId);
    if (node?.resourceType !== 'test' || r.status === 'skipped') continue;
    const sql = testSql(r.uniqueId);
    if ((r.status === 'pass' || r.status === 'warn') && r.failures === 0 && countsFailingRows(node.config) && sql !== undefined) clean.set(r.uniqueId, testSqlHash(sql));
    else clean.delete(r.uniqueId);
  }
  return { warehouse: previous.warehouse, clean, rows };
}

/** Nodes whose rows-affected count is the whole relation's: tables rebuilt whole and seeds. */
function holdsRowsWritten(node: GraphNode): boolean {
  return node.resourceType === 'seed' || (node.resourceType === 'model' && (node.config.materialized === 'table' || node.config.materialized === 'incremental'));
}
