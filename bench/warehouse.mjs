// Warehouse-scale benchmark of the analytics project: `npx tsc -p tsconfig.build.json && node bench/warehouse.mjs`
//
// Copies the project (project.yml, profiles.yml, models/, seeds/, macros/, tests/) into a temp folder,
// generates the raw Supabase tables straight into a DuckDB file with SQL (no HTTP), with the watermarks a
// landing of them would leave, then measures:
//   - full build `modelrun build --no-extract --full-refresh` (wall time, peak RSS via /usr/bin/time -f %M)
//   - the scheduled incremental `modelrun build` after 1% new events (and their sessions and jobs): it lands
//     them itself, over HTTP through supabase-js, from the local PostgREST-compatible stand-in that
//     bench/supabase-increment.mjs runs in a child process
//   - incremental `modelrun build --no-extract` after the same rows, inserted beforehand with SQL
//   - the same incremental build without data tests, for the split between models and tests
//   - the same statements (target/run/**.sql, in parent_map order with ephemerals expanded) run straight through
//     @duckdb/node-api in one child process on a copy of the same starting DB (models+seeds only,
//     and models+seeds+data tests), against modelrun with and without its data tests
//   - the three original BI queries (first three statements of sample_queries.sql) on the built file
// Prints one markdown table to stdout; progress goes to stderr.
//
// Options: --events N (default 10,000,000), --runs N (force the run count of the slow metrics;
// default: 3 when the first run is fast enough for the time budget, else 1), --keep (keep the temp folder).
import { spawnSync } from 'node:child_process';
import { closeSync, copyFileSync, cpSync, existsSync, fsyncSync, mkdirSync, openSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DuckDBInstance } from '@duckdb/node-api';
import { recordLandingState, serveIncrement } from './supabase-increment.mjs';
import { ChildFailure, REPO_ROOT, fmtMs, load1, machine, markdownTable, median, snapshotCli } from './timing.mjs';
import { loadavg, tmpdir } from 'node:os';
import { mkdtempSync } from 'node:fs';

const SELF = fileURLToPath(import.meta.url);
const argv = process.argv.slice(2);

// ---------------------------------------------------------------------------------------------
// Child mode: run a JSON array of statements on one connection (the "direct" baseline).
if (argv[0] === '--direct-child') {
  const [, dbPath, statementsPath] = argv;
  const statements = JSON.parse(readFileSync(statementsPath, 'utf8'));
  const instance = await DuckDBInstance.create(dbPath);
  const conn = await instance.connect();
  try {
    for (const sql of statements) {
      if (sql.startsWith('--test\n')) await conn.runAndReadAll(sql.slice(7));
      else await conn.run(sql);
    }
  } finally {
    conn.closeSync();
    instance.closeSync();
  }
  process.exit(0);
}

const opt = (name, fallback) => {
  const i = argv.indexOf(name);
  return i === -1 ? fallback : Number(String(argv[i + 1]).replace(/_/g, ''));
};
const EVENTS = opt('--events', 10_000_000);
const FORCED_RUNS = opt('--runs', 0);
const KEEP = argv.includes('--keep');
const BUDGET_MS = 6 * 60_000;
const T_START = performance.now();
const log = (msg) => process.stderr.write(`[warehouse ${((performance.now() - T_START) / 1000).toFixed(0).padStart(4)}s] ${msg}\n`);

// ---------------------------------------------------------------------------------------------
// Data generation (all SQL, deterministic: every random draw is a hash of the row's index and a salt).

const DAYS = 37;
const BASE_START = '2026-09-24 00:00:00'; // UTC; 37 days of events up to BASE_END, then the 1% increment after it
const BASE_END = '2026-10-31 00:00:00';
// Expected events per session with the funnel below: 2 views + 0.85 funnels × (1 + 0.9 × (2 + 0.93 × 0.86)).
const EVENTS_PER_SESSION = 2 + 0.85 * (1 + 0.9 * (2 + 0.93 * 0.86));

const TOOLS = [
  'merge-pdf', 'split-pdf', 'remove-pages', 'extract-pages', 'organize-pdf', 'rotate-pdf', 'compress-pdf', 'repair-pdf', 'ocr-pdf', 'pdf-to-word',
  'pdf-to-excel', 'pdf-to-powerpoint', 'pdf-to-jpg', 'pdf-to-png', 'pdf-to-text', 'word-to-pdf', 'excel-to-pdf', 'powerpoint-to-pdf', 'jpg-to-pdf',
  'html-to-pdf', 'edit-pdf', 'add-page-numbers', 'add-watermark', 'unlock-pdf', 'protect-pdf', 'sign-pdf', 'translate-pdf', 'chat-with-pdf',
];
const HOUR_WEIGHTS = [2, 1.5, 1, 1, 1, 1.5, 2.5, 4, 5.5, 6.5, 7, 7, 7, 7.5, 8, 8, 7.5, 7, 6, 5, 4.5, 4, 3.5, 2.5];
const DEVICES = [['desktop', 0.58], ['mobile', 0.34], ['tablet', 0.08]];
const BROWSERS = [['Chrome', 0.62], ['Safari', 0.19], ['Edge', 0.09], ['Firefox', 0.07], ['Samsung Internet', 0.03]];
const OS = { desktop: [['Windows', 0.7], ['macOS', 0.25], ['Linux', 0.05]], mobile: [['Android', 0.6], ['iOS', 0.4]], tablet: [['iPadOS', 0.6], ['Android', 0.4]] };
const COUNTRIES = [['US', 0.24], ['IN', 0.12], ['BR', 0.07], ['DE', 0.06], ['GB', 0.06], ['FR', 0.05], ['ES', 0.04], ['MX', 0.04], ['ID', 0.04], ['JP', 0.03], ['CA', 0.03], ['IT', 0.03], ['PH', 0.03], ['TR', 0.03], ['NG', 0.02], ['PL', 0.02], ['NL', 0.02], ['AU', 0.02], ['VN', 0.02], ['EG', 0.03]];
const REFERRERS = [[null, 0.35], ['https://www.google.com/', 0.45], ['https://www.bing.com/', 0.06], ['https://chatgpt.com/', 0.05], ['https://duckduckgo.com/', 0.03], ['https://www.reddit.com/', 0.03], ['https://t.co/', 0.03]];
const UTM = [[null, 0.8], ['google', 0.08], ['newsletter', 0.05], ['facebook', 0.04], ['partner', 0.03]];
const ERRORS = [['FILE_CORRUPTED', 0.3], ['PASSWORD_PROTECTED', 0.2], ['TIMEOUT', 0.2], ['FILE_TOO_LARGE', 0.15], ['UNSUPPORTED_FORMAT', 0.1], ['INTERNAL', 0.05]];
const SOURCES = [['local', 0.5], ['google_drive', 0.25], ['dropbox', 0.25]];

