import { quoteIdent } from '../util/sql.js';

/**
 * An in-memory database attached for the run: incremental models keep the rows they merged there,
 * so the tests that follow can check those rows alone. Attached databases are shared by every
 * connection of the instance (a TEMP table would be visible to one session only), nothing of it
 * reaches the warehouse file, and it is gone when the run closes the warehouse.
 */
export const CHANGES_DATABASE = '__modelrun_changes';

/** What an incremental model's merge, or an incremental landing of a source table, wrote this run. */
export interface ChangedRows {
  /** How the rows got there, as the console says it: "merged", "landed". */
  how: 'merged' | 'landed';
  /**
   * The written rows as the table holds them, as a relation (a model's merged rows, or the raw rows
   * with a landed key); undefined when they cannot be told apart (a merge whose query's columns or
   * types differ from the table's: its values were cast on the way in).
   */
  relation?: string;
  /** The merge's unique_key columns; empty for append. Rows with these keys were replaced. */
  uniqueKeys: readonly string[];
  /** How many rows `relation` holds (a landing: how many keys it wrote). */
  rows: number;
  /** The table's row count before and after the merge: a count that differs from the one the last run left means someone else changed the table. */
  rowsBefore: number;
  rowsAfter: number;
}

/** Model or source unique id → the rows this run wrote to it. */
export type ChangeLog = Map<string, ChangedRows>;

export function changedRowsRelation(schema: string, identifier: string): string {
  return `${quoteIdent(CHANGES_DATABASE)}.${quoteIdent(schema)}.${quoteIdent(identifier)}`;
}

/** Where a landing keeps the primary keys it landed: a schema of their own, so no model's merged rows share the name. */
const LANDED_KEYS_SCHEMA = '__landed_keys';

export function landedKeysRelation(schema: string, identifier: string): string {
  return changedRowsRelation(LANDED_KEYS_SCHEMA, `${schema}.${identifier}`);
}

/**
 * Statements that attach the changes database with a schema for each of `schemas` (and the landed keys'); run once before
 * models build, since concurrent catalog writes to one database conflict.
 */
export function attachChangesDatabase(schemas: Iterable<string>): string[] {
  return [
    `ATTACH IF NOT EXISTS ':memory:' AS ${quoteIdent(CHANGES_DATABASE)}`,
    ...[...new Set([LANDED_KEYS_SCHEMA, ...schemas])].sort().map((s) => `CREATE SCHEMA IF NOT EXISTS ${quoteIdent(CHANGES_DATABASE)}.${quoteIdent(s)}`),
  ];
}
