import { expect, it } from 'vitest';
import { SAMPLE_DEFAULTS } from '../extract/sample-data.js';
import { freshnessClock } from './freshness-clock.js';

const started = '2026-12-04T18:58:06.226Z';
const completed = '2026-12-04T18:58:06.229Z';

it("tells the check's own time from a fixed clock, and names the embedded sample's", () => {
  // DuckDB's now() is its transaction's start: a moment before the timing JavaScript took.
  expect(freshnessClock('2026-12-04T18:58:06.100Z', started, completed)).toBe('check');
  expect(freshnessClock('2026-10-31T11:00:00.000Z', started, completed)).toBe('fixed');
  expect(freshnessClock('2027-01-01T00:00:00.000Z', started, completed)).toBe('fixed');
  expect(freshnessClock(new Date(SAMPLE_DEFAULTS.end).toISOString(), started, completed)).toBe('sample');
});

it('says nothing when sources.json lacks the instant or the timing', () => {
  expect(freshnessClock(null, started, completed)).toBeNull();
  expect(freshnessClock('2026-10-31T11:00:00Z', null, completed)).toBeNull();
  expect(freshnessClock('2026-10-31T11:00:00Z', started, 'not a time')).toBeNull();
});
