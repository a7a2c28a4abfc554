import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { timestampMicros } from '../cursor-order.js';
import { PostgrestServer } from '../postgrest-server.js';
import type { RetryPolicy } from '../retry-policy.js';
import type { Row } from '../sample-data.js';
import type { Credentials } from '../supabase-client.js';
import type { ExtractTable } from '../table-config.js';

export const TEST_KEY = 'sb_secret_test_key_0123456789abcdef';
export const FAST_RETRY: Partial<RetryPolicy> = { baseDelayMs: 2, maxDelayMs: 20, timeoutMs: 400, maxRetryAfterMs: 1500, budgetMs: 20_000 };

export const EVENT_COLUMNS = { id: 'bigint', created_at: 'timestamp with time zone', kind: 'text', n: 'integer', props: 'jsonb' };
export const JOB_COLUMNS = { id: 'uuid', updated_at: 'timestamp with time zone', status: 'text', bytes: 'bigint' };

export async function startServer(maxRows = 1000): Promise<{ server: PostgrestServer; creds: Credentials }> {
  const server = new PostgrestServer({ key: TEST_KEY, maxRows });
  server.addTable('events', EVENT_COLUMNS, 'id');
  server.addTable('jobs', JOB_COLUMNS, 'id');
  const url = await server.start();
  return { server, creds: { url, key: TEST_KEY, keyName: 'SUPABASE_SERVICE_ROLE_KEY' } };
}

export function tableConfig(name: 'events' | 'jobs', over: Partial<ExtractTable> = {}): ExtractTable {
  const events = name === 'events';
  return {
    uniqueId: `source.test.supabase.${name}`,
    sourceName: 'supabase',
    tableName: name,
    remoteName: name,
    schema: 'raw',
    identifier: name,
    primaryKey: 'id',
    cursorField: events ? 'created_at' : 'updated_at',
    filters: [],
    lookbackMs: 3_600_000,
    mode: events ? 'append' : 'upsert',
    pageSize: 100,
    file: 'models/staging/sources.yml',
    line: 1,
    col: 1,
    ...over,
  };
}

export async function openDb(path = ':memory:'): Promise<{ instance: DuckDBInstance; conn: DuckDBConnection; close: () => void }> {
  const instance = await DuckDBInstance.create(path);
  const conn = await instance.connect();
  return { instance, conn, close: () => (conn.closeSync(), instance.closeSync()) };
}

const BASE = Date.parse('2026-10-01T00:00:00Z') * 1000;
/** A Postgres-rendered timestamp `seconds` after a fixed base. */
export function ts(seconds: number): string {
  const micros = BASE + Math.round(seconds * 1e6);
  return new Date(Math.floor(micros / 1000)).toISOString().slice(0, 19) + '.' + String(micros % 1_000_000).padStart(6, '0') + '+00:00';
}

/** A row normalised for comparison: timestamps to micros, JSON parsed, numbers as numbers. */
function norm(types: Map<string, string>, row: Row): string {
  const out: Record<string, unknown> = {};
  for (const [c, t] of [...types].sort(([a], [b]) => (a < b ? -1 : 1))) {
    const v = row[c];
    if (v === null || v === undefined) out[c] = null;
    else if (t.startsWith('timestamp')) out[c] = typeof v === 'number' || typeof v === 'bigint' ? Number(v) : timestampMicros(String(v));
    else if (t === 'jsonb') out[c] = typeof v === 'string' ? JSON.parse(v) : v;
    else if (/int|numeric/.test(t)) out[c] = Number(v);
    else out[c] = String(v);
  }
  return JSON.stringify(out);
}

/** The source table's rows, normalised and sorted. */
export function sourceSnapshot(server: PostgrestServer, name: string): string[] {
  const t = server.table(name);
  return t.all().map((r) => norm(t.columns, r)).sort();
}

/** The raw table's rows, normalised the same way (timestamps read as epoch micros, JSON as text). */
export async function rawSnapshot(conn: DuckDBConnection, server: PostgrestServer, name: string): Promise<string[]> {
  const types = server.table(name).columns;
  const cols = [...types].map(([c, t]) => (t.startsWith('timestamp') ? `epoch_us("${c}") AS "${c}"` : t === 'jsonb' ? `CAST("${c}" AS VARCHAR) AS "${c}"` : `"${c}"`));
  const reader = await conn.runAndReadAll(`SELECT ${cols.join(', ')} FROM raw."${name}"`);
  return (reader.getRowObjectsJS() as Row[]).map((r) => norm(types, r)).sort();
}

export async function count(conn: DuckDBConnection, sql: string): Promise<number> {
  const reader = await conn.runAndReadAll(sql);
  return Number(reader.getRowsJS()[0]?.[0] ?? 0);
}

export const silentLog = { lines: [] as string[], info(m: string) { this.lines.push(m); } };
/** The lines a landing logs, its timings as "in N.Ns" so that tests can compare whole lines. */
export function newLog(): { lines: string[]; info(m: string): void } {
  const lines: string[] = [];
  return { lines, info: (m: string) => void lines.push(m.replace(/ in \d+\.\ds$/, ' in N.Ns')) };
}