const sqlLit = (v) => (v === null ? 'NULL' : typeof v === 'number' ? String(v) : `'${String(v).replace(/'/g, "''")}'`);
/** A weighted pick as a constant list of `slots` entries indexed by a hash: `list[1 + h % slots]`. */
function pick(weighted, hashExpr, slots = 200) {
  const total = weighted.reduce((s, [, w]) => s + w, 0);
  const list = [];
  let acc = 0;
  for (const [v, w] of weighted) {
    acc += w;
    while (list.length < Math.round((acc / total) * slots)) list.push(v);
  }
  const typed = list.every((v) => v === null || typeof v === 'number') ? list.map(sqlLit) : list.map((v) => (v === null ? 'NULL::VARCHAR' : sqlLit(v)));
  return `([${typed.join(', ')}])[1 + (${hashExpr} % ${list.length})::INTEGER]`;
}
/** A uniform draw in [0, 1) from the row key `key` and a salt. */
const U = (key, salt) => `((hash(${key}, ${salt}) % 1000000)::DOUBLE / 1e6)`;
const H = (key, salt) => `hash(${key}, ${salt})`;
/** A roughly standard normal draw (sum of 4 uniforms). */
const Z = (key, salt) => `((${U(key, salt)} + ${U(key, salt + 101)} + ${U(key, salt + 202)} + ${U(key, salt + 303)} - 2) * 1.732)`;
const uuidOf = (expr) => `regexp_replace(md5(${expr}), '^(.{8})(.{4})(.{4})(.{4})(.{12})$', '\\1-\\2-\\3-\\4-\\5')`;

/**
 * SQL that creates gen_sessions, gen_events, gen_jobs (temp tables) for sessions [s0, s0 + count):
 * `startExpr` gives each session's start (TIMESTAMP, UTC) from its index `s`; event ids start at id0 + 1.
 */
