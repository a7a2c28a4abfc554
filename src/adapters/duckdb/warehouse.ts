import type { DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';
import type { Column, RelationKind, Session, Warehouse } from '../adapter.js';
import { relationKey } from '../adapter.js';
import { quoteLiteral } from '../../util/sql.js';

export class DuckDBWarehouse implements Warehouse {
  private main?: DuckDBConnection;

  constructor(private readonly instance: DuckDBInstance, readonly location: string) {}

  async session(): Promise<Session> {
    return new DuckDBSession(await this.instance.connect());
  }

  /** A raw connection, for work the Session interface does not cover (the appender used by landing). */
  connect(): Promise<DuckDBConnection> {
    return this.instance.connect();
  }

  private async connection(): Promise<DuckDBConnection> {
    this.main ??= await this.instance.connect();
    return this.main;
  }

  async run(sql: string): Promise<void> {
    await (await this.connection()).run(sql);
  }

  async relations(): Promise<Map<string, RelationKind>> {
    const reader = await (await this.connection()).runAndReadAll(
      `SELECT schema_name, table_name AS name, 'table' AS kind FROM duckdb_tables() WHERE NOT temporary AND database_name = current_database()
       UNION ALL SELECT schema_name, view_name, 'view' FROM duckdb_views() WHERE NOT internal AND NOT temporary AND database_name = current_database()`,
    );
    const out = new Map<string, RelationKind>();
    for (const [schema, name, kind] of reader.getRowsJS() as [string, string, RelationKind][]) out.set(relationKey(schema, name), kind);
    return out;
  }

  async parse(sql: string): Promise<{ error?: string; offset?: number; statements: number }> {
    const conn = await this.connection();
    try {
      const extracted = await conn.extractStatements(sql);
      return { statements: extracted.count };
    } catch {
      // Extraction says only that it failed; the serializer says where.
      const reader = await conn.runAndReadAll(`SELECT json_serialize_sql(${quoteLiteral(sql)}) AS j`);
      const detail = JSON.parse(String(reader.getRowsJS()[0]?.[0] ?? '{}')) as { error?: boolean; error_message?: string; position?: string };
      return { error: detail.error_message ?? 'syntax error', offset: detail.position === undefined ? undefined : Number(detail.position), statements: 0 };
    }
  }

  close(): void {
    this.main?.closeSync();
    this.instance.closeSync();
  }
}

class DuckDBSession implements Session {
  constructor(private readonly conn: DuckDBConnection) {}

  async execute(sql: string): Promise<number> {
    const result = await this.conn.run(sql);
    if (result.columnNames()[0] === 'Count' && result.rowsChanged === 0) {
      const rows = (await result.getRowsJS()) as unknown[][];
      return Number(rows[0]?.[0] ?? 0);
    }
    return Number(result.rowsChanged);
  }

  async query(sql: string): Promise<Record<string, unknown>[]> {
    const reader = await this.conn.runAndReadAll(sql);
    return reader.getRowObjectsJS() as Record<string, unknown>[];
  }

  async transaction(statements: readonly string[]): Promise<number[]> {
    // A single statement is already atomic in DuckDB; BEGIN and COMMIT would only add round trips.
    if (statements.length === 1) return [await this.execute(statements[0]!)];
    await this.conn.run('BEGIN TRANSACTION');
    try {
      const counts: number[] = [];
      for (const s of statements) counts.push(await this.execute(s));
      await this.conn.run('COMMIT');
      return counts;
    } catch (e) {
      await this.conn.run('ROLLBACK').catch(() => undefined);
      throw e;
    }
  }

  async columns(schema: string, name: string): Promise<Column[]> {
    const rows = await this.query(
      `SELECT column_name AS name, data_type AS type FROM duckdb_columns() WHERE schema_name = ${quoteLiteral(schema)} AND table_name = ${quoteLiteral(name)} AND database_name = current_database() ORDER BY column_index`,
    );
    return rows.map((r) => ({ name: String(r.name), type: String(r.type) }));
  }

  close(): void {
    this.conn.closeSync();
  }
}
