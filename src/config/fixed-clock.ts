import { error, type Diagnostic } from '../util/diagnostics.js';

/** MODELRUN_NOW, when set, must be an ISO 8601 instant: checked before anything runs, not found by the first query that reads the clock. */
export function checkFixedClock(env: Readonly<Record<string, string | undefined>> = process.env): Diagnostic | undefined {
  const fixed = env.MODELRUN_NOW;
  if (!fixed || (/^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?)?(Z|[+-]\d{2}(:?\d{2})?)?$/.test(fixed) && !Number.isNaN(Date.parse(fixed)))) return undefined;
  return error(`MODELRUN_NOW=${JSON.stringify(fixed)} is not a timestamp — set an ISO 8601 instant such as 2026-10-31T11:00:00Z, or unset it to use the clock`);
}
