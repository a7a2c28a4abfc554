import type { Column } from '../adapters/adapter.js';
import { quoteIdent, relationName } from '../util/sql.js';
import { attachChangesDatabase, changedRowsRelation, type ChangedRows } from './changed-rows.js';
import { wrapQuery, type MaterializeContext, type Outcome } from './context.js';
import { buildTableAside } from './relations.js';

/** A model-level failure whose message is already written for the user. */
export class MaterializationError extends Error {}

export async function materializeIncremental(ctx: MaterializeContext): Promise<Outcome> {
  const { node, compiled } = ctx;
  const what = `sql incremental model ${node.schema}.${node.identifier}`;
  if (!compiled!.isIncremental) {
    const rows = await buildTableAside(ctx, compiled!.sql);
    return { message: `created ${what}`, status: 'OK', rowsAffected: rows };
  }
  // The new rows stay in the run's changes database after the merge: tests on this model check them.
  const staging = changedRowsRelation(node.schema, node.identifier);
  const create = wrapQuery(`CREATE OR REPLACE TABLE ${staging} AS`, compiled!.sql);
  // target/run/ stays runnable on its own: the run attached the database before any model ran.
  ctx.statements.push(...attachChangesDatabase([node.schema]), create);
  await ctx.session.execute(create);
  try {
    const { incoming, schema, ...merge } = await mergeInto(ctx, staging);
    const asStored = sameColumns(await ctx.session.columns(node.schema, node.identifier), incoming);
    if (!asStored) await ctx.session.execute(`DROP TABLE ${staging}`);
    ctx.changes.set(node.uniqueId, { how: 'merged', relation: asStored ? staging : undefined, ...merge });
    const note = schemaChangeNote(node.name, node.config.on_schema_change ?? 'ignore', schema, merge.rowsAfter - merge.rows, node.config.full_refresh);
    return { message: `inserted into ${what}`, status: 'OK', rowsAffected: merge.rows, ...(note ? { note } : {}) };
  } catch (e) {
    await ctx.session.execute(`DROP TABLE IF EXISTS ${staging}`);
    throw e;
  }
}

/** Merges the staged rows; returns what it wrote, and the staged rows' columns. */
async function mergeInto(ctx: MaterializeContext, staging: string): Promise<Omit<ChangedRows, 'relation' | 'how'> & { incoming: Column[]; schema: SchemaPlan }> {
  const { node, session } = ctx;
  const target = relationName(node.schema, node.identifier);
  const existingColumns = await session.columns(node.schema, node.identifier);
  const newColumns = await stagingColumns(ctx, staging);
  const plan = planSchemaChange(node.name, node.config.on_schema_change ?? 'ignore', existingColumns, newColumns);
  // "append" keeps every row even when a unique_key is set; "delete+insert" (the default) replaces rows by key.
  const keys = node.config.incremental_strategy === 'append' ? [] : uniqueKeys(node.config.unique_key);
  const missingKey = keys.find((k) => !newColumns.some((c) => c.name === k));
  if (missingKey) throw new MaterializationError(`unique_key "${missingKey}" is not a column of ${node.name}'s query (columns: ${newColumns.map((c) => c.name).join(', ')})`);
  const cols = plan.insertColumns.map(quoteIdent).join(', ');
  const statements = [
    ...plan.alterations.map((a) => `ALTER TABLE ${target} ${a}`),
    ...(keys.length > 0
      ? [`DELETE FROM ${target} WHERE (${keys.map(quoteIdent).join(', ')}) IN (SELECT ${keys.map(quoteIdent).join(', ')} FROM ${staging})`]
      : []),
    `INSERT INTO ${target} (${cols}) SELECT ${cols} FROM ${staging}`,
  ];
  ctx.statements.push(...statements);
  const [before] = await session.query(`SELECT count(*) AS n FROM ${target}`);
  const counts = await session.transaction(statements);
  const rows = counts[counts.length - 1]!;
  const deleted = keys.length > 0 ? counts[counts.length - 2]! : 0;
  const rowsBefore = Number(before!.n);
  return { rows, uniqueKeys: keys, rowsBefore, rowsAfter: rowsBefore - deleted + rows, incoming: newColumns, schema: plan };
}

async function stagingColumns(ctx: MaterializeContext, staging: string): Promise<Column[]> {
  const rows = await ctx.session.query(`DESCRIBE ${staging}`);
  return rows.map((r) => ({ name: String(r.column_name), type: String(r.column_type) }));
}

