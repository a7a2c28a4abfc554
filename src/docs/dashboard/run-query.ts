import type { DuckDBConnection } from '@duckdb/node-api';
import { describeSqlError } from '../../execute/sql-errors.js';
import { toJsonCell, type JsonCell } from './json-values.js';

export interface QueryResult {
  columns: { name: string; type: string }[];
  rows: JsonCell[][];
}

export type QueryOutcome = { result: QueryResult } | { error: string; /** DuckDB's "LINE n": the line of the query it points at. */ line?: number };

/** Runs one read query, its values made JSON-safe; DuckDB's error comes back as one readable line instead of a throw. */
export async function runQuery(connection: DuckDBConnection, sql: string): Promise<QueryOutcome> {
  try {
    const reader = await connection.runAndReadAll(sql);
    const types = reader.columnTypes();
    return {
      result: {
        columns: reader.columnNames().map((name, i) => ({ name, type: String(types[i]) })),
        rows: reader.getRows().map((row) => row.map(toJsonCell)),
      },
    };
  } catch (e) {
    const line = /\nLINE (\d+):/.exec(e instanceof Error ? e.message : '')?.[1];
    return { error: describeSqlError(e, undefined, undefined).message, line: line === undefined ? undefined : Number(line) };
  }
}
