import { once } from 'node:events';
import { Worker } from 'node:worker_threads';
import { writeIfChanged } from './write.js';

export type WriterRequest = { id: number; files: [file: string, text: string][] } | 'close';
export type WriterReply = { id: number; message?: string };

/** Files sent to the worker at once: few enough messages that posting costs little, enough of them that writing starts early. */
const BATCH = 500;
/** Below this many files, a worker costs more to start than the writes it would take over. */
const WORKER_FROM = 1000;

/**
 * Writes many small files (see writeIfChanged) on another thread: creating 10,000 compiled files
 * costs a cold compile's main thread a fifth of its time, which it spends on the manifest and
 * the build cache instead. A few files are written at once, on this thread.
 */
export class FileWriter {
  private readonly worker?: Worker;
  private readonly exited?: Promise<unknown>;
  private readonly dirs = new Map<string, 'created' | 'existing'>();
  private batch: [string, string][] = [];
  private readonly pending = new Map<number, { resolve: () => void; reject: (e: Error) => void }>();
  private readonly done: Promise<void>[] = [];
  private nextId = 0;

  constructor(expectedFiles: number) {
    if (expectedFiles < WORKER_FROM) return;
    this.worker = new Worker(new URL('./file-writer-worker.js', import.meta.url));
    const ignore = () => undefined;
    this.exited = once(this.worker, 'exit').then(ignore, ignore);
    this.worker.on('message', (reply: WriterReply) => {
      const waiter = this.pending.get(reply.id)!;
      this.pending.delete(reply.id);
      if (reply.message === undefined) waiter.resolve();
      else waiter.reject(new Error(reply.message));
    });
    this.worker.on('error', (e) => {
      for (const waiter of this.pending.values()) waiter.reject(e);
      this.pending.clear();
    });
  }

  add(file: string, text: string): void {
    if (!this.worker) return writeIfChanged(file, text, this.dirs);
    this.batch.push([file, text]);
    if (this.batch.length >= BATCH) this.send();
  }

  /** Waits until every file is written; fails with the first write that failed. */
  async close(): Promise<void> {
    if (!this.worker) return;
    if (this.batch.length > 0) this.send();
    try {
      await Promise.all(this.done);
    } finally {
      this.worker.postMessage('close' satisfies WriterRequest);
      await this.exited;
    }
  }

  private send(): void {
    const id = this.nextId++;
    const written = new Promise<void>((resolve, reject) => this.pending.set(id, { resolve, reject }));
    // close() awaits it; until then a failure must not count as unhandled.
    written.catch(() => undefined);
    this.done.push(written);
    this.worker!.postMessage({ id, files: this.batch } satisfies WriterRequest);
    this.batch = [];
  }
}