function generationSql({ s0, count, startExpr, id0, users }) {
  const s = 's';
  const device = pick(DEVICES, H(s, 3), 100);
  return `
CREATE OR REPLACE TEMP TABLE gen_sessions AS
WITH b AS (
  SELECT s, ${startExpr} AS started_at, ${device} AS device_type
  FROM range(${s0}, ${s0 + count}) t(s)
)
SELECT
  s,
  ${uuidOf(`'s' || s`)} AS id,
  ${uuidOf(`'u' || floor(${users} * pow(${U(s, 2)}, 1.6))::BIGINT`)} AS user_id,
  started_at,
  device_type,
  CASE WHEN device_type = 'mobile' AND ${U(s, 4)} < 0.4 THEN 'Safari' ELSE ${pick(BROWSERS, H(s, 5), 100)} END AS browser,
  CASE device_type WHEN 'desktop' THEN ${pick(OS.desktop, H(s, 6), 100)} WHEN 'mobile' THEN ${pick(OS.mobile, H(s, 6), 100)} ELSE ${pick(OS.tablet, H(s, 6), 100)} END AS os,
  ${pick(COUNTRIES, H(s, 7), 100)} AS country_code,
  ${pick(REFERRERS, H(s, 8), 100)} AS referrer,
  ${pick(UTM, H(s, 9), 100)} AS utm_source,
  1 + (${H(s, 10)} % 3)::INTEGER AS views,
  CASE WHEN ${U(s, 11)} < 0.32 THEN 0 WHEN ${U(s, 11)} < 0.83 THEN 1 ELSE 2 END AS funnels
FROM b;

CREATE OR REPLACE TEMP TABLE gen_funnels AS
WITH f AS (SELECT s, id AS session_id, user_id, started_at, views, unnest(range(funnels)) AS fi FROM gen_sessions),
g AS (
  SELECT *, s * 4 + fi AS k,
    ${pick(TOOLS.map((t, i) => [t, 1 / (i + 2) ** 0.9]), H('s * 4 + fi', 20), 1000)} AS tool_slug,
    greatest(2000, round(1800000 * exp(1.1 * ${Z('s * 4 + fi', 21)})))::BIGINT AS size,
    greatest(1, round(8 * exp(0.9 * ${Z('s * 4 + fi', 22)})))::INTEGER AS pages,
    ${U('s * 4 + fi', 23)} < 0.9 AS processed,
    ${U('s * 4 + fi', 24)} < 0.07 AS failed,
    ${U('s * 4 + fi', 25)} < 0.86 AS downloaded,
    ${pick(ERRORS, H('s * 4 + fi', 26), 100)} AS error_code,
    ${pick(SOURCES, H('s * 4 + fi', 27), 4)} AS upload_source,
    0.3 + ${U('s * 4 + fi', 28)} AS out_ratio
  FROM f
)
SELECT *,
  greatest(200, round((2500 + pages * 150) * exp(0.7 * ${Z('k', 29)})))::INTEGER AS duration_ms,
  ${uuidOf(`'j' || k`)} AS job_id,
  started_at + to_microseconds(((views + fi * 4) * 25 * 1000000 + (${U('k', 30)} * 20000000))::BIGINT) AS upload_at
FROM g;

CREATE OR REPLACE TEMP TABLE gen_events_unordered AS
SELECT created_at, session_id, user_id, event_type, tool_slug, file_size_bytes, page_count, duration_ms, error_code, properties FROM (
  SELECT started_at + to_microseconds((v * 25 * 1000000 + ${U('s * 8 + v', 40)} * 20000000)::BIGINT) AS created_at,
    id AS session_id, user_id, 'page_view' AS event_type, tool_slug,
    NULL::BIGINT AS file_size_bytes, NULL::INTEGER AS page_count, NULL::INTEGER AS duration_ms, NULL::VARCHAR AS error_code,
    json_object('path', coalesce('/' || tool_slug, '/'), 'referrer', CASE WHEN v = 0 THEN referrer END, 'app_version', '4.12.0') AS properties
  FROM (
    SELECT s, id, user_id, started_at, referrer, v,
      CASE WHEN ${U('s * 8 + v', 41)} < 0.7 THEN ${pick(TOOLS.map((t, i) => [t, 1 / (i + 2) ** 0.9]), H('s * 8 + v', 42), 1000)} END AS tool_slug
    FROM (SELECT s, id, user_id, started_at, referrer, unnest(range(views)) AS v FROM gen_sessions)
  )
  UNION ALL
  SELECT upload_at, session_id, user_id, 'file_upload', tool_slug, size, pages, NULL, NULL,
    json_object('file_ext', 'pdf', 'source', upload_source)
  FROM gen_funnels
  UNION ALL
  SELECT upload_at + INTERVAL 3 SECOND, session_id, user_id, 'processing_started', tool_slug, size, pages, NULL, NULL, json_object('job_id', job_id)
  FROM gen_funnels WHERE processed
  UNION ALL
  SELECT upload_at + INTERVAL 3 SECOND + to_microseconds(duration_ms * 1000::BIGINT), session_id, user_id,
    CASE WHEN failed THEN 'processing_failed' ELSE 'processing_completed' END, tool_slug,
    CASE WHEN failed THEN NULL ELSE round(size * out_ratio)::BIGINT END, CASE WHEN failed THEN NULL ELSE pages END,
    duration_ms, CASE WHEN failed THEN error_code END, json_object('job_id', job_id)
  FROM gen_funnels WHERE processed
  UNION ALL
  SELECT upload_at + INTERVAL 9 SECOND + to_microseconds(duration_ms * 1000::BIGINT), session_id, user_id, 'file_download', tool_slug,
    round(size * out_ratio)::BIGINT, NULL, NULL, NULL, json_object('job_id', job_id)
  FROM gen_funnels WHERE processed AND NOT failed AND downloaded
);

CREATE OR REPLACE TEMP TABLE gen_events AS
SELECT ${id0} + row_number() OVER (ORDER BY created_at, session_id) AS id,
  created_at::TIMESTAMPTZ AS created_at, session_id, user_id, event_type, tool_slug, file_size_bytes, page_count, duration_ms, error_code,
  properties::JSON AS properties
FROM gen_events_unordered
ORDER BY created_at, session_id;
DROP TABLE gen_events_unordered;

CREATE OR REPLACE TEMP TABLE gen_user_sessions AS
SELECT id, user_id, started_at::TIMESTAMPTZ AS started_at,
  (started_at + to_microseconds(((views + funnels * 4) * 25 * 1000000 + 30000000)::BIGINT))::TIMESTAMPTZ AS last_seen_at,
  (started_at + to_microseconds(((views + funnels * 4) * 25 * 1000000 + 30000000)::BIGINT))::TIMESTAMPTZ AS updated_at,
  device_type, browser, os, country_code, referrer, utm_source
FROM gen_sessions ORDER BY updated_at;

CREATE OR REPLACE TEMP TABLE gen_processing_jobs AS
SELECT job_id AS id, session_id, tool_slug, CASE WHEN failed THEN 'failed' ELSE 'succeeded' END AS status,
  size AS input_bytes, CASE WHEN failed THEN NULL ELSE round(size * out_ratio)::BIGINT END AS output_bytes, pages,
  upload_at::TIMESTAMPTZ AS created_at, (upload_at + INTERVAL 3 SECOND)::TIMESTAMPTZ AS started_at,
  (upload_at + INTERVAL 3 SECOND + to_microseconds(duration_ms * 1000::BIGINT))::TIMESTAMPTZ AS finished_at,
  (upload_at + INTERVAL 3 SECOND + to_microseconds(duration_ms * 1000::BIGINT))::TIMESTAMPTZ AS updated_at,
  CASE WHEN failed THEN error_code END AS error_code
FROM gen_funnels WHERE processed ORDER BY updated_at;
`;
}

const RAW_DDL = `
CREATE SCHEMA IF NOT EXISTS raw;
CREATE TABLE raw.analytics_events (id BIGINT, created_at TIMESTAMPTZ, session_id VARCHAR, user_id VARCHAR, event_type VARCHAR, tool_slug VARCHAR,
  file_size_bytes BIGINT, page_count INTEGER, duration_ms INTEGER, error_code VARCHAR, properties JSON);
CREATE TABLE raw.user_sessions (id VARCHAR, user_id VARCHAR, started_at TIMESTAMPTZ, last_seen_at TIMESTAMPTZ, updated_at TIMESTAMPTZ,
  device_type VARCHAR, browser VARCHAR, os VARCHAR, country_code VARCHAR, referrer VARCHAR, utm_source VARCHAR);
CREATE TABLE raw.processing_jobs (id VARCHAR, session_id VARCHAR, tool_slug VARCHAR, status VARCHAR, input_bytes BIGINT, output_bytes BIGINT,
  pages INTEGER, created_at TIMESTAMPTZ, started_at TIMESTAMPTZ, finished_at TIMESTAMPTZ, updated_at TIMESTAMPTZ, error_code VARCHAR);
`;

const INSERT_GENERATED = `
INSERT INTO raw.analytics_events SELECT * FROM gen_events;
INSERT INTO raw.user_sessions SELECT * FROM gen_user_sessions;
INSERT INTO raw.processing_jobs SELECT * FROM gen_processing_jobs;
`;

