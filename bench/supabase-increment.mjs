// The Supabase side of the warehouse bench's scheduled incremental build.
//
// The bench generates the 10M-event base straight into DuckDB with SQL; a real warehouse got it from
// landings, which left watermarks in modelrun.extract_state. `recordLandingState` writes the watermarks a
// landing of that base would have left, and this file, run as a child process (`node
// bench/supabase-increment.mjs <base.duckdb> <increment.duckdb>`), serves from the PostgREST-compatible
// test server on 127.0.0.1 what a Supabase project would return past those watermarks: the base rows
// the landing's lookback re-reads, and the 1% increment. It prints {url, key, rows} as one JSON line
// and serves until SIGTERM or until its stdin closes. (A child process, because the bench times the
// CLI with spawnSync.)
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { DuckDBInstance } from '@duckdb/node-api';

const SELF = fileURLToPath(import.meta.url);
/** The cursor of each raw table, as models/staging/sources.yml declares it (the primary key is id for all three). */
const CURSORS = { analytics_events: 'created_at', user_sessions: 'updated_at', processing_jobs: 'updated_at' };
/** How PostgREST writes a timestamptz in JSON. */
const PG_TIMESTAMP = '%Y-%m-%dT%H:%M:%S.%f+00:00';
const KEY = 'bench-service-key';

const lit = (v) => `'${String(v).replace(/'/g, "''")}'`;

/**
 * Records (on a connection with TimeZone UTC) the watermark a landing of each raw table's rows leaves:
 * the last row in (cursor, id) order, the row count, and a full refresh just now — in modelrun's own
 * extract_state table.
 */
export async function recordLandingState(conn) {
  const { ensureStateTable } = await import(new URL('../dist/extract/raw-landing.js', import.meta.url));
  await ensureStateTable(conn);
  for (const [table, cursor] of Object.entries(CURSORS)) {
    await conn.run(`INSERT INTO modelrun.extract_state
      SELECT 'supabase', ${lit(table)}, strftime(${cursor}, ${lit(PG_TIMESTAMP)}), id::VARCHAR, (SELECT count(*) FROM raw.${table}), now(), now()
      FROM raw.${table} ORDER BY ${cursor} DESC, id DESC LIMIT 1`);
  }
}

/**
 * Starts the server child; resolves to { url, key, rows, stop } once it serves. stop() resolves when
 * the child has exited. The child also exits when this process dies (its stdin closes).
 */
export function serveIncrement(baseDb, incDb, { startTimeoutMs = 300_000 } = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [SELF, baseDb, incDb], { stdio: ['pipe', 'pipe', 'inherit'] });
    const exited = new Promise((done) => child.once('exit', done));
    let out = '';
    let settled = false;
    const fail = (error) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      child.kill('SIGTERM');
      reject(error);
    };
    const timer = setTimeout(() => fail(new Error(`the Supabase stand-in did not serve within ${startTimeoutMs / 1000} s`)), startTimeoutMs);
    child.on('error', fail);
    child.once('exit', (code, signal) => fail(new Error(`the Supabase stand-in exited (${signal ?? `code ${code}`}) before serving`)));
    child.stdout.on('data', (d) => {
      out += d;
      if (settled || !out.includes('\n')) return;
      let info;
      try {
        info = JSON.parse(out.slice(0, out.indexOf('\n')));
      } catch {
        return fail(new Error(`the Supabase stand-in printed ${JSON.stringify(out.slice(0, 200))} instead of its address`));
      }
      settled = true;
      clearTimeout(timer);
      resolve({ ...info, stop: () => (child.kill('SIGTERM'), exited) });
    });
  });
}

async function serve(baseDb, incDb) {
  const { PostgrestServer } = await import(new URL('../dist/extract/postgrest-server.js', import.meta.url));
  const { SAMPLE_TABLES } = await import(new URL('../dist/extract/sample-data.js', import.meta.url));
  const server = new PostgrestServer({ key: KEY, maxRows: 1000 });
  const instance = await DuckDBInstance.create(':memory:');
  const conn = await instance.connect();
  await conn.run(`SET TimeZone = 'UTC'; ATTACH ${lit(baseDb)} AS base (READ_ONLY); ATTACH ${lit(incDb)} AS inc (READ_ONLY)`);
  for (const [name, def] of Object.entries(SAMPLE_TABLES)) {
    const table = server.addTable(name, def.columns, def.primaryKey);
    const cursor = CURSORS[name];
    const select = Object.entries(def.columns)
      .map(([c, type]) => (type.startsWith('timestamp') ? `strftime(${c}, '${PG_TIMESTAMP}')` : type === 'bigint' || type === 'integer' ? `${c}::DOUBLE` : `${c}::VARCHAR`) + ` AS ${c}`)
      .join(', ');
    // The landing re-reads from its watermark less the source's 1-hour lookback: two hours of base rows cover that.
    const reader = await conn.runAndReadAll(`SELECT ${select} FROM base.raw.${name} WHERE ${cursor} >= (SELECT max(${cursor}) FROM base.raw.${name}) - INTERVAL 2 HOUR
      UNION ALL SELECT ${select} FROM inc.inc_${name}`);
    for (const row of reader.getRowObjectsJS()) {
      for (const [c, type] of Object.entries(def.columns)) if (type === 'jsonb' && row[c] !== null) row[c] = JSON.parse(row[c]);
      table.upsert(row);
    }
  }
  conn.closeSync();
  instance.closeSync();
  const url = await server.start();
  const stop = () => void server.close().then(() => process.exit(0));
  process.on('SIGTERM', stop);
  // The bench holds the other end of stdin: when it dies, however, this child goes too.
  process.stdin.on('close', stop).resume();
  process.stdout.write(`${JSON.stringify({ url, key: KEY, rows: Object.fromEntries([...server.tables].map(([n, t]) => [n, t.size])) })}\n`);
}

if (process.argv[1] === SELF) await serve(process.argv[2], process.argv[3]);
