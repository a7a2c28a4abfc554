import { afterEach, describe, expect, it } from 'vitest';
import { attachChangesDatabase, type ChangeLog } from '../materializations/changed-rows.js';
import { extractTables } from './run-extract.js';
import type { PostgrestServer } from './postgrest-server.js';
import { count, FAST_RETRY, newLog, openDb, rawSnapshot, sourceSnapshot, startServer, tableConfig, ts } from './test-support/harness.js';

let cleanup: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const f of cleanup.reverse()) await f();
  cleanup = [];
});

async function setup(maxRows = 1000) {
  const { server, creds } = await startServer(maxRows);
  const db = await openDb();
  cleanup.push(() => server.close(), () => db.close());
  return { server, creds, conn: db.conn };
}

function addEvents(server: PostgrestServer, from: number, n: number, at: (i: number) => string) {
  for (let i = from; i < from + n; i++) server.table('events').upsert({ id: i, created_at: at(i), kind: i % 3 === 0 ? 'upload' : 'view', n: i % 7, props: { i, tags: ['a', i % 2] } });
}

describe('landing', () => {
  it('pages by keyset: many rows sharing a created_at across page edges are neither skipped nor repeated, under a max-rows cap', async () => {
    const { server, creds, conn } = await setup(70);
    // 1,000 rows over only 9 distinct timestamps: every page edge falls inside a tie.
    addEvents(server, 1, 1000, (i) => ts(Math.floor(i / 111)));
    const log = newLog();
    const [r] = await extractTables(conn, [tableConfig('events', { pageSize: 100 })], log, { credentials: creds, retry: FAST_RETRY });
    expect(r!.status).toBe('success');
    expect(r!.rowsAffected).toBe(1000);
    expect(await rawSnapshot(conn, server, 'events')).toEqual(sourceSnapshot(server, 'events'));
    expect(await count(conn, `SELECT count(*) FROM (SELECT id FROM raw.events GROUP BY id HAVING count(*) > 1)`)).toBe(0);
    expect(log.lines).toEqual([`Extracting 1 table from Supabase at ${creds.url}`, 'raw.events: +1,000 new rows (first load) in N.Ns']);
    // JSON lands as DuckDB JSON.
    expect(await count(conn, `SELECT count(*) FROM duckdb_columns() WHERE table_name = 'events' AND column_name = 'props' AND data_type = 'JSON'`)).toBe(1);
  });

  it('re-reads the lookback window: late rows inside it land once, outside it are missed until a full refresh', async () => {
    const { server, creds, conn } = await setup();
    addEvents(server, 1, 300, (i) => ts(i * 60));
    const t = tableConfig('events', { lookbackMs: 3_600_000 });
    await extractTables(conn, [t], newLog(), { credentials: creds, retry: FAST_RETRY });
    // Late: 30 minutes before the watermark (inside) and 3 hours before (outside the 1 h lookback).
    server.table('events').upsert({ id: 1001, created_at: ts(300 * 60 - 1800), kind: 'late', n: 1, props: {} });
    server.table('events').upsert({ id: 1002, created_at: ts(300 * 60 - 3 * 3600), kind: 'too-late', n: 1, props: {} });
    addEvents(server, 301, 20, (i) => ts(i * 60));
    const log = newLog();
    const [r] = await extractTables(conn, [t], log, { credentials: creds, retry: FAST_RETRY });
    expect(r!.rowsAffected).toBe(21);
    expect(log.lines[1]).toBe('raw.events: +21 new rows in N.Ns');
    expect(await count(conn, 'SELECT count(*) FROM raw.events')).toBe(321);
    expect(await count(conn, 'SELECT count(*) FROM raw.events WHERE id = 1002')).toBe(0);
    // Rerunning changes nothing.
    const againLog = newLog();
    const [again] = await extractTables(conn, [t], againLog, { credentials: creds, retry: FAST_RETRY });
    expect(again!.rowsAffected).toBe(0);
    expect(againLog.lines[1]).toBe('raw.events: +0 new rows in N.Ns');
    const fullLog = newLog();
    const [full] = await extractTables(conn, [t], fullLog, { credentials: creds, retry: FAST_RETRY, fullRefresh: true });
    expect(full!.status).toBe('success');
    expect(fullLog.lines[1]).toBe('raw.events: 322 rows reloaded (full refresh) in N.Ns');
    expect(await rawSnapshot(conn, server, 'events')).toEqual(sourceSnapshot(server, 'events'));
  });

  it('keeps the keys it landed when asked: the changed rows are every raw row with such a key, an old duplicate too', async () => {
    const { server, creds, conn } = await setup();
    for (const sql of attachChangesDatabase(['raw'])) await conn.run(sql);
    addEvents(server, 1, 300, (i) => ts(i * 60));
    const t = tableConfig('events');
    const changes: ChangeLog = new Map();
    const [first] = await extractTables(conn, [t], newLog(), { credentials: creds, retry: FAST_RETRY, changes });
    // A first load has no "rest of the table": nothing to narrow to.
    expect(changes.size).toBe(0);
    expect(first!.tableRows).toBe(300);

    // Id 5 again, created long after the watermark: append lands it beside the old row. The hour of
    // lookback is read again (60 rows, one a minute): their keys count as landed, though nothing changed.
    server.table('events').upsert({ id: 5, created_at: ts(400 * 60), kind: 'again', n: 1, props: {} });
    addEvents(server, 301, 10, (i) => ts(i * 60));
    const [second] = await extractTables(conn, [t], newLog(), { credentials: creds, retry: FAST_RETRY, changes });
    const change = changes.get(t.uniqueId)!;
    expect({ how: change.how, rows: change.rows, before: change.rowsBefore, after: change.rowsAfter, keys: change.uniqueKeys }).toEqual({ how: 'landed', rows: 72, before: 300, after: 311, keys: [] });
    expect(second!.tableRows).toBe(311);
    expect(await count(conn, `SELECT count(*) FROM ${change.relation} c`)).toBe(73);
    expect(await count(conn, `SELECT count(*) FROM ${change.relation} c WHERE id = 5`)).toBe(2);
    // A row without a key matches no landed key: it is always among the rows checked.
    await conn.run(`INSERT INTO raw.events (id, created_at, kind) VALUES (NULL, now(), 'keyless')`);
    expect(await count(conn, `SELECT count(*) FROM ${change.relation} c WHERE id IS NULL`)).toBe(1);
  });

  it('reports the rows the raw table holds, not the rows it wrote, when a row updated while paging lands twice', async () => {
    const { server, creds, conn } = await setup(2);
    const jobs = server.table('jobs');
    const id = (i: number) => `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`;
    for (let i = 1; i <= 6; i++) jobs.upsert({ id: id(i), updated_at: ts(i), status: 'queued', bytes: i });
    const t = tableConfig('jobs');
    for (const fullRefresh of [false, true]) {
      let moved = false;
      // Job 1 moves on after the first page landed: it comes back past the cursor, deleted and inserted again.
      const afterPage = () => void (moved || ((moved = true), jobs.update(id(1), { updated_at: ts(100), status: 'running' })));
      const [r] = await extractTables(conn, [t], newLog(), { credentials: creds, retry: FAST_RETRY, batchRows: 1, fullRefresh, afterPage });
      expect({ written: r!.rowsAffected, tableRows: r!.tableRows }).toEqual({ written: 7, tableRows: 6 });
      expect(await count(conn, 'SELECT count(*) FROM raw.jobs')).toBe(6);
      jobs.update(id(1), { updated_at: ts(1), status: 'queued' });
    }
  });

  it('upserts mutable rows by key (latest wins) and picks up deletes on --full-refresh', async () => {
    const { server, creds, conn } = await setup();
    const jobs = server.table('jobs');
    for (let i = 0; i < 250; i++) jobs.upsert({ id: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`, updated_at: ts(i), status: 'queued', bytes: i });
    const t = tableConfig('jobs');
    await extractTables(conn, [t], newLog(), { credentials: creds, retry: FAST_RETRY });
    for (let i = 0; i < 250; i += 5) jobs.update(`00000000-0000-4000-8000-${String(i).padStart(12, '0')}`, { updated_at: ts(1000 + i), status: 'succeeded', bytes: i * 10 });
    jobs.upsert({ id: '00000000-0000-4000-8000-000000001000', updated_at: ts(2000), status: 'queued', bytes: 1 });
    const log = newLog();
    const [r] = await extractTables(conn, [t], log, { credentials: creds, retry: FAST_RETRY });
    expect(r!.status).toBe('success');
    // The whole table is inside the hour of lookback: every old row is read again and written over itself.
    expect(log.lines[1]).toBe('raw.jobs: +1 new row, 250 rewritten in N.Ns');
    expect({ written: r!.rowsAffected, tableRows: r!.tableRows }).toEqual({ written: 251, tableRows: 251 });
    expect(await rawSnapshot(conn, server, 'jobs')).toEqual(sourceSnapshot(server, 'jobs'));
    jobs.delete('00000000-0000-4000-8000-000000000001');
    await extractTables(conn, [t], newLog(), { credentials: creds, retry: FAST_RETRY, fullRefresh: true });
    expect(await rawSnapshot(conn, server, 'jobs')).toEqual(sourceSnapshot(server, 'jobs'));
    expect(await count(conn, `SELECT count(*) FROM modelrun.extract_state WHERE table_name = 'jobs' AND last_full_refresh IS NOT NULL`)).toBe(1);
  });

  it('adds a new source column to the raw table and reports it; widens a type change; fails clearly on a narrowing', async () => {
    const { server, creds, conn } = await setup();
    addEvents(server, 1, 50, (i) => ts(i));
    const t = tableConfig('events');
    await extractTables(conn, [t], newLog(), { credentials: creds, retry: FAST_RETRY });
    server.table('events').addColumn('country', 'text', (r) => (Number(r.id) % 2 ? 'DE' : null));
    server.table('events').columns.set('n', 'bigint');
    addEvents(server, 51, 10, (i) => ts(i));
    for (let i = 51; i < 61; i++) server.table('events').update(i, { country: 'FR', n: 2 ** 40 + i });
    const log = newLog();
    for (const sql of attachChangesDatabase(['raw'])) await conn.run(sql);
    const changes: ChangeLog = new Map();
    const [r] = await extractTables(conn, [t], log, { credentials: creds, retry: FAST_RETRY, changes });
    expect(r!.status).toBe('success');
    // Widening rewrote every row, not just the landed ones: no "changed rows" to narrow tests to.
    expect(changes.size).toBe(0);
    expect(log.lines.join('\n')).toMatch(/schema drift: new column country VARCHAR/);
    expect(log.lines.join('\n')).toMatch(/schema drift: column n widened from INTEGER to BIGINT/);
    expect(await count(conn, `SELECT count(*) FROM raw.events WHERE country = 'FR'`)).toBe(10);
    // Old rows keep NULL until re-read; a full refresh brings every value.
    await extractTables(conn, [t], newLog(), { credentials: creds, retry: FAST_RETRY, fullRefresh: true });
    expect(await rawSnapshot(conn, server, 'events')).toEqual(sourceSnapshot(server, 'events'));
    server.table('events').columns.set('props', 'integer');
    const [bad] = await extractTables(conn, [t], newLog(), { credentials: creds, retry: FAST_RETRY });
    expect(bad!.status).toBe('error');
    expect(bad!.message).toMatch(/column "props" changed type: .*INTEGER.*JSON — run with --full-refresh/);
  });

  it('stops at once on 401 without printing the key; names a missing table and an unreachable URL in one line', async () => {
    const { server, creds, conn } = await setup();
    addEvents(server, 1, 10, (i) => ts(i));
    const wrong = { ...creds, key: 'sb_secret_WRONG_KEY_abcdef' };
    const log = newLog();
    const results = await extractTables(conn, [tableConfig('events'), tableConfig('jobs')], log, { credentials: wrong, retry: FAST_RETRY });
    expect(results[0]!.message).toBe('Supabase rejected the service key (401) — check SUPABASE_SERVICE_ROLE_KEY');
    expect(results[1]!.status).toBe('skipped');
    // The table not tried gets a line too, with the reason.
    expect(log.lines).toEqual([
      `Extracting 2 tables from Supabase at ${creds.url}`,
      'raw.events: ERROR Supabase rejected the service key (401) — check SUPABASE_SERVICE_ROLE_KEY',
      'raw.jobs: SKIP, not tried: Supabase rejected the service key (401) — check SUPABASE_SERVICE_ROLE_KEY',
    ]);
    expect(server.requests).toBe(2); // the OpenAPI description, then the first page: no retries
    expect(JSON.stringify([results, log.lines])).not.toContain('WRONG_KEY');
    const [missing] = await extractTables(conn, [tableConfig('events', { remoteName: 'evnts' })], newLog(), { credentials: creds, retry: FAST_RETRY });
    expect(missing!.message).toMatch(/^table "evnts" was not found in Supabase \(404 PGRST205\)/);
    const closed = await startServer();
    await closed.server.close(); // a port nobody listens on any more
    const [down] = await extractTables(conn, [tableConfig('events')], newLog(), { credentials: closed.creds, retry: FAST_RETRY });
    expect(down!.message).toMatch(/cannot reach Supabase \(ECONNREFUSED\) — check SUPABASE_URL/);
    const state = await conn.runAndReadAll('SELECT * FROM modelrun.extract_state');
    expect(JSON.stringify(state.getRowsJS(), (_k, v) => (typeof v === 'bigint' ? String(v) : v))).not.toContain(creds.key);
  });
  it('fetches only the `select` columns and `filter` rows, and does a full refresh when `full_refresh_every` is due', async () => {
    const { server, creds, conn } = await setup();
    addEvents(server, 1, 90, (i) => ts(i));
    const t = tableConfig('events', { select: ['id', 'created_at', 'kind'], filters: [{ column: 'kind', op: 'neq', value: 'upload' }], fullRefreshEveryMs: 7 * 86_400_000 });
    const now = new Date('2026-10-02T00:00:00Z');
    await extractTables(conn, [t], newLog(), { credentials: creds, retry: FAST_RETRY, now });
    expect(await count(conn, `SELECT count(*) FROM duckdb_columns() WHERE table_name = 'events'`)).toBe(3);
    expect(await count(conn, 'SELECT count(*) FROM raw.events')).toBe(60);
    server.table('events').delete(1);
    const log = newLog();
    await extractTables(conn, [t], log, { credentials: creds, retry: FAST_RETRY, now: new Date('2026-10-05T00:00:00Z') });
    expect(log.lines[1]).toBe('raw.events: +0 new rows in N.Ns');
    expect(await count(conn, 'SELECT count(*) FROM raw.events WHERE id = 1')).toBe(1);
    const due = newLog();
    await extractTables(conn, [t], due, { credentials: creds, retry: FAST_RETRY, now: new Date('2026-10-10T00:00:00Z') });
    expect(due.lines[1]).toBe('raw.events: 59 rows reloaded (full refresh) in N.Ns');
    expect(await count(conn, 'SELECT count(*) FROM raw.events WHERE id = 1')).toBe(0);
  });
});
