import { parentPort, workerData } from 'node:worker_threads';
import type { Target } from '../../config/profiles.js';
import { UserError } from '../../util/diagnostics.js';
import { openWarehouse } from './open.js';
import type { DuckDBWarehouse } from './warehouse.js';
import type { CheckReply, CheckRequest } from './sql-checker.js';

// The worker side of SqlChecker: importing this module loads DuckDB; the warehouse opens at the first request.
const { target, display } = workerData as { target: Target; display: string };
let warehouse: Promise<DuckDBWarehouse> | undefined;

parentPort!.on('message', (request: CheckRequest) => {
  if (request.op === 'close') void close();
  else void answer(request).then((reply) => parentPort!.postMessage(reply));
});

async function answer(request: Exclude<CheckRequest, { op: 'close' }>): Promise<CheckReply> {
  try {
    warehouse ??= openWarehouse(target, display, 'read');
    const w = await warehouse;
    return { id: request.id, result: request.op === 'relations' ? await w.relations() : await w.parse(request.sql) };
  } catch (e) {
    return e instanceof UserError ? { id: request.id, diagnostics: e.diagnostics } : { id: request.id, message: e instanceof Error ? e.message : String(e) };
  }
}

/** Ends the worker once the warehouse is closed; one that failed to open has nothing to close. */
async function close(): Promise<void> {
  await warehouse?.then(
    (w) => w.close(),
    () => undefined,
  );
  parentPort!.close();
}
