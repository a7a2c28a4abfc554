// Landing benchmark: `npx tsc -p tsconfig.build.json && node bench/extract.mjs [--events 1000000] [--runs 3]`
//
// Serves N generated analytics_events from the PostgREST-compatible test server on 127.0.0.1 (in this
// process, max-rows 1,000 as on Supabase) and times the compiled landing code (dist/extract) in child
// processes, so peak RSS is the extractor's alone. Prints a markdown table of medians on stdout.
// Progress goes to stderr.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const SELF = fileURLToPath(import.meta.url);
const DIST = new URL('../dist/extract/', import.meta.url);
const TABLE = {
  uniqueId: 'source.bench.supabase.analytics_events', sourceName: 'supabase', tableName: 'analytics_events', remoteName: 'analytics_events',
  schema: 'raw', identifier: 'analytics_events', primaryKey: 'id', cursorField: 'created_at', filters: [], lookbackMs: 3_600_000,
  mode: 'append', pageSize: 1000, file: 'bench', line: 1, col: 1,
};

const argv = process.argv.slice(2);
const opt = (name, dflt) => {
  const i = argv.indexOf(name);
  return i >= 0 ? argv[i + 1] : dflt;
};


/** In the child: one landing run (or, for the ceiling, supabase-js fetching the same pages without writing). */
async function child({ mode, url, key, dbPath }) {
  const creds = { url, key, keyName: 'bench' };
  const started = performance.now();
  let rows = 0;
  if (mode === 'fetch-only') {
    const { makeClient } = await import(new URL('supabase-client.js', DIST));
    const { fetchPage } = await import(new URL('page-reader.js', DIST));
    const { DEFAULT_RETRY } = await import(new URL('retry-policy.js', DIST));
    const client = makeClient(creds);
    const tally = { retries: 0, pagesRetried: 0, sleptMs: 0 };
    let from = {};
    for (let n = 1; ; n++) {
      const page = await fetchPage(client, TABLE, from, DEFAULT_RETRY, tally, n);
      if (page.length === 0) break;
      rows += page.length;
      const last = page[page.length - 1];
      from = { after: { cursor: String(last.created_at), pk: String(last.id) } };
    }
  } else {
    // DuckDB loaded as the CLI loads it (require(): no ESM scan of its re-exports).
    const { DuckDBInstance } = (await import(new URL('../adapters/duckdb/node-api.js', DIST))).duckdbApi;
    const { extractTables } = await import(new URL('run-extract.js', DIST));
    const instance = await DuckDBInstance.create(dbPath);
    const conn = await instance.connect();
    const t1 = performance.now();
    const [r] = await extractTables(conn, [TABLE], { info: () => undefined }, { credentials: creds });
    if (process.env.MODELRUN_EXTRACT_TRACE) process.stderr.write(`[trace] open ${(t1 - started).toFixed(0)}ms extract ${(performance.now() - t1).toFixed(0)}ms\n`);
    const t2 = performance.now();
    if (r.status !== 'success') throw new Error(r.message);
    rows = r.rowsAffected;
    conn.closeSync();
    instance.closeSync();
    if (process.env.MODELRUN_EXTRACT_TRACE) process.stderr.write(`[trace] close ${(performance.now() - t2).toFixed(0)}ms\n`);
  }
  const seconds = (performance.now() - started) / 1000;
  if (process.env.MODELRUN_EXTRACT_TRACE) process.stderr.write(`[trace] ${JSON.stringify(process.memoryUsage())}\n`);
  process.stdout.write(JSON.stringify({ rows, seconds, maxRssKb: process.resourceUsage().maxRSS }) + '\n');
}

function runChild(args) {
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, [...(process.env.BENCH_NODE_FLAGS ? process.env.BENCH_NODE_FLAGS.split(' ') : []), SELF, '--child', JSON.stringify(args)], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    p.stdout.on('data', (d) => (out += d));
    p.on('error', reject);
    p.on('exit', (code) => (code === 0 ? resolve(JSON.parse(out.trim().split('\n').pop())) : reject(new Error(`child exited ${code}`))));
  });
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const fmt = (n) => Math.round(n).toLocaleString('en-US');

