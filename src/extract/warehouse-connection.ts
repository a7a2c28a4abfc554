import type { DuckDBConnection } from '@duckdb/node-api';
import type { DuckDBWarehouse } from '../adapters/duckdb/warehouse.js';

/** A raw connection for the appender. */
export function warehouseConnection(warehouse: DuckDBWarehouse): Promise<DuckDBConnection> {
  return warehouse.connect();
}
