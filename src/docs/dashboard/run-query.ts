import type { DuckDBConnection } from '@duckdb/node-api';
import { toJsonCell, type JsonCell } from './json-values.js';

export interface QueryResult {
  columns: { name: string; type: string }[];
  rows: JsonCell[][];
}

/** Runs one read query, its values made JSON-safe; DuckDB's error comes back as a message instead of a throw. */
export async function runQuery(connection: DuckDBConnection, sql: string): Promise<{ result: QueryResult } | { error: string }> {
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
    return { error: (e instanceof Error ? e.message : String(e)).split('\n')[0]! };
  }
}
