import { once } from 'node:events';
import { Worker } from 'node:worker_threads';
import type { Target } from '../../config/profiles.js';
import { UserError, type Diagnostic } from '../../util/diagnostics.js';
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
  private readonly pending = new Map<number, { resolve: (value: unknown) => void; reject: (e: Error) => void }>();
  private nextId = 0;
  /** Settles when the worker ends, whether closed or failed (a failure rejects the pending requests instead). */
  private readonly exited: Promise<void>;

  constructor(target: Target, display: string) {
    this.worker = new Worker(new URL('./sql-check-worker.js', import.meta.url), { workerData: { target, display } });
    this.worker.on('message', (reply: CheckReply) => this.settle(reply));
    this.worker.on('error', (e) => this.failAll(e));
    this.exited = once(this.worker, 'exit').then(
      () => undefined,
      () => undefined,
    );
  }

  relations(): ReturnType<Warehouse['relations']> {
    return this.request({ id: this.nextId++, op: 'relations' }) as ReturnType<Warehouse['relations']>;
  }

  parse(sql: string): ReturnType<Warehouse['parse']> {
    return this.request({ id: this.nextId++, op: 'parse', sql }) as ReturnType<Warehouse['parse']>;
  }

  /**
   * Closes the warehouse and waits for the worker to end: a process that exits while DuckDB is
   * open in a worker aborts in DuckDB's native teardown.
   */
  async close(): Promise<void> {
    this.worker.postMessage({ id: this.nextId++, op: 'close' } satisfies CheckRequest);
    await this.exited;
  }

  private request(request: CheckRequest): Promise<unknown> {
    return new Promise((resolve, reject) => {
      this.pending.set(request.id, { resolve, reject });
      this.worker.postMessage(request);
    });
  }

  private settle(reply: CheckReply): void {
    const waiter = this.pending.get(reply.id)!;
    this.pending.delete(reply.id);
    if (reply.diagnostics) waiter.reject(new UserError(reply.diagnostics));
    else if (reply.message !== undefined) waiter.reject(new Error(reply.message));
    else waiter.resolve(reply.result);
  }

  private failAll(e: Error): void {
    for (const waiter of this.pending.values()) waiter.reject(e);
    this.pending.clear();
  }
}
