import { Worker } from 'node:worker_threads';
import type { Target } from '../../config/profiles.js';
import { UserError, type Diagnostic } from '../../util/diagnostics.js';
import { WorkerCalls } from '../../util/worker-calls.js';
import type { Warehouse } from '../adapter.js';

export type CheckRequest = { id: number; op: 'relations' } | { id: number; op: 'parse'; sql: string } | { id: number; op: 'close' };
export type CheckReply = { id: number; result?: unknown; diagnostics?: Diagnostic[]; message?: string };

/**
 * What compiling asks of the warehouse (its relations and DuckDB's parser), answered by a worker
 * thread opened read-only at the first request. The worker starts loading DuckDB (~150 ms) as
 * soon as this is created, on the second core, while the project is being loaded and rendered.
 */
export class SqlChecker implements Pick<Warehouse, 'relations' | 'parse'> {
  private readonly worker: Worker;
  private readonly calls: WorkerCalls<CheckReply>;

  constructor(target: Target, display: string) {
    this.worker = new Worker(new URL('./sql-check-worker.js', import.meta.url), { workerData: { target, display } });
    this.calls = new WorkerCalls(this.worker);
  }

  relations(): ReturnType<Warehouse['relations']> {
    return this.request((id) => ({ id, op: 'relations' })) as ReturnType<Warehouse['relations']>;
  }

  parse(sql: string): ReturnType<Warehouse['parse']> {
    return this.request((id) => ({ id, op: 'parse', sql })) as ReturnType<Warehouse['parse']>;
  }

  /**
   * Closes the warehouse and waits for the worker to end: a process that exits while DuckDB is
   * open in a worker aborts in DuckDB's native teardown.
   */
  async close(): Promise<void> {
    // The worker ends on it without replying: the id is never read.
    this.worker.postMessage({ id: -1, op: 'close' } satisfies CheckRequest);
    await this.calls.exited;
  }

  private async request(make: (id: number) => CheckRequest): Promise<unknown> {
    const reply = await this.calls.call(make);
    if (reply.diagnostics) throw new UserError(reply.diagnostics);
    if (reply.message !== undefined) throw new Error(reply.message);
    return reply.result;
  }
}
