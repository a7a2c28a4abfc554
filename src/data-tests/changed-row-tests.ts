import type { Session } from '../adapters/adapter.js';
import type { GraphNode, NodeConfig } from '../graph/nodes.js';
import type { ChangedRows, ChangeLog } from '../materializations/changed-rows.js';
import type { LoadedProject } from '../project/load.js';
import { isPlainColumn, quoteIdent, relationName } from '../util/sql.js';
import { BUILTIN_BY_NAME } from './builtins.js';
import { nowUtcSql } from './compile-tests.js';
import type { GenericTestPlan } from './nodes.js';
import { countsFailingRows, isStoredTable, provedClean, tableKey, type TestState } from './test-state.js';

export interface ChangedRowTest {
  sql: string;
  /** What was checked, for the console: "89 merged rows". */
  scope: string;
  /** A relationships test's parent, which must still hold the rows the last clean run saw. */
  parent?: GraphNode;
}

/** What the run has written so far. */
export interface RunWrites {
  /** Models and seeds built, sources landed. */
  written: Set<string>;
  /** Of those, the merges and landings whose rows are known. */
  changes: ChangeLog;
}

/**
 * Tests whose failing rows are single rows judged on their own, by constants only: new failures can
 * only be new rows. (expression_is_true and SQL bounds may read other tables or the clock.)
 */
function judgesRowsAlone(plan: GenericTestPlan): boolean {
  if (plan.test === 'not_null') return true;
  // Unquoted values are SQL: one may be a subquery.
  if (plan.test === 'accepted_values') return plan.args.quote !== false;
  return plan.test === 'accepted_range' && ['min_value', 'max_value'].every((k) => plan.args[k] === undefined || typeof plan.args[k] === 'number');
}

/**
 * A built-in test narrowed to the rows this run wrote to what it tests: an incremental model's merge
 * or a source table's incremental landing. Sound when the test found no failing row in the table as
 * it was before: both only delete rows by key and insert new ones, so a failing row after them must
 * involve a written row, and checking those decides the test for the whole table. Undefined when
 * that argument does not hold; the test then runs whole.
 */
export function changedRowTest(plan: GenericTestPlan, config: NodeConfig, nodes: ReadonlyMap<string, GraphNode>, writes: RunWrites): ChangedRowTest | undefined {
  const builtin = plan.custom ? undefined : BUILTIN_BY_NAME.get(plan.test);
  const change = writes.changes.get(plan.targetId);
  // A `where` may read other tables or the clock, like SQL bounds: the rows it keeps could change. So
  // may a column given as an expression, which then judges a row by more than the row.
  if (!builtin || !change?.relation || config.where !== undefined) return undefined;
  if (plan.column !== undefined && !isPlainColumn(plan.column)) return undefined;
  const target = nodes.get(plan.targetId)!;
  const written = `select * from ${change.relation}`;
  const build = (relation: string, parent?: GraphNode) => ({
    sql: builtin.sql({ relation: `(${relation}) changed_rows`, column: plan.column, args: plan.args, relations: parent ? { to: relationName(parent.schema, parent.identifier) } : {}, nowUtc: nowUtcSql() }),
    scope: `${change.rows} ${change.how} row${change.rows === 1 ? '' : 's'}`,
    parent,
  });
  if (judgesRowsAlone(plan)) return build(written);
  const table = relationName(target.schema, target.identifier);
  if (plan.test === 'unique') {
    // A delete+insert merge on this one key removed every old row with a written row's key.
    if (change.uniqueKeys.length === 1 && change.uniqueKeys[0] === plan.column) return build(written);
    const value = quoteIdent(plan.column!);
    return build(`select * from ${table} where ${value} in (select ${value} from (${written}) n)`);
  }
  if (plan.test === 'unique_combination_of_columns') {
    const same = (plan.args.combination_of_columns as string[]).map((c) => `n.${quoteIdent(c)} is not distinct from t.${quoteIdent(c)}`).join(' and ');
    return build(`select * from ${table} t where exists (select 1 from (${written}) n where ${same})`);
  }
  if (plan.test === 'relationships') {
    const parent = plan.relationArgs.to === undefined ? undefined : nodes.get(plan.relationArgs.to);
    if (!parent || !keepsEveryKey(parent, String(plan.args.field), writes)) return undefined;
    return build(written, parent);
  }
  return undefined;
}

/** A parent table still holds every key it held: not written by this run, or merged on that key or appended to. */
function keepsEveryKey(parent: GraphNode, field: string, writes: RunWrites): boolean {
  if (!isStoredTable(parent)) return false;
  if (!writes.written.has(parent.uniqueId)) return true;
  const keys = writes.changes.get(parent.uniqueId)?.uniqueKeys;
  return keys !== undefined && (keys.length === 0 || (keys.length === 1 && keys[0] === field));
}

/**
 * The test narrowed to the rows this run wrote, when the last run proved it clean on the rest: same
 * SQL, no failing row, the tested table (and a relationships parent) with the row count that run left.
 */
export async function narrowToChangedRows(project: LoadedProject, node: GraphNode, sql: string, state: TestState | undefined, writes: RunWrites, session: Session): Promise<ChangedRowTest | undefined> {
  const plan = project.genericTests.get(node.uniqueId);
  const change = plan && writes.changes.get(plan.targetId);
  if (!state || !plan || !change || !countsFailingRows(node.config)) return undefined;
  if (!provedClean(state, node.uniqueId, sql, tableKey(project.nodes.get(plan.targetId)!), change.rowsBefore)) return undefined;
  const narrowed = changedRowTest(plan, node.config, project.nodes, writes);
  if (!narrowed?.parent) return narrowed;
  const parentRows = state.rows.get(tableKey(narrowed.parent));
  return parentRows !== undefined && parentRows === (await rowsBeforeRun(narrowed.parent, writes.changes.get(narrowed.parent.uniqueId), session)) ? narrowed : undefined;
}

/** A table's row count before this run wrote it: as its merge saw it, or now when the run has not written it. */
async function rowsBeforeRun(node: GraphNode, change: ChangedRows | undefined, session: Session): Promise<number> {
  if (change) return change.rowsBefore;
  const [row] = await session.query(`SELECT count(*) AS n FROM ${relationName(node.schema, node.identifier)}`);
  return Number(row!.n);
}
