import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { compiledFileFor } from '../artifacts/write.js';
import { runDataTest } from '../data-tests/run-test.js';
import type { RelationKind, Session, Warehouse } from '../adapters/adapter.js';
import type { CompiledNode } from '../compile/compile.js';
import type { GraphNode } from '../graph/nodes.js';
import { narrowToChangedRows, type RunWrites } from '../data-tests/changed-row-tests.js';
import type { TestState } from '../data-tests/test-state.js';
import type { ChangeLog } from '../materializations/changed-rows.js';
import { materialize } from '../materializations/index.js';
import { MaterializationError } from '../materializations/incremental.js';
import type { LoadedProject } from '../project/load.js';
import type { Reporter } from '../cli/reporter.js';
import { skippedResult, type NodeResult } from './results.js';
import { schedule } from './scheduler.js';
import { describeSqlError } from './sql-errors.js';

export interface ExecuteOptions {
  threads: number;
  failFast: boolean;
  /** Absolute target/ folder, for target/run/. */
  targetDir: string;
  /** The dependencies to schedule by, when they differ from the project's (build's test edges). */
  parents?: ReadonlyMap<string, readonly string[]>;
  /** Filled with the rows each incremental merge writes (the changes database must be attached). */
  changes: ChangeLog;
  /** What earlier runs proved, for narrowing tests to those rows; without it every test checks whole tables. */
  testState?: TestState;
}

/** What `{{node}}` is called on the console: "sql view model main.stg_events", "seed file main.customers". */
export function describeNode(node: GraphNode): string {
  const relation = `${node.schema}.${node.identifier}`;
  if (node.resourceType === 'test') return `test ${node.name}`;
  if (node.resourceType === 'seed') return `seed file ${relation}`;
  return `sql ${node.config.materialized} model ${relation}`;
}

/** Builds the given nodes (in dependency order) on the warehouse, `threads` at a time. */
export async function executeNodes(
  project: LoadedProject,
  compiled: ReadonlyMap<string, CompiledNode>,
  order: readonly string[],
  warehouse: Warehouse,
  existing: Map<string, RelationKind>,
  reporter: Reporter,
  opts: ExecuteOptions,
): Promise<NodeResult[]> {
  const threads = Math.max(1, Math.min(opts.threads, order.length));
  const sessions: Session[] = [];
  for (let i = 0; i < threads; i++) sessions.push(await warehouse.session());
  const writes: RunWrites = { written: new Set(), changes: opts.changes };
  const unread = unreadChanges(project, order, opts);
  const results: NodeResult[] = [];
  let started = 0;
  const total = order.length;
  const indexOf = new Map<string, number>();
  try {
    await schedule(order, throughEphemerals(project, opts.parents ?? project.parents), { threads, failFast: opts.failFast }, {
      run: async (id, worker) => {
        const node = project.nodes.get(id)!;
        const index = ++started;
        indexOf.set(id, index);
        reporter.nodeStart(index, total, id, describeNode(node));
        const result = await runOne(project, node, compiled.get(id), sessions[worker]!, existing, worker, opts, writes);
        results.push(result);
        if (node.resourceType !== 'test') writes.written.add(id);
        if (unread.has(id)) await dropChangedRows(sessions[worker]!, opts.changes, id);
        reporter.nodeDone(index, total, doneLabel(node, result), result);
        // A failing error-severity test stops what is built on the model it tests; a warning does not.
        return result.status === 'error' || result.status === 'fail' ? 'failed' : 'ok';
      },
      skip: (id, because) => {
        const node = project.nodes.get(id)!;
        const index = ++started;
        const cause = because ? `skipped because ${project.nodes.get(because)?.name ?? because} failed` : 'skipped: the run stopped at the first failure (--fail-fast)';
        const result = skippedResult(id, cause);
        results.push(result);
        reporter.nodeDone(index, total, node.resourceType === 'test' ? node.name : `relation ${node.schema}.${node.identifier}`, result);
      },
    });
  } finally {
    for (const s of sessions) s.close();
  }
  return results;
}

/**
 * Ephemeral models never run, so a model that uses one must wait for what the ephemeral model
 * reads: each ephemeral parent is replaced by its own parents, recursively.
 */
function throughEphemerals(project: LoadedProject, parents: ReadonlyMap<string, readonly string[]>): Map<string, string[]> {
  const resolved = new Map<string, string[]>();
  const expand = (ids: readonly string[], seen: Set<string>): string[] =>
    ids.flatMap((p) => {
      if (project.nodes.get(p)?.config.materialized !== 'ephemeral' || seen.has(p)) return [p];
      seen.add(p);
      return expand(project.parents.get(p) ?? [], seen);
    });
  for (const [id, ps] of parents) resolved.set(id, [...new Set(expand(ps, new Set()))]);
  return resolved;
}

async function runOne(
  project: LoadedProject,
  node: GraphNode,
  compiled: CompiledNode | undefined,
  session: Session,
  existing: Map<string, RelationKind>,
  thread: number,
  opts: ExecuteOptions,
  writes: RunWrites,
): Promise<NodeResult> {
  const startedAt = new Date();
  const statements: string[] = [];
  const finish = (fields: Omit<NodeResult, 'uniqueId' | 'startedAt' | 'completedAt' | 'executionTime' | 'thread'>): NodeResult => {
    const completedAt = new Date();
    writeRunSql(opts.targetDir, project.config.name, node.path, statements);
    return {
      uniqueId: node.uniqueId,
      startedAt: startedAt.toISOString(),
      completedAt: completedAt.toISOString(),
      executionTime: (completedAt.getTime() - startedAt.getTime()) / 1000,
      thread,
      ...fields,
    };
  };
  if (node.resourceType === 'test') return runTestNode(project, node, compiled, session, opts, writes, finish);
  try {
    const outcome = await materialize({ node, compiled, session, existing, projectDir: project.config.dir, statements, changes: opts.changes });
    return finish({ status: 'success', statusText: outcome.status, message: outcome.message, rowsAffected: outcome.rowsAffected, ...(outcome.note ? { note: outcome.note } : {}) });
  } catch (e) {
    if (e instanceof MaterializationError) return finish({ status: 'error', statusText: 'ERROR', message: e.message, file: node.path });
    const template = project.sourceText.get(node.path);
    const { message, line } = node.resourceType === 'seed' ? describeSeedError(e) : describeSqlError(e, compiled?.sql, template);
    return finish({ status: 'error', statusText: 'ERROR', message, file: node.path, line });
  }
}