async function withDb(path, fn) {
  const instance = await DuckDBInstance.create(path);
  const conn = await instance.connect();
  try {
    await conn.run("SET TimeZone = 'UTC'");
    return await fn(conn);
  } finally {
    conn.closeSync();
    instance.closeSync();
  }
}
const one = async (conn, sql) => (await conn.runAndReadAll(sql)).getRowObjectsJson()[0];

/** Creates the raw tables in `rawDb`, and the 1% increment (as tables inc_*) in `incDb`. */
async function generate(rawDb, incDb) {
  const sessions = Math.round(EVENTS / EVENTS_PER_SESSION);
  const users = Math.max(2000, Math.round(EVENTS / 9));
  const newSessions = Math.round(sessions * 0.01);
  // Weekdays busier than weekends (as in the embedded sample): sessions spread over the days by weight.
  const dayW = [];
  for (let d = 0; d < DAYS; d++) {
    const wd = new Date(Date.parse(`${BASE_START.replace(' ', 'T')}Z`) + d * 86400_000).getUTCDay();
    dayW.push(wd === 0 || wd === 6 ? 0.8 : 1.08);
  }
  const dayPick = pick(dayW.map((w, d) => [d, w]), H('s', 1), 1000);
  const hourPick = pick(HOUR_WEIGHTS.map((w, h) => [h, w]), H('s', 12), 200);
  // Base: day by weight, hour by weight, the rest of the hour uniform.
  const baseStart = `TIMESTAMP '${BASE_START}' + to_days(${dayPick}::INTEGER) + to_hours(${hourPick}::INTEGER) + to_microseconds((${U('s', 13)} * 3600e6)::BIGINT)`;
  const newStart = `TIMESTAMP '${BASE_END}' + to_microseconds((${U('s', 14)} * 9.5 * 3600e6)::BIGINT)`;

  log(`generating ${EVENTS.toLocaleString()} events (${sessions.toLocaleString()} sessions, ${users.toLocaleString()} users) in ${rawDb} ...`);
  const t0 = performance.now();
  const counts = await withDb(rawDb, async (conn) => {
    await conn.run('SET preserve_insertion_order = true');
    await conn.run(RAW_DDL);
    await conn.run(generationSql({ s0: 0, count: sessions, startExpr: baseStart, id0: 0, users }));
    await conn.run(INSERT_GENERATED);
    await recordLandingState(conn);
    await conn.run('DROP TABLE gen_sessions; DROP TABLE gen_funnels; DROP TABLE gen_events; DROP TABLE gen_user_sessions; DROP TABLE gen_processing_jobs; CHECKPOINT');
    return one(conn, `SELECT (SELECT count(*) FROM raw.analytics_events)::BIGINT AS events, (SELECT count(*) FROM raw.user_sessions)::BIGINT AS sessions,
      (SELECT count(*) FROM raw.processing_jobs)::BIGINT AS jobs, (SELECT max(id) FROM raw.analytics_events)::BIGINT AS max_id,
      (SELECT min(created_at)::VARCHAR FROM raw.analytics_events) AS first_at, (SELECT max(created_at)::VARCHAR FROM raw.analytics_events) AS last_at`);
  });
  log(`raw: ${JSON.stringify(counts)} in ${fmtMs((performance.now() - t0) / 1000, 1)} s, ${(statSync(rawDb).size / 1e9).toFixed(2)} GB`);
  const t1 = performance.now();
  const inc = await withDb(incDb, async (conn) => {
    await conn.run(generationSql({ s0: sessions, count: newSessions, startExpr: newStart, id0: Number(counts.max_id), users }));
    await conn.run(`CREATE TABLE inc_analytics_events AS SELECT * FROM gen_events;
      CREATE TABLE inc_user_sessions AS SELECT * FROM gen_user_sessions;
      CREATE TABLE inc_processing_jobs AS SELECT * FROM gen_processing_jobs;`);
    return one(conn, `SELECT (SELECT count(*) FROM inc_analytics_events)::BIGINT AS events, (SELECT count(*) FROM inc_user_sessions)::BIGINT AS sessions,
      (SELECT count(*) FROM inc_processing_jobs)::BIGINT AS jobs, (SELECT min(created_at)::VARCHAR FROM inc_analytics_events) AS first_at,
      (SELECT max(created_at)::VARCHAR FROM inc_analytics_events) AS last_at`);
  });
  log(`increment: ${JSON.stringify(inc)} in ${fmtMs((performance.now() - t1) / 1000, 1)} s`);
  return { counts, inc };
}

async function applyIncrement(db, incDb) {
  await withDb(db, async (conn) => {
    await conn.run(`ATTACH '${incDb}' AS inc (READ_ONLY);
      INSERT INTO raw.analytics_events SELECT * FROM inc.inc_analytics_events;
      INSERT INTO raw.user_sessions SELECT * FROM inc.inc_user_sessions;
      INSERT INTO raw.processing_jobs SELECT * FROM inc.inc_processing_jobs;
      DETACH inc; CHECKPOINT;`);
  });
}

// ---------------------------------------------------------------------------------------------
// Running modelrun and the direct baseline.

const HAS_TIME = existsSync('/usr/bin/time');

