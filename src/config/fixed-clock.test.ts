import { DuckDBInstance } from '@duckdb/node-api';
import { describe, expect, it } from 'vitest';
import { checkFixedClock } from './fixed-clock.js';

const ACCEPTED = ['2026-10-31', '2026-10-31T11:00:00Z', '2026-10-31 11:00:00+00', '2026-10-31T11:00:00.123456Z', '2026-10-31T11:00:00+05', '2026-10-31T11:00:00+0530', '2026-10-31T11:00:00-05:30', '2024-02-29T00:00:00Z', '2000-02-29'];
const REJECTED = ['yesterday', '2026-02-30T00:00:00Z', '2026-04-31', '2100-02-29', '2026-10-31T11:00Z', '2026-10-31T11', '2026-10-31T24:00:00Z', '2026-10-31T23:59:60Z', '2026-13-01', '2026-10-31T11:00:00+16', '26-10-31'];

describe('MODELRUN_NOW', () => {
  it('accepts ISO instants on real calendar days, each of which DuckDB reads as a TIMESTAMPTZ', async () => {
    const instance = await DuckDBInstance.create(':memory:');
    const conn = await instance.connect();
    try {
      for (const now of ACCEPTED) {
        expect(checkFixedClock({ MODELRUN_NOW: now }), now).toBeUndefined();
        await conn.run(`SELECT '${now}'::TIMESTAMPTZ`);
      }
    } finally {
      conn.closeSync();
      instance.closeSync();
    }
    expect(checkFixedClock({})).toBeUndefined();
  });

  it('rejects anything else with one error saying what to set', () => {
    for (const now of REJECTED) expect(checkFixedClock({ MODELRUN_NOW: now })?.message, now).toBe(`MODELRUN_NOW=${JSON.stringify(now)} is not a timestamp — set an ISO 8601 instant such as 2026-10-31T11:00:00Z, or unset it to use the clock`);
  });
});
