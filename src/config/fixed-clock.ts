import { error, type Diagnostic } from '../util/diagnostics.js';

const INSTANT = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2}):(\d{2})(?:\.\d+)?(?:Z|[+-](\d{2})(?::?(\d{2}))?)?)?$/;

/**
 * MODELRUN_NOW, when set, must be an ISO 8601 instant: checked before anything runs, not found by the
 * first query that reads the clock. What passes is a strict subset of what DuckDB reads as a
 * TIMESTAMPTZ (a date, or a date and time with seconds, in UTC or at an offset), real calendar days only.
 */
export function checkFixedClock(env: Readonly<Record<string, string | undefined>> = process.env): Diagnostic | undefined {
  const fixed = env.MODELRUN_NOW;
  if (!fixed || isInstant(fixed)) return undefined;
  return error(`MODELRUN_NOW=${JSON.stringify(fixed)} is not a timestamp — set an ISO 8601 instant such as 2026-10-31T11:00:00Z, or unset it to use the clock`);
}

function isInstant(text: string): boolean {
  const m = INSTANT.exec(text);
  if (!m) return false;
  const [year, month, day, hour = 0, minute = 0, second = 0, offsetHours = 0, offsetMinutes = 0] = m.slice(1).map((v) => (v === undefined ? undefined : Number(v)));
  // Leap years repeat every 400 years, so a year of the same place in that cycle has the same days.
  const daysInMonth = new Date(Date.UTC(2000 + (year! % 400), month!, 0)).getUTCDate();
  return month! >= 1 && month! <= 12 && day! >= 1 && day! <= daysInMonth && hour <= 23 && minute <= 59 && second <= 59 && offsetHours <= 15 && offsetMinutes <= 59;
}
