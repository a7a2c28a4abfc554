import { existsSync } from 'node:fs';
import type { DuckDBConnection } from '@duckdb/node-api';
import type { DuckDBWarehouse } from '../adapters/duckdb/warehouse.js';
import { readCatalog, type Catalog, type CatalogRelation } from '../artifacts/catalog.js';
import type { Target } from '../config/profiles.js';
import { UserError } from '../util/diagnostics.js';
import type { Manifest } from './artifacts.js';
import type { WarehouseState } from './site-data.js';

export interface OpenCatalog {
  warehouse: WarehouseState;
  catalog?: Catalog;
  /** The read-only connection (null without a warehouse file), for the dashboard; close() releases it. */
  connection: DuckDBConnection | null;
  close(): void;
}

/**
 * Opens the warehouse read-only, when there is a file, and reads the catalog of the manifest's
 * relations. A missing or locked warehouse is not an error: the site says so and shows YAML columns.
 */
export async function openCatalog(target: Target, display: string, manifest: Manifest, generatedAt: string): Promise<OpenCatalog> {
  if (target.path.startsWith(':memory:') || !existsSync(target.path)) return { warehouse: { state: 'missing', display }, connection: null, close: () => undefined };
  let warehouse: DuckDBWarehouse;
  try {
    // DuckDB loads only when there is a warehouse to read.
    const { openWarehouse } = await import('../adapters/duckdb/open.js');
    warehouse = await openWarehouse(target, display, 'read');
  } catch (e) {
    if (!(e instanceof UserError)) throw e;
    return { warehouse: { state: 'unavailable', display, reason: e.diagnostics[0]?.message ?? e.message }, connection: null, close: () => undefined };
  }
  const connection = await warehouse.connect();
  const catalog = await readCatalog(connection, catalogRelations(manifest), generatedAt);
  return {
    warehouse: { state: 'read', display },
    catalog,
    connection,
    close: () => {
      connection.closeSync();
      warehouse.close();
    },
  };
}

function catalogRelations(manifest: Manifest): CatalogRelation[] {
  return [...Object.values(manifest.nodes), ...Object.values(manifest.sources)]
    .filter((n) => n.relation_name !== null && n.resource_type !== 'test')
    .map((n) => ({ uniqueId: n.unique_id, resourceType: n.resource_type, schema: n.schema, identifier: n.identifier ?? n.alias ?? n.name }));
}