async function runTestNode(
  project: LoadedProject,
  node: GraphNode,
  compiled: CompiledNode | undefined,
  session: Session,
  opts: ExecuteOptions,
  writes: RunWrites,
  finish: (fields: Omit<NodeResult, 'uniqueId' | 'startedAt' | 'completedAt' | 'executionTime' | 'thread'>) => NodeResult,
): Promise<NodeResult> {
  const compiledPath = relative(project.config.dir, compiledFileFor(opts.targetDir, project.config.name, node));
  try {
    const narrowed = await narrowToChangedRows(project, node, compiled!.sql, opts.testState, writes, session);
    if (narrowed) writeNarrowedSql(opts.targetDir, compiledPath, project.config.dir, narrowed.sql);
    const outcome = await runDataTest(session, node, narrowed?.sql ?? compiled!.sql);
    const statusText = outcome.status === 'pass' ? 'PASS' : `${outcome.status.toUpperCase()} ${outcome.failures}`;
    const message = narrowed ? `${outcome.message} in the ${narrowed.scope} of ${project.nodes.get(project.genericTests.get(node.uniqueId)!.targetId)!.name}, the only rows that could fail it` : outcome.message;
    return finish({ status: outcome.status, statusText, message, failures: outcome.failures, samples: outcome.samples, storedIn: outcome.storedIn, compiledPath, file: node.path, line: testLine(project, node), checked: narrowed?.scope });
  } catch (e) {
    const generic = project.genericTests.get(node.uniqueId);
    const { message, line } = generic ? describeSqlError(e, undefined, undefined) : describeSqlError(e, compiled?.sql, project.sourceText.get(node.path));
    return finish({ status: 'error', statusText: 'ERROR', message, compiledPath, file: node.path, line: generic ? generic.line : line });
  }
}

/**
 * Incremental models whose merged rows no selected test could check: their copy is dropped right
 * after the merge instead of staying in memory until the run ends.
 */
function unreadChanges(project: LoadedProject, order: readonly string[], opts: ExecuteOptions): Set<string> {
  const tested = new Set(opts.testState ? order.map((id) => project.genericTests.get(id)?.targetId) : []);
  return new Set(order.filter((id) => project.nodes.get(id)!.config.materialized === 'incremental' && !tested.has(id)));
}

async function dropChangedRows(session: Session, changes: ChangeLog, id: string): Promise<void> {
  const change = changes.get(id);
  if (!change?.relation) return;
  await session.execute(`DROP TABLE IF EXISTS ${change.relation}`);
  changes.set(id, { ...change, relation: undefined });
}

/** A narrowed test's query goes to target/run/, beside where a model's statements go: what ran, for debugging. */
function writeNarrowedSql(targetDir: string, compiledPath: string, projectDir: string, sql: string): void {
  const file = join(targetDir, 'run', relative(join(targetDir, 'compiled'), join(projectDir, compiledPath)));
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, `${sql}\n`);
}

/** A generic test is located at its entry in the YAML file. */
function testLine(project: LoadedProject, node: GraphNode): number | undefined {
  return project.genericTests.get(node.uniqueId)?.line;
}

function doneLabel(node: GraphNode, result: NodeResult): string {
  if (node.resourceType !== 'test') return describeNode(node);
  return result.checked === undefined ? node.name : `${node.name} (${result.checked})`;
}

/** DuckDB's CSV reader names the line ("CSV Error on Line: 3") and, a few lines further, the reason. */
export function describeSeedError(e: unknown): { message: string; line?: number } {
  const raw = e instanceof Error ? e.message : String(e);
  const line = /CSV Error on Line: (\d+)/.exec(raw)?.[1];
  const lines = raw.split('\n').map((l) => l.trim()).filter(Boolean);
  if (!line) return { message: lines[0] ?? raw };
  const reason = lines.find((l) => /^(Expected Number of Columns|Value with|Error when converting|Could not convert|Invalid unicode|Maximum line size)/i.test(l)) ?? lines[0]!;
  const columns = /Expected Number of Columns: (\d+) Found: (\d+)/.exec(reason);
  return { message: `malformed CSV: ${columns ? fieldCount(Number(columns[1]), Number(columns[2])) : reason.replace(/\.$/, '')}`, line: Number(line) };
}

/** DuckDB stops counting a row's fields one past the header's, so "found" is then a floor. */
function fieldCount(expected: number, found: number): string {
  const what = found > expected ? `more than ${expected} fields` : `${found} field${found === 1 ? '' : 's'}`;
  return `the header has ${expected} columns, this row ${what} — give every row the header's columns (quote a value that holds a comma)`;
}

function writeRunSql(targetDir: string, projectName: string, path: string, statements: readonly string[]): void {
  if (statements.length === 0) return;
  const file = join(targetDir, 'run', projectName, path.replace(/\.csv$/, '.sql'));
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, statements.join(';\n\n') + ';\n');
}
