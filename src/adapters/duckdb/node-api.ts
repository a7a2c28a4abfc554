import { createRequire } from 'node:module';
import type * as NodeApi from '@duckdb/node-api';

/**
 * @duckdb/node-api, loaded with require(). It is CommonJS, and an ESM import of it makes Node scan
 * every file it re-exports for export names first: about 50 ms of each command that opens a warehouse.
 */
export const duckdbApi: typeof NodeApi = createRequire(import.meta.url)('@duckdb/node-api');
