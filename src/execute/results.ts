import type { LandedCounts } from '../extract/landed-counts.js';

/** The outcome of one node, as run_results.json and the reporters see it. */
export type NodeStatus = 'success' | 'error' | 'skipped' | 'pass' | 'warn' | 'fail';

export interface NodeResult {
  uniqueId: string;
  status: NodeStatus;
  /** The bracketed word on the console: OK, ERROR, SKIP, INSERT 3, PASS, FAIL 3, ... */
  statusText: string;
  message: string;
  /** A warning about a node that built: see Outcome.note. */
  note?: string;
  startedAt: string;
  completedAt: string;
  executionTime: number;
  thread: number;
  rowsAffected?: number;
  failures?: number;
  /** For errors: where in the project the problem is. */
  file?: string;
  line?: number;
  compiledPath?: string;
  /** Tests: a few failing rows, and where store_failures kept them all. */
  samples?: Record<string, unknown>[];
  storedIn?: string;
  /** Tests narrowed to the rows this run wrote: which ("89 merged rows"). */
  checked?: string;
  /** Landing a source table: its row count afterwards. */
  tableRows?: number;
  /** Landing a source table: the rows it added, rewrote or reloaded, for the summary line. */
  landed?: LandedCounts;
  /** Landing a source table, as opposed to checking its freshness (both are reported under the source's id). */
  phase?: 'extract';
}

export function isFailure(r: NodeResult): boolean {
  return r.status === 'error' || r.status === 'fail';
}

/** A node that did not run: SKIP, with why. */
export function skippedResult(uniqueId: string, message: string): NodeResult {
  const now = new Date().toISOString();
  return { uniqueId, status: 'skipped', statusText: 'SKIP', message, startedAt: now, completedAt: now, executionTime: 0, thread: 0 };
}
