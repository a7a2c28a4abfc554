import { Worker } from 'node:worker_threads';
import { WorkerCalls } from '../util/worker-calls.js';
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
  private readonly calls?: WorkerCalls<WriterReply>;
  private readonly dirs = new Map<string, 'created' | 'existing'>();
  private batch: [string, string][] = [];
  private readonly done: Promise<void>[] = [];

  constructor(expectedFiles: number) {
    if (expectedFiles < WORKER_FROM) return;
    this.worker = new Worker(new URL('./file-writer-worker.js', import.meta.url));
    this.calls = new WorkerCalls(this.worker);
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
      await this.calls!.exited;
    }
  }

  private send(): void {
    const files = this.batch;
    this.batch = [];
    const written = this.calls!.call((id) => ({ id, files }) satisfies WriterRequest).then((reply) => {
      if (reply.message !== undefined) throw new Error(reply.message);
    });
    // close() awaits it; until then a failure must not count as unhandled.
    written.catch(() => undefined);
    this.done.push(written);
  }
}
