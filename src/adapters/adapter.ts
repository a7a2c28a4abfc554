/** What the runner needs from a warehouse engine; duckdb/ implements it. */

export interface Column {
  name: string;
  type: string;
}

export type RelationKind = 'table' | 'view';

export interface Session {
  /** Runs one or more statements; returns the rows changed (or created, for CREATE TABLE AS). */
  execute(sql: string): Promise<number>;
  query(sql: string): Promise<Record<string, unknown>[]>;
  /** Runs statements in one transaction, all or nothing; returns each statement's row count. */
  transaction(statements: readonly string[]): Promise<number[]>;
  columns(schema: string, name: string): Promise<Column[]>;
  close(): void;
}

export interface Warehouse {
  /** Display name: the file path or ":memory:". */
  readonly location: string;
  session(): Promise<Session>;
  /** Every table and view, keyed "schema.name". */
  relations(): Promise<Map<string, RelationKind>>;
  /** Parses SQL without running it; returns an error message and character offset when it does not parse. */
  parse(sql: string): Promise<{ error?: string; offset?: number; statements: number }>;
  close(): void;
}

/** A relation's key: DuckDB resolves names without regard to case, so the model aliased Statuses is the table statuses. */
export function relationKey(schema: string, name: string): string {
  return `${schema}.${name}`.toLowerCase();
}
