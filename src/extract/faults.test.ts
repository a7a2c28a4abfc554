import { afterEach, describe, expect, it } from 'vitest';
import type { Fault } from './postgrest-server.js';
import { extractTables } from './run-extract.js';
import { count, FAST_RETRY, newLog, openDb, rawSnapshot, sourceSnapshot, startServer, tableConfig, ts } from './test-support/harness.js';

let cleanup: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const f of cleanup.reverse()) await f();
  cleanup = [];
});

async function setup(rows = 500) {
  const { server, creds } = await startServer();
  const db = await openDb();
  cleanup.push(() => server.close(), () => db.close());
  for (let i = 1; i <= rows; i++) server.table('events').upsert({ id: i, created_at: ts(i), kind: 'view', n: i, props: { i } });
  return { server, creds, conn: db.conn };
}

const FAULTS: [string, Fault][] = [
  ['500', { status: 500 }],
  ['502 with an HTML body', { status: 502, body: '<html>Bad Gateway</html>' }],
  ['503', { status: 503 }],
  ['408', { status: 408 }],
  ['429 with Retry-After', { status: 429, retryAfter: '0' }],
  ['a timeout', { delayMs: 1_000 }],
  ['a reset before the headers', { reset: 'before-headers' }],
  ['a reset mid-body', { reset: 'mid-body' }],
  ['a truncated JSON body', { truncate: true }],
];

describe('faults', () => {
  it.each(FAULTS)('retries %s and still lands exactly the source rows', async (_name, fault) => {
    const { server, creds, conn } = await setup();
    // Page 1 and page 3 each fail twice.
    let dataRequests = 0;
    server.faultHook = () => {
      dataRequests++;
      return [1, 2, 5, 6].includes(dataRequests) ? fault : undefined;
    };
    const log = newLog();
    const [r] = await extractTables(conn, [tableConfig('events')], log, { credentials: creds, retry: FAST_RETRY });
    expect(r!.status, r!.message).toBe('success');
    expect(log.lines[1]).toBe('raw.events: +500 new rows (first load, 2 pages retried) in N.Ns');
    expect(await rawSnapshot(conn, server, 'events')).toEqual(sourceSnapshot(server, 'events'));
  });

  it('honours Retry-After on 429', async () => {
    const { server, creds, conn } = await setup(50);
    server.faults.push({ status: 429, retryAfter: '1' });
    const t0 = performance.now();
    const [r] = await extractTables(conn, [tableConfig('events')], newLog(), { credentials: creds, retry: FAST_RETRY });
    expect(r!.status).toBe('success');
    expect(performance.now() - t0).toBeGreaterThanOrEqual(950);
  });

  it('gives up after the retry budget with a clear error naming table, page and cause, keeping what landed', async () => {
    const { server, creds, conn } = await setup(500);
    let dataRequests = 0;
    server.faultHook = () => (++dataRequests >= 3 ? { status: 503 } : undefined);
    const [r] = await extractTables(conn, [tableConfig('events')], newLog(), { credentials: creds, retry: { ...FAST_RETRY, maxAttempts: 4 }, batchRows: 100 });
    expect(r!.status).toBe('error');
    expect(r!.message).toMatch(/^raw\.events: page 3 failed after 4 attempts \(3 retries in all\): HTTP 503.* — the rows landed before it are kept; run again to resume$/);
    expect(await count(conn, 'SELECT count(*) FROM raw.events')).toBe(200);
    server.faultHook = undefined;
    const [again] = await extractTables(conn, [tableConfig('events')], newLog(), { credentials: creds, retry: FAST_RETRY });
    expect(again!.status).toBe('success');
    expect(await rawSnapshot(conn, server, 'events')).toEqual(sourceSnapshot(server, 'events'));
  });

  it('fails a failed full refresh without touching the live table', async () => {
    const { server, creds, conn } = await setup(300);
    await extractTables(conn, [tableConfig('events')], newLog(), { credentials: creds, retry: FAST_RETRY });
    server.table('events').delete(1);
    let n = 0;
    server.faultHook = () => (++n >= 2 ? { status: 500 } : undefined);
    const [r] = await extractTables(conn, [tableConfig('events')], newLog(), { credentials: creds, retry: { ...FAST_RETRY, maxAttempts: 2 }, fullRefresh: true });
    expect(r!.status).toBe('error');
    expect(await count(conn, 'SELECT count(*) FROM raw.events')).toBe(300);
    expect(await count(conn, `SELECT count(*) FROM duckdb_tables() WHERE table_name LIKE '%modelrun_refresh%'`)).toBe(0);
  });
});
