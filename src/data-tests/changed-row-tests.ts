import type { GraphNode } from '../graph/nodes.js';
import type { ChangeLog } from '../materializations/changed-rows.js';
import { columnOrExpression, quoteIdent, relationName } from '../util/sql.js';
import { BUILTIN_BY_NAME } from './builtins.js';
import { nowUtcSql } from './compile-tests.js';
import type { GenericTestPlan } from './nodes.js';

/** How a node was written in this run, as far as tests on it are concerned. */
export type WriteKind = 'merged' | 'rebuilt';

export interface ChangedRowTest {
  sql: string;
  /** What was checked, for the console: "89 merged rows". */
  scope: string;
}

/** Tests whose failing rows are single rows judged on their own: new failures can only be new rows. */
const ROW_BY_ROW = new Set(['not_null', 'accepted_values', 'accepted_range', 'expression_is_true']);

/** What the run has written so far: node id → how, and for merges, what. */
export interface RunWrites {
  kinds: Map<string, WriteKind>;
  changes: ChangeLog;
}

/**
 * A built-in test narrowed to the rows this run wrote to what it tests: an incremental model's merge
 * or a source table's incremental landing. The caller knows the test found no failing row in the
 * table as it was before; both only delete rows by key and insert new ones, so a failing row after
 * them must involve a written row, and checking those decides the test for the whole table.
 * Undefined when that argument does not hold (other tests, or a relationships parent that may have
 * lost keys): the test then runs whole.
 */
export function changedRowTest(plan: GenericTestPlan, where: unknown, nodes: ReadonlyMap<string, GraphNode>, writes: RunWrites): ChangedRowTest | undefined {
  const builtin = plan.custom ? undefined : BUILTIN_BY_NAME.get(plan.test);
  const change = writes.changes.get(plan.targetId);
  if (!builtin || !change) return undefined;
  const target = nodes.get(plan.targetId)!;
  const newRows = filtered(change.relation, where);
  const build = (relation: string, relations: Record<string, string> = {}) => ({
    sql: builtin.sql({ relation: `(${relation}) changed_rows`, column: plan.column, args: plan.args, relations, nowUtc: nowUtcSql() }),
    scope: `${change.rows} ${change.how} rows`,
  });
  if (ROW_BY_ROW.has(plan.test)) return build(newRows);
  const table = filtered(relationName(target.schema, target.identifier), where);
  if (plan.test === 'unique') {
    const column = plan.column!;
    // The merge deleted every old row with a new row's key: on that key, duplicates are among the new rows.
    if (change.uniqueKeys.length === 1 && change.uniqueKeys[0] === column) return build(newRows);
    const value = columnOrExpression(column);
    return build(`select * from (${table}) t where ${value} in (select ${value} from (${newRows}) n)`);
  }
  if (plan.test === 'unique_combination_of_columns') {
    const same = (plan.args.combination_of_columns as string[]).map((c) => `n.${quoteIdent(c)} is not distinct from t.${quoteIdent(c)}`).join(' and ');
    return build(`select * from (${table}) t where exists (select 1 from (${newRows}) n where ${same})`);
  }
  if (plan.test === 'relationships') {
    const parentId = plan.relationArgs.to;
    const parent = parentId === undefined ? undefined : nodes.get(parentId);
    if (!parent || !keepsEveryKey(parent, String(plan.args.field), writes)) return undefined;
    return build(newRows, { to: relationName(parent.schema, parent.identifier) });
  }
  return undefined;
}

/** A parent table still holds every key it held before the run: untouched, or merged on that key or by appending. */
function keepsEveryKey(parent: GraphNode, field: string, writes: RunWrites): boolean {
  const isTable = parent.resourceType === 'seed' || (parent.resourceType === 'model' && ['table', 'incremental'].includes(String(parent.config.materialized)));
  if (!isTable) return false;
  const kind = writes.kinds.get(parent.uniqueId);
  if (kind === undefined) return true;
  const keys = writes.changes.get(parent.uniqueId)?.uniqueKeys;
  return kind === 'merged' && keys !== undefined && (keys.length === 0 || (keys.length === 1 && keys[0] === field));
}

function filtered(relation: string, where: unknown): string {
  return typeof where === 'string' ? `select * from ${relation} where ${where}` : `select * from ${relation}`;
}