/** The same columns with the same types: the table holds the staged rows' values unchanged. */
function sameColumns(a: readonly Column[], b: readonly Column[]): boolean {
  const types = new Map(a.map((c) => [c.name, c.type]));
  return a.length === b.length && b.every((c) => types.get(c.name) === c.type);
}

export function uniqueKeys(key: unknown): string[] {
  if (key === undefined || key === null) return [];
  const list = Array.isArray(key) ? key : [key];
  return list.flatMap((k) => String(k).split(',')).map((k) => k.trim()).filter((k) => k !== '');
}

export interface SchemaPlan {
  alterations: string[];
  insertColumns: string[];
  /** The query's columns the table lacked, and the table's the query no longer has. */
  added: string[];
  removed: string[];
}

/**
 * What a merge across a change of columns leaves for the user to act on: columns the table never got
 * (ignore), the rows already there, which hold NULL in a column added now, and columns the table
 * keeps that new rows leave NULL. The build still passes, so without a line saying so the table
 * quietly differs from a full refresh.
 */
export function schemaChangeNote(model: string, mode: string, plan: SchemaPlan, oldRows: number, fullRefresh: unknown): string | undefined {
  const names = (list: string[]) => list.join(', ');
  const are = (list: string[]) => (list.length === 1 ? 'is' : 'are');
  const appends = mode === 'append_new_columns' || mode === 'sync_all_columns';
  const parts = [
    appends && plan.added.length > 0 && oldRows > 0
      ? `added ${plural(plan.added, 'column')} ${names(plan.added)}; the ${oldRows.toLocaleString('en-US')} ${oldRows === 1 ? 'row' : 'rows'} already in the table ${oldRows === 1 ? 'holds' : 'hold'} NULL in ${plan.added.length === 1 ? 'it' : 'them'}`
      : '',
    !appends && plan.added.length > 0 ? `the query's new ${plural(plan.added, 'column')} ${names(plan.added)} ${are(plan.added)} not in the table (on_schema_change is ignore)` : '',
    mode !== 'sync_all_columns' && plan.removed.length > 0 ? `the table's ${plural(plan.removed, 'column')} ${names(plan.removed)} ${are(plan.removed)} no longer in the query (new rows hold NULL there)` : '',
  ].filter(Boolean);
  if (parts.length === 0) return undefined;
  // A model that refuses --full-refresh is only rebuilt once that setting goes.
  const rebuild = fullRefresh === false ? 'remove full_refresh=false from its config, then run with --full-refresh' : 'run with --full-refresh';
  const fix = appends ? `${rebuild} to rebuild it` : `${rebuild} to rebuild it, or set on_schema_change: append_new_columns or sync_all_columns`;
  return `${model}: ${parts.join('; ')} — ${fix}`;
}

function plural(list: readonly string[], word: string): string {
  return list.length === 1 ? word : `${word}s`;
}

/** What an incremental run does when the query's columns no longer match the table's (dbt's on_schema_change). */
export function planSchemaChange(model: string, mode: string, existing: readonly Column[], incoming: readonly Column[]): SchemaPlan {
  // DuckDB names ignore case: a column the query spells `A` is the table's `a`.
  const has = (list: readonly Column[], name: string) => list.some((c) => c.name.toLowerCase() === name.toLowerCase());
  const added = incoming.filter((c) => !has(existing, c.name));
  const removed = existing.filter((c) => !has(incoming, c.name));
  const shared = incoming.filter((c) => has(existing, c.name)).map((c) => c.name);
  const names = { added: added.map((c) => c.name), removed: removed.map((c) => c.name) };
  if (added.length === 0 && removed.length === 0) return { alterations: [], insertColumns: shared, ...names };
  const change = [
    added.length ? `new columns ${added.map((c) => c.name).join(', ')}` : '',
    removed.length ? `removed columns ${removed.map((c) => c.name).join(', ')}` : '',
  ].filter(Boolean).join('; ');
  switch (mode) {
    case 'fail':
      throw new MaterializationError(`the columns of ${model} changed (${change}) and on_schema_change is "fail" — run with --full-refresh, or set on_schema_change: append_new_columns`);
    case 'append_new_columns':
      return { alterations: added.map((c) => `ADD COLUMN ${quoteIdent(c.name)} ${c.type}`), insertColumns: incoming.map((c) => c.name), ...names };
    case 'sync_all_columns':
      return {
        alterations: [...added.map((c) => `ADD COLUMN ${quoteIdent(c.name)} ${c.type}`), ...removed.map((c) => `DROP COLUMN ${quoteIdent(c.name)}`)],
        insertColumns: incoming.map((c) => c.name),
        ...names,
      };
    default:
      return { alterations: [], insertColumns: shared, ...names };
  }
}
