import { join } from 'node:path';
import type { DuckDBConnection } from '@duckdb/node-api';
import { writeJson } from './write.js';

export interface CatalogColumn {
  type: string;
  index: number;
  name: string;
  comment: string | null;
}

export interface CatalogEntry {
  metadata: { type: string; schema: string; name: string; database: string; comment: string | null; owner: string | null };
  columns: Record<string, CatalogColumn>;
  stats: Record<string, unknown>;
  unique_id: string;
}

/** catalog.json in dbt's shape: the warehouse's actual columns of every built node and source. */
export interface Catalog {
  metadata: { dbt_schema_version: string; generator: string; generated_at: string };
  nodes: Record<string, CatalogEntry>;
  sources: Record<string, CatalogEntry>;
  errors: string[] | null;
}

export interface CatalogRelation {
  uniqueId: string;
  resourceType: string;
  schema: string;
  identifier: string;
}

interface WarehouseRelation {
  database: string;
  schema: string;
  name: string;
  type: string;
  columns: CatalogColumn[];
}

/** Reads every relation's columns from information_schema in two queries, whatever the project's size. */
export async function readCatalog(connection: DuckDBConnection, relations: readonly CatalogRelation[], generatedAt: string): Promise<Catalog> {
  const found = await warehouseRelations(connection);
  const catalog: Catalog = { metadata: { dbt_schema_version: 'https://schemas.getdbt.com/dbt/catalog/v1.json', generator: 'modelrun', generated_at: generatedAt }, nodes: {}, sources: {}, errors: null };
  for (const r of relations) {
    const w = found.get(relationKey(r.schema, r.identifier));
    if (!w) continue;
    const entry: CatalogEntry = {
      metadata: { type: w.type, schema: w.schema, name: w.name, database: w.database, comment: null, owner: null },
      columns: Object.fromEntries(w.columns.map((c) => [c.name, c])),
      stats: {},
      unique_id: r.uniqueId,
    };
    (r.resourceType === 'source' ? catalog.sources : catalog.nodes)[r.uniqueId] = entry;
  }
  return catalog;
}

export function writeCatalog(targetDir: string, catalog: Catalog): void {
  writeJson(join(targetDir, 'catalog.json'), catalog, false);
}

// DuckDB resolves names without regard to case, so a model named Orders is the table orders. A NUL
// joins the parts: names may hold dots, so schema "a.b" table "c" must not meet schema "a" table "b.c".
function relationKey(schema: string, name: string): string {
  return `${schema.toLowerCase()}\0${name.toLowerCase()}`;
}

async function warehouseRelations(connection: DuckDBConnection): Promise<Map<string, WarehouseRelation>> {
  const out = new Map<string, WarehouseRelation>();
  const tables = await connection.runAndReadAll(
    `SELECT table_catalog, table_schema, table_name, table_type FROM information_schema.tables WHERE table_catalog = current_database()`,
  );
  for (const [database, schema, name, type] of tables.getRowsJS() as [string, string, string, string][]) {
    out.set(relationKey(schema, name), { database, schema, name, type: type === 'VIEW' ? 'VIEW' : 'BASE TABLE', columns: [] });
  }
  const columns = await connection.runAndReadAll(
    `SELECT table_schema, table_name, column_name, data_type, ordinal_position FROM information_schema.columns WHERE table_catalog = current_database() ORDER BY table_schema, table_name, ordinal_position`,
  );
  for (const [schema, table, name, type, index] of columns.getRowsJS() as [string, string, string, string, number | bigint][]) {
    out.get(relationKey(schema, table))?.columns.push({ type, index: Number(index), name, comment: null });
  }
  return out;
}
