import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { RetryPolicy } from '../retry-policy.js';
import type { Credentials } from '../supabase-client.js';
import type { ExtractTable } from '../table-config.js';

const CHILD = fileURLToPath(new URL('./extract-child.mjs', import.meta.url));

export interface ChildRun {
  /** 'killed' when SIGKILL ended it, else the exit code. */
  outcome: 'killed' | number;
  pages: number;
  output: string;
}

/**
 * Runs an extract in a child process; kills it with SIGKILL after `killAfterPages` committed pages
 * plus `killDelayMs` (so the kill can land mid-fetch, mid-append or mid-transaction), if given.
 */
export function runChild(args: { dbPath: string; creds: Credentials; tables: ExtractTable[]; retry?: Partial<RetryPolicy>; fullRefresh?: boolean; batchRows?: number }, kill?: { afterPages: number; delayMs: number }): Promise<ChildRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CHILD, JSON.stringify(args)], { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    let pages = 0;
    let killing = false;
    const guard = setTimeout(() => child.kill('SIGKILL'), 30_000);
    const maybeKill = () => {
      if (!kill || killing || pages < kill.afterPages) return;
      killing = true;
      setTimeout(() => child.kill('SIGKILL'), kill.delayMs);
    };
    if (kill && kill.afterPages === 0) maybeKill();
    child.stdout.on('data', (d: Buffer) => {
      output += d.toString();
      pages = (output.match(/^page /gm) ?? []).length;
      maybeKill();
    });
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      clearTimeout(guard);
      resolve({ outcome: signal === 'SIGKILL' ? 'killed' : (code ?? -1), pages, output });
    });
  });
}