/** Runs node with args under /usr/bin/time; returns { ms, rssMb, stdout, stderr }. */
function timedNode(args, { cwd, env, label }) {
  const cmd = HAS_TIME ? '/usr/bin/time' : process.execPath;
  const full = HAS_TIME ? ['-f', '__MAXRSS_KB=%M', process.execPath, ...args] : args;
  // Only the bench's own stand-in is ever reached: credentials come from `env` alone.
  const childEnv = { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0' };
  delete childEnv.SUPABASE_URL;
  delete childEnv.SUPABASE_SERVICE_ROLE_KEY;
  delete childEnv.SUPABASE_SERVICE_KEY;
  Object.assign(childEnv, env);
  const started = process.hrtime.bigint();
  const result = spawnSync(cmd, full, { cwd, env: childEnv, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024, stdio: ['ignore', 'pipe', 'pipe'] });
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  const m = /__MAXRSS_KB=(\d+)/.exec(result.stderr ?? '');
  const rssMb = m ? Number(m[1]) / 1024 : undefined;
  if (result.error || result.status !== 0) {
    const f = new ChildFailure(label, result);
    f.ms = ms;
    throw f;
  }
  return { ms, rssMb, stdout: result.stdout, stderr: result.stderr };
}

/**
 * Copies a database file and flushes the copy to disk. Without the flush, the timed run's first
 * commit pays for writing the copy back: its fsync of the new WAL commits the file system's journal,
 * which waits for the copy's dirty pages (0.57 s for the 1.3 GB warehouse, measured with strace).
 */
function copyDb(from, to) {
  rmSync(to, { force: true });
  rmSync(`${to}.wal`, { force: true });
  copyFileSync(from, to);
  const fd = openSync(to, 'r+');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

function runResults(projectDir) {
  return JSON.parse(readFileSync(join(projectDir, 'target', 'run_results.json'), 'utf8'));
}

/** Per-node timings of the last run, slowest first. */
function slowest(projectDir, n = 8) {
  const rr = runResults(projectDir);
  return rr.results
    .filter((r) => typeof r.execution_time === 'number')
    .sort((a, b) => b.execution_time - a.execution_time)
    .slice(0, n)
    .map((r) => `${r.unique_id.replace('pdf_saas_analytics.', '')} ${r.execution_time.toFixed(2)}s`);
}

/** The last run's landings (its extract results). */
function landings(projectDir) {
  return runResults(projectDir).results.filter((r) => r.phase === 'extract');
}

/** The last run's data tests, split into those narrowed to written rows (see README) and the rest: count and summed time. */
function narrowedSplit(projectDir) {
  const split = { narrowed: { count: 0, ms: 0 }, whole: { count: 0, ms: 0 } };
  for (const r of runResults(projectDir).results) {
    if (!r.unique_id.startsWith('test.')) continue;
    const part = /the only rows that could fail it$/.test(r.message ?? '') ? split.narrowed : split.whole;
    part.count++;
    part.ms += r.execution_time * 1000;
  }
  return split;
}

/**
 * The statements modelrun executed (target/run/**.sql), models and seeds in dependency order (a
 * topological sort of manifest.json's parent_map with ephemeral models replaced by their own parents,
 * ties broken by run_results order), and the same with each data test's query (as modelrun wraps it,
 * `select coalesce(count(*), 0) from (<compiled test>)`) placed right after the last node it reads.
 */
function directStatements(projectDir, testManifestPath) {
  const manifest = JSON.parse(readFileSync(join(projectDir, 'target', 'manifest.json'), 'utf8'));
  // A build with --exclude resource_type:test compiles no test: their SQL comes from the build with tests.
  const testNodes = JSON.parse(readFileSync(testManifestPath, 'utf8')).nodes;
  const rr = runResults(projectDir);
  const runDir = join(projectDir, 'target', 'run', 'pdf_saas_analytics');
  const nodes = manifest.nodes;
  const isEphemeral = (id) => nodes[id]?.config?.materialized === 'ephemeral';
  const built = (id) => (id.startsWith('model.') || id.startsWith('seed.')) && !isEphemeral(id);
  const effParents = (id, seen = new Set()) => {
    const out = new Set();
    for (const p of manifest.parent_map?.[id] ?? []) {
      if (seen.has(p)) continue;
      seen.add(p);
      if (isEphemeral(p)) for (const q of effParents(p, seen)) out.add(q);
      else out.add(p);
    }
    return out;
  };
  const rank = new Map(rr.results.map((r, i) => [r.unique_id, i]));
  const todo = Object.keys(nodes).filter(built).sort((x, y) => (rank.get(x) ?? 1e9) - (rank.get(y) ?? 1e9) || x.localeCompare(y));
  const order = [];
  const placed = new Set();
  while (todo.length > 0) {
    const i = todo.findIndex((id) => [...effParents(id)].every((p) => !built(p) || placed.has(p)));
    if (i < 0) throw new Error(`dependency cycle among ${todo.join(', ')}`);
    const [id] = todo.splice(i, 1);
    order.push(id);
    placed.add(id);
  }
  const pos = new Map(order.map((id, i) => [id, i]));
  const testsAfter = new Map(); // position (-1: before every model) → test statements
  let testCount = 0;
  for (const [id, node] of Object.entries(nodes)) {
    if (node.resource_type !== 'test') continue;
    const code = node.compiled_code ?? testNodes[id]?.compiled_code;
    if (!code) throw new Error(`no compiled_code for ${id} in manifest.json`);
    const failCalc = typeof node.config?.fail_calc === 'string' ? node.config.fail_calc : 'count(*)';
    const after = Math.max(-1, ...[...effParents(id)].map((p) => pos.get(p) ?? -1));
    if (!testsAfter.has(after)) testsAfter.set(after, []);
    testsAfter.get(after).push(`--test\nselect coalesce(${failCalc}, 0) as failures from (\n${code}\n) dbt_internal_test`);
    testCount++;
  }
  const models = ["SET GLOBAL TimeZone = 'UTC'"];
  const withTests = ["SET GLOBAL TimeZone = 'UTC'", ...(testsAfter.get(-1) ?? [])];
  order.forEach((id, i) => {
    const file = join(runDir, nodes[id].original_file_path.replace(/\.(sql|csv)$/, '.sql'));
    if (!existsSync(file)) throw new Error(`no executed SQL for ${id} at ${file}`);
    const sql = readFileSync(file, 'utf8');
    models.push(sql);
    withTests.push(sql, ...(testsAfter.get(i) ?? []));
  });
  return { models, withTests, modelCount: order.length, testCount, order: order.map((id) => id.split('.').pop()) };
}

// ---------------------------------------------------------------------------------------------
// BI queries.

function biQueries() {
  const text = readFileSync(join(REPO_ROOT, 'sample_queries.sql'), 'utf8');
  const noComments = text.split('\n').filter((l) => !l.trim().startsWith('--')).join('\n');
  return noComments.split(';').map((s) => s.trim()).filter(Boolean).slice(0, 3);
}

async function timeBi(db) {
  const queries = biQueries();
  const instance = await DuckDBInstance.create(db, { access_mode: 'READ_ONLY' });
  const conn = await instance.connect();
  const out = [];
  try {
    await conn.run("SET TimeZone = 'UTC'");
    for (const q of queries) {
      await conn.runAndReadAll(q); // warm-up
      const samples = [];
      let rows = 0;
      for (let i = 0; i < 10; i++) {
        const t = performance.now();
        const r = await conn.runAndReadAll(q);
        samples.push(performance.now() - t);
        rows = r.currentRowCount;
      }
      out.push({ sql: q, median: median(samples), samples, rows });
    }
  } finally {
    conn.closeSync();
    instance.closeSync();
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Main.

const rows = [];
const notes = [];
const verdict = (value, budget) => (value === undefined || Number.isNaN(value) ? 'n/a' : value <= budget ? 'ok' : 'over');
const sec = (ms) => `${(ms / 1000).toFixed(1)} s`;

const work = mkdtempSync(join(tmpdir(), 'wh-bench-'));
const projectDir = join(work, 'project');
mkdirSync(projectDir);
for (const f of ['project.yml', 'profiles.yml', 'models', 'seeds', 'macros', 'tests', 'sample_queries.sql']) {
  cpSync(join(REPO_ROOT, f), join(projectDir, f), { recursive: true });
}
const cli = snapshotCli(join(work, 'cli'));
const rawDb = join(work, 'landed.duckdb');
const incDb = join(work, 'increment.duckdb');
const whDb = join(work, 'warehouse.duckdb');
const builtDb = join(work, 'built.duckdb');
const directDb = join(work, 'direct.duckdb');
log(`work folder ${work}; machine: ${machine()}; load ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);

let exitCode = 0;
try {
  const { counts, inc } = await generate(rawDb, incDb);
  const scaleNote = `${Number(counts.events).toLocaleString()} events, ${Number(counts.sessions).toLocaleString()} sessions, ${Number(counts.jobs).toLocaleString()} jobs`;
  // Freshness is measured at a fixed clock just after the newest event, so the data is never "stale".
  const nowFull = '2026-10-31T01:00:00Z';
  const nowInc = '2026-10-31T11:00:00Z';
  const env = (now) => ({ MODELRUN_WAREHOUSE: whDb, MODELRUN_NOW: now });
  const cliArgs = (extra, { land = false } = {}) => [cli, 'build', ...(land ? [] : ['--no-extract']), '--project-dir', projectDir, '--profiles-dir', projectDir, ...extra];


  // --- full build (with data tests), each on a fresh copy of the raw-only DB
  const runFull = (extra, label) => {
    copyDb(rawDb, whDb);
    log(`${label} ...`);
    try {
      const r = timedNode(cliArgs(['--full-refresh', ...extra]), { cwd: projectDir, env: env(nowFull), label });
      log(`${label}: ${sec(r.ms)}, peak RSS ${r.rssMb?.toFixed(0)} MB`);
      return r;
    } catch (e) {
      const m = /__MAXRSS_KB=(\d+)/.exec(e.stderr ?? '');
      const errs = (e.stdout ?? '').split('\n').filter((l) => /ERROR|error:|Finished running/.test(l)).slice(0, 12);
      log(`${label} FAILED after ${sec(e.ms)}: ${e.message}\n${errs.join('\n')}`);
      notes.push(`${label} FAILED (${e.message}) after ${sec(e.ms)}: ${errs.filter((l) => /error:|Finished/.test(l)).join(' / ')}`);
      exitCode = 1;
      return { ms: e.ms, rssMb: m ? Number(m[1]) / 1024 : undefined, failed: true };
    }
  };
  const remaining = () => BUDGET_MS - (performance.now() - T_START);
  const targetAfterFull = join(work, 'target-after-full');
  const full = [];
  const fullRss = [];
  let fullFailed = false;
  let fullSlowest = [];
  for (let i = 1; ; i++) {
    const r = runFull([], `full build #${i}`);
    full.push(r.ms);
    fullRss.push(r.rssMb);
    fullSlowest = slowest(projectDir);
    log(`slowest nodes: ${fullSlowest.join(', ')}`);
    if (r.failed) fullFailed = true;
    if (i === 1) {
      copyFileSync(join(projectDir, 'target', 'manifest.json'), join(work, 'manifest-with-tests.json'));
      // The scheduled build follows a build with tests: its warehouse and target/ (with the test state
      // that lets tests check only the rows a build writes) are where the incremental runs start.
      if (!r.failed) {
        copyDb(whDb, builtDb);
        cpSync(join(projectDir, 'target'), targetAfterFull, { recursive: true });
      }
    }
    // Everything else costs about 4.5 full builds; repeat only if that still fits the budget.
    const want = FORCED_RUNS > 0 ? FORCED_RUNS : remaining() > r.ms * 6.5 ? 3 : 1;
    if (i >= want) break;
  }

  // --- full build without data tests (the models-only side of the direct comparison), and the direct baseline
  const runDirect = (file, label) => {
    copyDb(rawDb, directDb);
    log(`${label} ...`);
    const d = timedNode([SELF, '--direct-child', directDb, file], { cwd: work, env: {}, label });
    log(`${label}: ${sec(d.ms)}, peak RSS ${d.rssMb?.toFixed(0)} MB`);
    return d;
  };
  const noTests = [];
  const directModels = [];
  let stmts;
  for (let i = 1; ; i++) {
    const r = runFull(['--exclude', 'resource_type:test'], `full build without data tests #${i}`);
    noTests.push(r.ms);
    if (r.failed) throw new Error('the full build without data tests failed too; nothing to compare against');
    if (i === 1) {
      // This build's statements feed the direct baseline; its warehouse and target/ the incremental runs and
      // the BI queries when the full build with tests failed.
      if (fullFailed) {
        copyDb(whDb, builtDb);
        cpSync(join(projectDir, 'target'), targetAfterFull, { recursive: true });
      }
      stmts = directStatements(projectDir, join(work, 'manifest-with-tests.json'));
      log(`direct order: ${stmts.order.join(' → ')}`);
      writeFileSync(join(work, 'models.json'), JSON.stringify(stmts.models));
      writeFileSync(join(work, 'with-tests.json'), JSON.stringify(stmts.withTests));
    }
    directModels.push(runDirect(join(work, 'models.json'), `direct node-api, ${stmts.modelCount} model+seed statements #${i}`).ms);
    const pair = noTests[0] + directModels[0];
    const want = FORCED_RUNS > 0 ? FORCED_RUNS : remaining() > pair * 1.2 + 2 * 60_000 ? (remaining() > pair * 2.2 + 2 * 60_000 ? 3 : 2) : 1;
    if (i >= want) break;
  }
  // One run by default (the time budget); --runs N repeats it too, since full builds with tests spread widely here.
  const directWithTests = Array.from({ length: FORCED_RUNS > 0 ? FORCED_RUNS : 1 }, (_, i) => runDirect(join(work, 'with-tests.json'), `direct node-api, models+seeds+${stmts.testCount} tests #${i + 1}`).ms);

  const fullMed = median(full);
  const ntMed = median(noTests);
  const dmMed = median(directModels);
  const dtMed = median(directWithTests);
  const runsCell = (xs) => `${xs.length}${xs.length > 1 ? ` (median of ${xs.map((m) => (m / 1000).toFixed(1)).join(', ')} s)` : ''}`;
  rows.push([`full build, \`build --no-extract --full-refresh\` (11 models+seeds, ${stmts.testCount} data tests, freshness)`, '—', `${sec(fullMed)}${fullFailed ? ' — FAILED (exit 1, see notes)' : ''}`, runsCell(full), fullFailed ? 'FAIL' : '—']);
  const rssMax = Math.max(...fullRss.filter((x) => x !== undefined));
  rows.push(['peak RSS of the full build (modelrun process, /usr/bin/time %M)', '—', Number.isFinite(rssMax) ? `${rssMax.toFixed(0)} MB` : 'n/a', `${full.length} (max)`, '—']);
  rows.push(['full build without data tests (`--exclude resource_type:test`)', '—', sec(ntMed), runsCell(noTests), '—']);
  rows.push([`direct @duckdb/node-api: the same ${stmts.modelCount} model+seed statements, one child process`, '—', sec(dmMed), runsCell(directModels), '—']);
  rows.push(['modelrun ÷ direct, models + seeds (no tests)', '≤ 1.10×', `${(ntMed / dmMed).toFixed(2)}×`, `${Math.min(noTests.length, directModels.length)}`, verdict(ntMed / dmMed, 1.1)]);
  rows.push([`direct @duckdb/node-api: models + seeds + ${stmts.testCount} data-test queries`, '—', sec(dtMed), runsCell(directWithTests), '—']);
  rows.push(['modelrun ÷ direct, with data tests', '≤ 1.10×', `${(fullMed / dtMed).toFixed(2)}×${fullFailed ? ' (modelrun run failed early)' : ''}`, `${Math.min(full.length, directWithTests.length)}`, fullFailed ? 'n/a' : verdict(fullMed / dtMed, 1.1)]);

  // --- incremental build after 1% new events: the scheduled command, then the same without data tests (the split)
  const incRuns = FORCED_RUNS > 0 ? FORCED_RUNS : remaining() > ntMed * 0.7 * 3 + 30_000 ? 3 : 1;
  // `supabase`: the build lands the increment itself from the stand-in; otherwise it is inserted beforehand with SQL.
  const incremental = async (extra, label, supabase) => {
    const ms = [];
    let nodes = [];
    let split;
    const landingMs = [];
    for (let i = 1; i <= incRuns; i++) {
      copyDb(builtDb, whDb);
      rmSync(join(projectDir, 'target'), { recursive: true, force: true });
      cpSync(targetAfterFull, join(projectDir, 'target'), { recursive: true });
      if (!supabase) await applyIncrement(whDb, incDb);
      log(`${label} #${i} (+${Number(inc.events).toLocaleString()} events) ...`);
      try {
        const credentials = supabase ? { SUPABASE_URL: supabase.url, SUPABASE_SERVICE_ROLE_KEY: supabase.key } : {};
        const ir = timedNode(cliArgs(extra, { land: Boolean(supabase) }), { cwd: projectDir, env: { ...env(nowInc), ...credentials }, label: `${label} #${i}` });
        ms.push(ir.ms);
        log(`${label} #${i}: ${sec(ir.ms)}, peak RSS ${ir.rssMb?.toFixed(0)} MB`);
        nodes = slowest(projectDir);
        split = narrowedSplit(projectDir);
        if (supabase) {
          const landed = landings(projectDir);
          landingMs.push(landed.reduce((ms, r) => ms + r.execution_time * 1000, 0));
          // The row label says the build landed the increment: check that it did, event for event.
          const events = landed.find((r) => r.unique_id.endsWith('.analytics_events'))?.adapter_response?.rows_affected;
          if (events !== Number(inc.events)) {
            notes.push(`${label} #${i} landed ${events} new events, not the increment's ${inc.events}`);
            exitCode = 1;
          }
        }
      } catch (e) {
        log(`${label} #${i} FAILED: ${e.message}\n${e.stdout?.slice(-3000)}`);
        notes.push(`${label} failed (${e.message})`);
        exitCode = 1;
        ms.push(e.ms);
      }
    }
    return { ms, nodes, split, landingMs };
  };
  const supabase = await serveIncrement(rawDb, incDb);
  let scheduled;
  try {
    log(`Supabase stand-in at ${supabase.url}: ${JSON.stringify(supabase.rows)} rows`);
    scheduled = await incremental([], 'scheduled incremental build (lands the increment)', supabase);
  } finally {
    await supabase.stop();
  }
  const { ms: incMs, nodes: incSlowest, split: testSplit } = await incremental([], 'incremental build');
  const { ms: incModelsMs } = await incremental(['--exclude', 'resource_type:test'], 'incremental build without data tests');
  const incMed = median(incMs);
  const incModelsMed = median(incModelsMs);
  const schedMed = median(scheduled.ms);
  const fullRef = fullFailed ? ntMed : fullMed;
  const ofFull = (which) => `${which} incremental build ÷ full build${fullFailed ? ' (÷ the full build without tests, since the one with tests failed)' : ''}`;
  const increment = `+${Number(inc.events).toLocaleString()} events, ${Number(inc.sessions).toLocaleString()} sessions, ${Number(inc.jobs).toLocaleString()} jobs`;
  rows.push([`scheduled incremental build after +1% events (${increment}): \`build\` lands them itself through supabase-js from the local PostgREST-compatible stand-in, then builds and tests`, '—', sec(schedMed), runsCell(scheduled.ms), '—']);
  rows.push([ofFull('scheduled'), '≤ 10%', `${((schedMed / fullRef) * 100).toFixed(1)}%`, `${scheduled.ms.length}`, verdict(schedMed / fullRef, 0.1)]);
  if (scheduled.landingMs.length > 0) rows.push(['↳ its three landings (the sum of each raw table\'s landing time, HTTP included)', '—', sec(median(scheduled.landingMs)), runsCell(scheduled.landingMs), '—']);
  if (scheduled.split) {
    rows.push([`↳ its data tests checked on the rows it merged or landed (${scheduled.split.narrowed.count} tests, sum of their times, last run)`, '—', `${(scheduled.split.narrowed.ms / 1000).toFixed(2)} s`, '1', '—']);
    rows.push([`↳ its data tests on whole tables (${scheduled.split.whole.count} tests)`, '—', `${(scheduled.split.whole.ms / 1000).toFixed(2)} s`, '1', '—']);
  }
  rows.push([`incremental build after the same +1%, inserted beforehand with SQL (outside modelrun), \`build --no-extract\``, '—', sec(incMed), runsCell(incMs), '—']);
  rows.push([ofFull('`--no-extract`'), '≤ 10%', `${((incMed / fullRef) * 100).toFixed(1)}%`, `${incMs.length}`, verdict(incMed / fullRef, 0.1)]);
  rows.push(['split: the same incremental build without data tests (models, seeds, freshness)', '—', sec(incModelsMed), runsCell(incModelsMs), '—']);
  rows.push(['split: incremental without data tests ÷ full build without data tests', '—', `${((incModelsMed / ntMed) * 100).toFixed(1)}%`, `${incModelsMs.length}`, '—']);
  rows.push([`split: the ${stmts.testCount} data tests' part of the incremental build (difference of medians)`, '—', sec(incMed - incModelsMed), '—', '—']);
  if (testSplit) {
    rows.push([`split: data tests checked on the rows the build merged or landed (${testSplit.narrowed.count} tests, sum of their times, last run)`, '—', `${(testSplit.narrowed.ms / 1000).toFixed(2)} s`, '1', '—']);
    rows.push([`split: data tests on whole tables (${testSplit.whole.count} tests: the rest, the raw tables' source tests included)`, '—', `${(testSplit.whole.ms / 1000).toFixed(2)} s`, '1', '—']);
  }
  log(`incremental slowest nodes: ${incSlowest.join(', ')}`);
  log(`scheduled incremental slowest nodes: ${scheduled.nodes.join(', ')}`);

  // --- BI queries on the built (full) warehouse
  log('BI queries (warm, median of 10) ...');
  const bi = await timeBi(builtDb);
  const names = ['BI 1: tool category downloads (fact_daily_kpis ⋈ dim_tools)', 'BI 2: conversion funnel (fact_daily_kpis)', 'BI 3: peak usage by hour (fact_analytics ⋈ dim_time, event level)'];
  const budgets = [50, 50, 1000];
  bi.forEach((q, i) => {
    log(`${names[i]}: median ${q.median.toFixed(1)} ms [${q.samples.map((s) => s.toFixed(1)).join(', ')}], ${q.rows} rows`);
    rows.push([names[i], `≤ ${budgets[i]} ms`, `${q.median.toFixed(1)} ms`, '10 (median, warm)', verdict(q.median, budgets[i])]);
  });

  const header = ['metric', 'target', 'measured', 'runs', 'verdict'];
  process.stdout.write(`\nScale: ${scaleNote} over 37 days (${counts.first_at} … ${counts.last_at})${EVENTS !== 10_000_000 ? ` — reduced scale (--events ${EVENTS})` : ''}; raw file ${(statSync(rawDb).size / 1e9).toFixed(2)} GB, built file ${(statSync(builtDb).size / 1e9).toFixed(2)} GB\n`);
  process.stdout.write(`Machine: ${machine()}; load average ${loadavg().map((l) => l.toFixed(2)).join(' ')} (1-min ${load1()}); bench took ${((performance.now() - T_START) / 1000).toFixed(0)} s\n\n`);
  process.stdout.write(`${markdownTable(header, rows, { maxPad: 70 })}\n\n`);
  process.stdout.write(`Slowest nodes, full build: ${fullSlowest.join(', ')}\n`);
  process.stdout.write(`Slowest nodes, scheduled incremental build: ${scheduled.nodes.join(', ')}\n`);
  process.stdout.write(`Slowest nodes, incremental build (--no-extract): ${incSlowest.join(', ')}\n`);
  for (const n of notes) process.stdout.write(`Note: ${n}\n`);
} catch (e) {
  log(`bench failed: ${e.stack ?? e}`);
  if (e.stdout) log(e.stdout.slice(-3000));
  if (e.stderr) log(e.stderr.slice(-3000));
  exitCode = 2;
} finally {
  if (!KEEP) rmSync(work, { recursive: true, force: true });
  else log(`kept ${work}`);
}
process.exit(exitCode);
