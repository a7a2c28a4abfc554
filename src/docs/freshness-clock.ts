import { SAMPLE_DEFAULTS } from '../extract/sample-data.js';

/**
 * The clock a freshness check measured ages at: the time of the check; a fixed one (MODELRUN_NOW);
 * or, a fixed one at the embedded sample's end, where `build` puts it when it lands the sample.
 */
export type FreshnessClock = 'check' | 'fixed' | 'sample';

/**
 * How far outside the check's own timing the measuring instant may be and still be the clock:
 * DuckDB's now() is its transaction's start, a little before the timing JavaScript takes.
 */
const SLACK_MS = 60_000;

/**
 * sources.json does not say which clock was used, but it gives both the measuring instant
 * (snapshotted_at) and when the check ran (its timing): a measuring instant outside the run is a
 * fixed clock. Null when either is missing.
 */
export function freshnessClock(snapshottedAt: string | null, startedAt: string | null, completedAt: string | null): FreshnessClock | null {
  const measured = instant(snapshottedAt);
  const started = instant(startedAt);
  const completed = instant(completedAt);
  if (Number.isNaN(measured) || Number.isNaN(started) || Number.isNaN(completed)) return null;
  if (measured >= started - SLACK_MS && measured <= completed + SLACK_MS) return 'check';
  return measured === Date.parse(SAMPLE_DEFAULTS.end) ? 'sample' : 'fixed';
}

function instant(iso: string | null): number {
  return iso === null ? NaN : Date.parse(iso);
}
