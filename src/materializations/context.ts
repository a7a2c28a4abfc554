import type { RelationKind, Session } from '../adapters/adapter.js';
import type { CompiledNode } from '../compile/compile.js';
import type { GraphNode } from '../graph/nodes.js';
import type { ChangeLog } from './changed-rows.js';

export interface MaterializeContext {
  node: GraphNode;
  compiled?: CompiledNode;
  session: Session;
  /** What the warehouse holds, "schema.name" → kind; kept current as nodes are built. */
  existing: Map<string, RelationKind>;
  projectDir: string;
  /** Every statement run, for target/run/. */
  statements: string[];
  /** Where incremental merges record the rows they wrote, for the tests that follow. */
  changes: ChangeLog;
}

export interface Outcome {
  /** "created sql view model main.stg_events". */
  message: string;
  /** The bracketed status word: OK, INSERT 120, ... */
  status: string;
  rowsAffected?: number;
  /** What the user should act on although the model built: a column change the table did not fully take. */
  note?: string;
}

/** Where the model's query starts in every statement that wraps it, so DuckDB's "LINE n" maps back. */
export const QUERY_FIRST_LINE = 2;

export function wrapQuery(head: string, sql: string): string {
  return `${head} (\n${sql}\n)`;
}
