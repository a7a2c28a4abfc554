import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Fault } from './postgrest-server.js';
import { Prng } from './prng.js';
import { extractTables } from './run-extract.js';
import { runChild } from './test-support/child.js';
import { count, FAST_RETRY, newLog, openDb, rawSnapshot, sourceSnapshot, startServer, tableConfig, ts } from './test-support/harness.js';

const dir = mkdtempSync(join(tmpdir(), 'modelrun-extract-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const uuid = (i: number) => `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`;

describe('crash recovery', () => {
  it('kill -9 in the middle of a run, then a rerun, lands exactly the source rows', async () => {
    const { server, creds } = await startServer();
    try {
      // 3,000 rows over 300 timestamps (ties at every page edge); each page is slowed a little.
      for (let i = 1; i <= 3000; i++) server.table('events').upsert({ id: i, created_at: ts(Math.floor(i / 10)), kind: 'view', n: i, props: { i } });
      server.faultHook = () => ({ delayMs: 15 });
      const dbPath = join(dir, 'kill.duckdb');
      const tables = [tableConfig('events')];
      const killed = await runChild({ dbPath, creds, tables, retry: FAST_RETRY, batchRows: 100 }, { afterPages: 5, delayMs: 7 });
      expect(killed.outcome).toBe('killed');
      const db = await openDb(dbPath);
      const landed = await count(db.conn, 'SELECT count(*) FROM raw.events');
      expect(landed).toBeGreaterThanOrEqual(500);
      expect(landed).toBeLessThan(3000);
      // What landed matches the watermark: no page is half in.
      expect(landed % 100).toBe(0);
      db.close();
      const rerun = await runChild({ dbPath, creds, tables, retry: FAST_RETRY });
      expect(rerun.outcome, rerun.output).toBe(0);
      const after = await openDb(dbPath);
      expect(await rawSnapshot(after.conn, server, 'events')).toEqual(sourceSnapshot(server, 'events'));
      after.close();
    } finally {
      await server.close();
    }
  }, 30_000);

  // The timeout guards against a hang, it is not a timing check: 35 s alone, up to 99 s beside other
  // test files on two busy cores.
  it('stays exactly-once over 32 randomised runs mixing faults, mutations, kills and full refreshes', async () => {
    const { server, creds } = await startServer(150);
    const rng = new Prng(42);
    const dbPath = join(dir, 'random.duckdb');
    const tables = [tableConfig('events', { pageSize: 200 }), tableConfig('jobs', { pageSize: 80 })];
    const events = server.table('events');
    const jobs = server.table('jobs');
    let nextEvent = 1;
    let nextJob = 1;
    let clock = 0; // seconds after the base; mutations move it forward
    let columnsAdded = 0;
    const faults: Fault[] = [{ status: 500 }, { status: 503 }, { status: 429, retryAfter: '0' }, { status: 408 }, { reset: 'before-headers' }, { reset: 'mid-body' }, { truncate: true }, { delayMs: 250 }];
    const retry = { ...FAST_RETRY, timeoutMs: 150 };
    const summary = { kills: 0, faults: 0, fullRefreshes: 0, lateRows: 0, updates: 0, deletes: 0 };
    try {
      for (let run = 0; run < 32; run++) {
        // Mutations: new events (many sharing a second), late events inside the 1 h lookback, job inserts and status updates.
        const newEvents = rng.int(0, 400);
        for (let i = 0; i < newEvents; i++) {
          const late = rng.chance(0.05);
          if (late) summary.lateRows++;
          events.upsert({ id: nextEvent++, created_at: ts(late ? clock - rng.int(1, 1800) : clock + Math.floor(i / 7)), kind: rng.pick(['view', 'upload', 'download']), n: rng.int(0, 9), props: { run, late } });
        }
        clock += Math.ceil(newEvents / 7) + 1;
        for (let i = rng.int(0, 60); i > 0; i--) jobs.upsert({ id: uuid(nextJob++), updated_at: ts(clock + rng.int(0, 3)), status: 'queued', bytes: rng.int(1, 1e6) });
        for (let i = rng.int(0, 40); i > 0 && nextJob > 1; i--) {
          const id = uuid(rng.int(1, nextJob - 1));
          if (!jobs.get(id)) continue;
          jobs.update(id, { updated_at: ts(clock + rng.int(0, 3)), status: rng.pick(['running', 'succeeded', 'failed']) });
          summary.updates++;
        }
        // Twenty minutes a run: the 1 h lookback spans about three runs.
        clock += 1200;
        if (run === 8 || run === 20) {
          events.addColumn(`extra_${++columnsAdded}`, columnsAdded === 1 ? 'text' : 'bigint', () => null);
          // Only new rows carry values: old ones keep NULL in the source too, so raw == source holds.
          for (let i = 0; i < 5; i++) events.upsert({ id: nextEvent++, created_at: ts(clock), kind: 'view', n: 1, props: {}, [`extra_${columnsAdded}`]: columnsAdded === 1 ? 'x' : 7 });
          clock++;
        }
        const fullRefresh = rng.chance(0.12);
        if (fullRefresh && nextJob > 1) {
          jobs.delete(uuid(rng.int(1, nextJob - 1)));
          summary.deletes++;
          summary.fullRefreshes++;
        }
        const faultRate = rng.chance(0.5) ? 0.15 : 0;
        server.faultHook = () => {
          if (!rng.chance(faultRate)) return undefined;
          summary.faults++;
          return rng.pick(faults);
        };
        const t0 = performance.now();
        const batchRows = rng.pick([1, 150, 400, 10_000]);
        if (rng.chance(0.4)) {
          const r = await runChild({ dbPath, creds, tables, retry, fullRefresh, batchRows }, { afterPages: rng.int(0, 3), delayMs: rng.int(0, 25) });
          if (r.outcome === 'killed') summary.kills++;
          else expect(r.outcome, r.output).toBe(0);
        }
        const t1 = performance.now();
        // The run that must complete (faults still on): in this process.
        const db = await openDb(dbPath);
        try {
          const results = await extractTables(db.conn, tables, newLog(), { credentials: creds, retry: { ...retry, maxAttempts: 12 }, fullRefresh, batchRows });
          if (process.env.DEBUG_EXTRACT) console.log(run, Math.round(t1 - t0), Math.round(performance.now() - t1), results.map((r) => r.message).join(' | '));
          for (const r of results) expect(r.status, `run ${run}: ${r.message}`).toBe('success');
          expect(await rawSnapshot(db.conn, server, 'events'), `run ${run} events`).toEqual(sourceSnapshot(server, 'events'));
          expect(await rawSnapshot(db.conn, server, 'jobs'), `run ${run} jobs`).toEqual(sourceSnapshot(server, 'jobs'));
        } finally {
          db.close();
        }
      }
      console.log('randomised runs:', JSON.stringify(summary));
      expect(summary.kills).toBeGreaterThanOrEqual(5);
      expect(summary.faults).toBeGreaterThanOrEqual(10);
      expect(columnsAdded).toBeGreaterThanOrEqual(1);
    } finally {
      await server.close();
    }
  }, 240_000);
});