async function main() {
  const events = Number(opt('--events', '1000000'));
  const runs = Number(opt('--runs', '3'));
  const log = (m) => process.stderr.write(`[bench-extract] ${m}\n`);
  const { PostgrestServer } = await import(new URL('postgrest-server.js', DIST));
  const { generateSample, SAMPLE_TABLES } = await import(new URL('sample-data.js', DIST));
  const { pgTimestamp } = await import(new URL('prng.js', DIST));
  log(`generating ${fmt(events)} events ...`);
  const server = new PostgrestServer({ key: 'bench-key', maxRows: 1000 });
  const def = SAMPLE_TABLES.analytics_events;
  const table = server.addTable('analytics_events', def.columns, def.primaryKey);
  let maxId = 0;
  let minCreated = Infinity;
  let maxCreated = 0;
  for (const rec of generateSample({ days: 37, eventsPerDay: Math.ceil((events / 37) * 1.08) })) {
    if (rec.table !== 'analytics_events') continue;
    if (table.size >= events) break;
    table.upsert(rec.row);
    maxId = Math.max(maxId, rec.row.id);
    const created = Date.parse(rec.row.created_at);
    minCreated = Math.min(minCreated, created);
    maxCreated = Math.max(maxCreated, created);
  }
  // New rows arrive at the data's own average rate, so an incremental run's 1-hour lookback re-reads
  // about an hour of rows, as it would in production (not every row added for the earlier runs).
  const msPerRow = (maxCreated - minCreated) / table.size;
  const url = await server.start();
  const dir = mkdtempSync(join(tmpdir(), 'modelrun-bench-extract-'));
  const full = [];
  const incr = [];
  const fetchOnly = [];
  try {
    log('warm-up: sorting the server index ...');
    await runChild({ mode: 'fetch-only', url, key: 'bench-key' });
    for (let i = 0; i < runs; i++) {
      const dbPath = join(dir, `run${i}.duckdb`);
      log(`run ${i + 1}/${runs}: full load ...`);
      full.push(await runChild({ mode: 'land', url, key: 'bench-key', dbPath }));
      // 1% new rows, then an incremental run (its lookback re-reads the last hour too).
      const added = Math.round(table.size / 100);
      for (let k = 0; k < added; k++) {
        const created = Math.round(maxCreated + (k + 1) * msPerRow);
        table.upsert({ id: ++maxId, created_at: pgTimestamp(created * 1000), session_id: null, user_id: null, event_type: 'page_view', tool_slug: null, file_size_bytes: null, page_count: null, duration_ms: null, error_code: null, properties: { bench: true } });
      }
      maxCreated = Math.round(maxCreated + added * msPerRow);
      log(`run ${i + 1}/${runs}: incremental (+${fmt(added)} rows) ...`);
      incr.push(await runChild({ mode: 'land', url, key: 'bench-key', dbPath }));
      log(`run ${i + 1}/${runs}: supabase-js fetch only ...`);
      fetchOnly.push(await runChild({ mode: 'fetch-only', url, key: 'bench-key' }));
      rmSync(dbPath, { force: true });
      rmSync(dbPath + '.wal', { force: true });
    }
  } finally {
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  }
  const fullS = median(full.map((r) => r.seconds));
  const fullRate = median(full.map((r) => r.rows / r.seconds));
  const rssMb = Math.max(...full.map((r) => r.maxRssKb), ...incr.map((r) => r.maxRssKb)) / 1024;
  const incrS = median(incr.map((r) => r.seconds));
  const fetchRate = median(fetchOnly.map((r) => r.rows / r.seconds));
  const ok = (b) => (b ? 'ok' : 'MISS');
  const rows = [
    ['full load, rows/s end to end', '≥ 50,000', `${fmt(fullRate)} (${fullS.toFixed(1)} s for ${fmt(full[0].rows)} rows)`, ok(fullRate >= 50_000)],
    ['peak RSS of the extract process', '≤ 300 MB', `${rssMb.toFixed(0)} MB`, ok(rssMb <= 300)],
    ['incremental rerun, +1% rows', '≤ 5% of full', `${incrS.toFixed(2)} s (${((incrS / fullS) * 100).toFixed(1)}%, +${fmt(median(incr.map((r) => r.rows)))} rows)`, ok(incrS <= fullS * 0.05)],
    ['supabase-js alone, same pages (ceiling)', '—', `${fmt(fetchRate)} rows/s`, '—'],
  ];
  process.stdout.write(`\n${fmt(events)} events, page size 1,000 (server max-rows 1,000), median of ${runs} runs, Node ${process.version}\n\n`);
  process.stdout.write('| metric | target | median | verdict |\n|---|---|---|---|\n');
  for (const r of rows) process.stdout.write(`| ${r.join(' | ')} |\n`);
}

if (argv[0] === '--child') await child(JSON.parse(argv[1]));
else await main();
