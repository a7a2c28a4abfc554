import { createRequire } from 'node:module';
import { parentPort, workerData } from 'node:worker_threads';
import type * as Bindings from '@duckdb/node-bindings';
import type { Target } from '../../config/profiles.js';
import { UserError } from '../../util/diagnostics.js';
import type { Warehouse } from '../adapter.js';
import type { DuckDBWarehouse } from './warehouse.js';
import type { CheckReply, CheckRequest } from './sql-checker.js';

// The worker side of SqlChecker. Queries that parse are checked by DuckDB's C API straight
// through @duckdb/node-bindings, on an in-memory database: loading those costs a fraction of
// loading @duckdb/node-api, whose hundred modules only the rare requests need — the warehouse's
// relations and the position of a syntax error — so it is loaded, and the warehouse opened,
// only for them.
const { target, display } = workerData as { target: Target; display: string };
let warehouse: Promise<DuckDBWarehouse> | undefined;
// Opened now, while the main thread reads the project; should it fail, the warehouse parses and says why.
const parser = openParser().catch(() => undefined);

parentPort!.on('message', (request: CheckRequest) => {
  if (request.op === 'close') void close();
  else void answer(request).then((reply) => parentPort!.postMessage(reply));
});

async function answer(request: Exclude<CheckRequest, { op: 'close' }>): Promise<CheckReply> {
  try {
    if (request.op === 'parse') {
      const count = await (await parser)?.count(request.sql);
      if (count !== undefined && count > 0) return { id: request.id, result: { statements: count } satisfies Awaited<ReturnType<Warehouse['parse']>> };
    }
    const w = await openFull();
    return { id: request.id, result: request.op === 'relations' ? await w.relations() : await w.parse(request.sql) };
  } catch (e) {
    return e instanceof UserError ? { id: request.id, diagnostics: e.diagnostics } : { id: request.id, message: e instanceof Error ? e.message : String(e) };
  }
}

function openFull(): Promise<DuckDBWarehouse> {
  warehouse ??= import('./open.js').then(({ openWarehouse }) => openWarehouse(target, display, 'read'));
  return warehouse;
}

interface QuickParser {
  /** How many statements the SQL holds; 0 when it does not parse. */
  count(sql: string): Promise<number>;
  close(): void;
}

/**
 * DuckDB's parser without @duckdb/node-api; none for a target that loads extensions, which may
 * change the grammar: its queries are parsed by the warehouse itself.
 */
async function openParser(): Promise<QuickParser | undefined> {
  if (target.extensions.length > 0) return undefined;
  const duckdb = createRequire(createRequire(import.meta.url).resolve('@duckdb/node-api'))('@duckdb/node-bindings') as typeof Bindings;
  const config = duckdb.create_config();
  for (const [name, value] of Object.entries(target.settings)) duckdb.set_config(config, name, String(value));
  const db = await duckdb.open(':memory:', config);
  const connection = await duckdb.connect(db);
  return {
    count: async (sql) => (await duckdb.extract_statements(connection, sql)).statement_count,
    close: () => {
      duckdb.disconnect_sync(connection);
      duckdb.close_sync(db);
    },
  };
}

/** Ends the worker once DuckDB is closed; what failed to open has nothing to close. */
async function close(): Promise<void> {
  const ignore = () => undefined;
  await parser.then((p) => p?.close(), ignore);
  await warehouse?.then((w) => w.close(), ignore);
  parentPort!.close();
}
