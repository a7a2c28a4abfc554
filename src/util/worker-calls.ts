import { once } from 'node:events';
import type { Worker } from 'node:worker_threads';

/**
 * Requests to a worker thread that answers each one with a message carrying the request's id:
 * each call's promise resolves with its reply, or rejects when the worker fails.
 */
export class WorkerCalls<Reply extends { id: number }> {
  private readonly pending = new Map<number, { resolve: (reply: Reply) => void; reject: (e: Error) => void }>();
  private nextId = 0;
  /** Settles when the worker ends, whether closed or failed (a failure rejects the pending calls instead). */
  readonly exited: Promise<void>;

  constructor(private readonly worker: Worker) {
    worker.on('message', (reply: Reply) => {
      const waiter = this.pending.get(reply.id)!;
      this.pending.delete(reply.id);
      waiter.resolve(reply);
    });
    worker.on('error', (e) => {
      for (const waiter of this.pending.values()) waiter.reject(e);
      this.pending.clear();
    });
    const ignore = () => undefined;
    this.exited = once(worker, 'exit').then(ignore, ignore);
  }

  /** Posts the request `make` builds around a new id; resolves with the worker's reply to it. */
  call(make: (id: number) => unknown): Promise<Reply> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.worker.postMessage(make(id));
    });
  }
}
