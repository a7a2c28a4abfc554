import { copyFileSync, existsSync, readFileSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pgTimestamp } from '../extract/prng.js';
import { PostgrestServer } from '../extract/postgrest-server.js';
import { activeTools, generateSample, SAMPLE_TABLES, type Row } from '../extract/sample-data.js';
import { makeProject, runCli } from '../test-support/project.js';
import { cliEnv, copyRootProject, REPO } from '../test-support/root-project.js';

// The analytics project at the repository root, built by the compiled CLI with real DuckDB.

// ————— Helpers —————

/** The star schema the BI queries read. */
const STAR_TABLES = ['dim_tools', 'dim_time', 'dim_sessions', 'dim_event_types', 'fact_analytics', 'fact_daily_kpis'] as const;
const RAW_TABLES = ['analytics_events', 'user_sessions', 'processing_jobs'] as const;

const tempDirs: string[] = [];
afterAll(() => {
  for (const d of tempDirs) rmSync(d, { recursive: true, force: true });
});

/** Copies the repo's analytics project into a new temp folder (removed after the file's tests). */
function copyProject(prefix = 'modelrun-warehouse-'): string {
  const dir = copyRootProject(prefix);
  tempDirs.push(dir);
  return dir;
}

const toPlain = (v: unknown): unknown => (typeof v === 'bigint' ? (v <= BigInt(Number.MAX_SAFE_INTEGER) && v >= -BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v.toString()) : v);

/**
 * Opens warehouse files read-only in one in-memory DuckDB (UTC), attached under the given aliases,
 * runs `fn`, and closes everything so the CLI can open the files next.
 */
async function withWarehouses<T>(files: Record<string, string>, fn: (q: (sql: string) => Promise<Record<string, unknown>[]>) => Promise<T>): Promise<T> {
  const instance = await DuckDBInstance.create(':memory:');
  let conn: DuckDBConnection | undefined;
  try {
    conn = await instance.connect();
    await conn.run(`SET TimeZone = 'UTC'`);
    for (const [alias, file] of Object.entries(files)) await conn.run(`ATTACH '${file.replace(/'/g, "''")}' AS ${alias} (READ_ONLY)`);
    const c = conn;
    const q = async (sql: string) => {
      const reader = await c.runAndReadAll(sql);
      return (reader.getRowObjectsJS() as Record<string, unknown>[]).map((r) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, toPlain(v)])));
    };
    return await fn(q);
  } finally {
    conn?.closeSync();
    instance.closeSync();
  }
}

/** One number from a query's first row and column. */
async function scalar(q: (sql: string) => Promise<Record<string, unknown>[]>, sql: string): Promise<number> {
  const rows = await q(sql);
  return Number(Object.values(rows[0] ?? {})[0]);
}

interface TableDiff {
  table: string;
  columnsA: string[];
  columnsB: string[];
  rowsA: number;
  rowsB: number;
  onlyInA: number;
  onlyInB: number;
  /** Up to three rows from each side that the other lacks, as text, for the failure message. */
  sample: string[];
}

/**
 * Compares `schema.table` between attached databases `a` and `b`: column names and types in order,
 * row counts, and the rows as multisets (EXCEPT ALL both ways). `exclude` drops columns from the row comparison.
 */
async function diffTable(q: (sql: string) => Promise<Record<string, unknown>[]>, schema: string, table: string, exclude: string[] = []): Promise<TableDiff> {
  const cols = async (db: string) =>
    (await q(`SELECT column_name || ' ' || data_type AS c FROM duckdb_columns() WHERE database_name = '${db}' AND schema_name = '${schema}' AND table_name = '${table}' ORDER BY column_index`)).map((r) => String(r.c));
  const columnsA = await cols('a');
  const columnsB = await cols('b');
  const except = exclude.length > 0 ? ` EXCLUDE (${exclude.join(', ')})` : '';
  const sel = (db: string) => `SELECT *${except} FROM ${db}.${schema}.${table}`;
  const rowsA = await scalar(q, `SELECT count(*) FROM a.${schema}.${table}`);
  const rowsB = await scalar(q, `SELECT count(*) FROM b.${schema}.${table}`);
  const onlyInA = await scalar(q, `SELECT count(*) FROM (${sel('a')} EXCEPT ALL ${sel('b')})`);
  const onlyInB = await scalar(q, `SELECT count(*) FROM (${sel('b')} EXCEPT ALL ${sel('a')})`);
  const sample: string[] = [];
  if (onlyInA + onlyInB > 0) {
    for (const r of await q(`(${sel('a')} EXCEPT ALL ${sel('b')}) LIMIT 3`)) sample.push(`only in A: ${JSON.stringify(r)}`);
    for (const r of await q(`(${sel('b')} EXCEPT ALL ${sel('a')}) LIMIT 3`)) sample.push(`only in B: ${JSON.stringify(r)}`);
  }
  return { table: `${schema}.${table}`, columnsA, columnsB, rowsA, rowsB, onlyInA, onlyInB, sample };
}

/**
 * Splits a SQL script into statements on ';' outside `--` and `/* *\/` comments and quoted text.
 * Each statement keeps the comments written directly above it; `code` is the statement without them.
 */
function splitSql(text: string): { text: string; code: string }[] {
  const out: { text: string; code: string }[] = [];
  let cur = '';
  let code = '';
  let i = 0;
  while (i < text.length) {
    const ch = text[i]!;
    const two = text.slice(i, i + 2);
    if (two === '--') {
      const end = text.indexOf('\n', i);
      const stop = end < 0 ? text.length : end;
      cur += text.slice(i, stop);
      i = stop;
    } else if (two === '/*') {
      const end = text.indexOf('*/', i + 2);
      const stop = end < 0 ? text.length : end + 2;
      cur += text.slice(i, stop);
      i = stop;
    } else if (ch === "'" || ch === '"') {
      let j = i + 1;
      while (j < text.length) {
        if (text[j] === ch && text[j + 1] === ch) j += 2;
        else if (text[j] === ch) break;
        else j++;
      }
      cur += text.slice(i, j + 1);
      code += text.slice(i, j + 1);
      i = j + 1;
    } else if (ch === ';') {
      if (code.trim() !== '') out.push({ text: cur.trim(), code: code.trim() });
      cur = '';
      code = '';
      i++;
    } else {
      cur += ch;
      code += ch;
      i++;
    }
  }
  if (code.trim() !== '') out.push({ text: cur.trim(), code: code.trim() });
  return out;
}

// ————— The warehouse built on the embedded sample —————

/** The original pipeline's "Sample BI Queries" (shared/docs/original-pipeline-README.md), byte for byte. */
const ORIGINAL_QUERIES = [
  [
    '-- SaaS tool performance analysis',
    'SELECT t.tool_category, SUM(k.total_downloads) as completed_transactions',
    'FROM fact_daily_kpis k',
    'JOIN dim_tools t ON k.tool_key = t.tool_key',
    'GROUP BY t.tool_category',
    'ORDER BY completed_transactions DESC;',
  ].join('\n'),
  [
    '-- Conversion funnel analysis  ',
    'SELECT date, ',
    '       total_uploads as initiated_sessions,',
    '       total_processing as active_processing,',
    '       total_downloads as completed_transactions,',
    '       ROUND(total_downloads * 100.0 / total_uploads, 2) as conversion_rate',
    'FROM fact_daily_kpis',
    'ORDER BY date DESC;',
  ].join('\n'),
  [
    '-- Peak usage analysis',
    'SELECT tm.hour, COUNT(*) as events, COUNT(DISTINCT f.session_key) as sessions',
    'FROM fact_analytics f',
    'JOIN dim_time tm ON f.time_key = tm.time_key',
    'GROUP BY tm.hour',
    'ORDER BY events DESC;',
  ].join('\n'),
];
const ORIGINAL_DOC = resolve(REPO, '../shared/docs/original-pipeline-README.md');

/** What the embedded sample (seed 20261031, 37 days ending 2026-11-01, the 28 active catalog tools) lands and builds. */
const SAMPLE = {
  events: 18_501,
  sessions: 3_713,
  jobs: 2_807,
  byType: { page_view: 7_529, file_upload: 3_113, processing_started: 2_807, processing_completed: 2_597, processing_failed: 210, file_download: 2_245 },
  hours: 888, // 37 days × 24
  dimTools: 55, // the 54 catalog tools + "unknown" (events without a tool)
  kpiRows: 1_064,
  tools: 28,
};

/** One line per table that differs (columns, row counts, rows either side lacks), for a readable failure. */
function unequal(diffs: TableDiff[]): string[] {
  return diffs
    .filter((d) => d.onlyInA + d.onlyInB > 0 || d.rowsA !== d.rowsB || d.columnsA.join() !== d.columnsB.join())
    .map((d) => {
      const cols = d.columnsA.join() === d.columnsB.join() ? 'same columns' : `columns A [${d.columnsA.join(', ')}] vs B [${d.columnsB.join(', ')}]`;
      return `${d.table}: rows A=${d.rowsA} B=${d.rowsB}, ${d.onlyInA} only in A, ${d.onlyInB} only in B, ${cols}${d.sample.map((x) => `\n    ${x}`).join('')}`;
    });
}

function summaryLine(stdout: string): string {
  return stdout.split('\n').find((l) => l.startsWith('Finished running')) ?? `(no summary line)\n${stdout.slice(-3000)}`;
}

function expectAllPassed(r: { code: number; stdout: string; stderr: string }, dir: string): void {
  expect(r.stderr, r.stdout.slice(-4000)).toBe('');
  expect(r.code, r.stdout.slice(-4000)).toBe(0);
  const m = /PASS=(\d+) WARN=(\d+) ERROR=(\d+) SKIP=(\d+) TOTAL=(\d+)$/m.exec(r.stdout);
  expect(m, summaryLine(r.stdout)).not.toBeNull();
  const [, pass, warn, error, skip, total] = m!.map(Number);
  expect({ warn, error, skip, pass }, summaryLine(r.stdout)).toEqual({ warn: 0, error: 0, skip: 0, pass: total });
  const results = JSON.parse(readFileSync(join(dir, 'target/run_results.json'), 'utf8')) as { results: { unique_id: string; status: string }[] };
  const bad = results.results.filter((x) => !['success', 'pass'].includes(x.status)).map((x) => `${x.unique_id}: ${x.status}`);
  expect(bad).toEqual([]);
  // Every data test of the project ran and passed.
  expect(results.results.filter((x) => x.unique_id.startsWith('test.')).length).toBeGreaterThanOrEqual(41);
}

describe('the PDF analytics warehouse on the embedded sample', () => {
  let dir: string;
  let db: string;
  let firstBuild: { code: number; stdout: string; stderr: string };

  beforeAll(async () => {
    dir = copyProject();
    db = join(dir, 'w.duckdb');
    // A machine far from UTC (+05:30): the warehouse must still work in UTC.
    firstBuild = await runCli(['build'], dir, cliEnv({ MODELRUN_WAREHOUSE: db, TZ: 'Asia/Kolkata' }));
  });

  it('builds with no credentials: lands the sample, builds the star and every data test passes', () => {
    expectAllPassed(firstBuild, dir);
    expect(firstBuild.stdout).toContain('Extracting 3 tables from the embedded sample (no SUPABASE_URL set; 18,501 events, 3,713 sessions, 2,807 jobs)\n');
    expect(firstBuild.stdout).toMatch(/^raw\.analytics_events: \+18,501 new rows \(first load\) in \d+\.\ds$/m);
    expect(firstBuild.stdout).toMatch(/^Finished running 9 models, 2 seeds, 41 data tests, 3 sources, 3 landed tables in [\d.]+s\.  PASS=58 WARN=0 ERROR=0 SKIP=0 TOTAL=58$/m);
    expect(existsSync(db)).toBe(true);
    // profiles.yml's MODELRUN_WAREHOUSE was honoured: nothing was written to the default path.
    expect(existsSync(join(dir, 'data/dashboard_analytics.duckdb'))).toBe(false);
    // The quality report counts tables; an untested staging view is not re-run just to count it.
    const report = readFileSync(join(dir, 'target/data_quality_report.md'), 'utf8');
    expect(report).toContain(`| fact_analytics | model | ${SAMPLE.events.toLocaleString('en-US')} | 12 | 12 | 0 | 0 | 0 |  |\n`);
    expect(report).toContain('| stg_analytics_events | model | — | 0 | 0 | 0 | 0 | 0 |  |\n');
  });

  it('lands the deterministic sample: exact raw counts', async () => {
    await withWarehouses({ w: db }, async (q) => {
      const [c] = await q(`SELECT (SELECT count(*) FROM w.raw.analytics_events) e, (SELECT count(DISTINCT id) FROM w.raw.analytics_events) de,
        (SELECT count(*) FROM w.raw.user_sessions) s, (SELECT count(*) FROM w.raw.processing_jobs) j,
        (SELECT count(DISTINCT tool_slug) FROM w.raw.analytics_events) tools`);
      expect(c).toEqual({ e: SAMPLE.events, de: SAMPLE.events, s: SAMPLE.sessions, j: SAMPLE.jobs, tools: SAMPLE.tools });
      const byType = Object.fromEntries((await q(`SELECT event_type, count(*) n FROM w.raw.analytics_events GROUP BY ALL`)).map((r) => [r.event_type, r.n]));
      expect(byType).toEqual(SAMPLE.byType);
    });
  });

  it('fact_analytics holds every landed event exactly once, with the right UTC hour', async () => {
    await withWarehouses({ w: db }, async (q) => {
      expect(await scalar(q, 'SELECT count(*) FROM w.main.fact_analytics')).toBe(await scalar(q, 'SELECT count(DISTINCT id) FROM w.raw.analytics_events'));
      expect(await scalar(q, 'SELECT count(*) FROM w.main.fact_analytics')).toBe(SAMPLE.events);
      expect(await scalar(q, 'SELECT count(DISTINCT event_id) FROM w.main.fact_analytics')).toBe(SAMPLE.events);
      // Same ids both ways, and each event's time_key is the UTC hour of its created_at (computed here, not by the project's macro).
      expect(await scalar(q, `SELECT count(*) FROM w.raw.analytics_events r FULL JOIN w.main.fact_analytics f ON f.event_id = r.id
        WHERE r.id IS NULL OR f.event_id IS NULL
           OR f.time_key <> CAST(strftime(date_trunc('hour', timezone('UTC', r.created_at)), '%Y%m%d%H') AS INTEGER)
           OR f.event_type IS DISTINCT FROM r.event_type OR f.tool_slug IS DISTINCT FROM r.tool_slug
           OR f.session_id IS DISTINCT FROM CAST(r.session_id AS VARCHAR)`)).toBe(0);
      // Each event's event_type agrees with its key.
      expect(await scalar(q, `SELECT count(*) FROM w.main.fact_analytics f JOIN w.main.dim_event_types d USING (event_type_key) WHERE d.event_type <> f.event_type`)).toBe(0);
    });
  });

  it('dim_sessions has one row per session of the raw sessions and the events, covering every fact session', async () => {
    await withWarehouses({ w: db }, async (q) => {
      const expected = await scalar(q, `SELECT count(*) FROM (SELECT CAST(id AS VARCHAR) FROM w.raw.user_sessions UNION SELECT CAST(session_id AS VARCHAR) FROM w.raw.analytics_events WHERE session_id IS NOT NULL)`);
      expect(expected).toBe(SAMPLE.sessions);
      expect(await scalar(q, 'SELECT count(*) FROM w.main.dim_sessions')).toBe(expected);
      expect(await scalar(q, 'SELECT count(DISTINCT session_id) FROM w.main.dim_sessions')).toBe(expected);
      expect(await scalar(q, `SELECT count(*) FROM (SELECT DISTINCT session_id FROM w.main.fact_analytics) f WHERE NOT EXISTS (SELECT 1 FROM w.main.dim_sessions d WHERE d.session_id = f.session_id)`)).toBe(0);
      // What each session did agrees with the raw events.
      expect(await scalar(q, `SELECT count(*) FROM w.main.dim_sessions d LEFT JOIN (
          SELECT CAST(session_id AS VARCHAR) sid, count(*) n, count(*) FILTER (WHERE event_type = 'file_upload') up, bool_or(event_type = 'file_download') conv
          FROM w.raw.analytics_events GROUP BY 1) r ON r.sid = d.session_id
        WHERE d.event_count <> coalesce(r.n, 0) OR d.uploads <> coalesce(r.up, 0) OR d.converted <> coalesce(r.conv, false)`)).toBe(0);
    });
  });

  it('fact_daily_kpis adds up to the raw events', async () => {
    await withWarehouses({ w: db }, async (q) => {
      const [k] = await q(`SELECT sum(total_uploads) up, sum(total_processing) proc, sum(total_downloads) down, sum(failures) fail, sum(page_views) pv, count(*) n FROM w.main.fact_daily_kpis`);
      const [r] = await q(`SELECT count(*) FILTER (WHERE event_type = 'file_upload') up, count(*) FILTER (WHERE event_type = 'processing_started') proc,
        count(*) FILTER (WHERE event_type = 'file_download') down, count(*) FILTER (WHERE event_type = 'processing_failed') fail,
        count(*) FILTER (WHERE event_type = 'page_view') pv,
        count(DISTINCT (CAST(timezone('UTC', created_at) AS DATE), coalesce(tool_slug, '<none>'))) n
        FROM w.raw.analytics_events`);
      expect(k).toEqual(r);
      expect(k).toEqual({ up: SAMPLE.byType.file_upload, proc: SAMPLE.byType.processing_started, down: SAMPLE.byType.file_download, fail: SAMPLE.byType.processing_failed, pv: SAMPLE.byType.page_view, n: SAMPLE.kpiRows });
      // The UTC dates are the 37 days of the sample.
      expect(await q(`SELECT count(DISTINCT date) d, min(date)::VARCHAR lo, max(date)::VARCHAR hi FROM w.main.fact_daily_kpis`)).toEqual([{ d: 37, lo: '2026-09-25', hi: '2026-10-31' }]);
    });
  });

  it('dim_tools holds the whole catalog plus "unknown"; dim_event_types the six event types', async () => {
    const catalog = readFileSync(join(REPO, 'seeds/tool_catalog.csv'), 'utf8').split(/\r?\n/).slice(1).filter((l) => l.trim() !== '').map((l) => l.split(',')[0]!);
    expect(catalog.length).toBeGreaterThanOrEqual(54);
    await withWarehouses({ w: db }, async (q) => {
      const slugs = (await q(`SELECT tool_slug FROM w.main.dim_tools ORDER BY 1`)).map((r) => r.tool_slug);
      expect(slugs).toEqual([...catalog, 'unknown'].sort());
      expect(slugs).toHaveLength(SAMPLE.dimTools);
      expect(await scalar(q, `SELECT count(*) FROM w.main.dim_tools WHERE tool_category <> 'Uncategorized'`)).toBeGreaterThanOrEqual(54);
      expect(await q(`SELECT tool_slug, tool_category FROM w.main.dim_tools WHERE tool_category = 'Uncategorized'`)).toEqual([{ tool_slug: 'unknown', tool_category: 'Uncategorized' }]);
      expect((await q(`SELECT event_type FROM w.main.dim_event_types ORDER BY funnel_order`)).map((r) => r.event_type)).toEqual([
        'page_view', 'file_upload', 'processing_started', 'processing_completed', 'processing_failed', 'file_download',
      ]);
    });
  });

  it('dim_time has one row per UTC hour from the first event to the last, and every event hour', async () => {
    await withWarehouses({ w: db }, async (q) => {
      const span = await scalar(q, `SELECT date_diff('hour', date_trunc('hour', min(timezone('UTC', created_at))), date_trunc('hour', max(timezone('UTC', created_at)))) + 1 FROM w.raw.analytics_events`);
      expect(span).toBe(SAMPLE.hours);
      expect(await scalar(q, 'SELECT count(*) FROM w.main.dim_time')).toBe(span);
      expect(await scalar(q, 'SELECT count(DISTINCT timestamp_hour) FROM w.main.dim_time')).toBe(span);
      expect(await scalar(q, `SELECT count(*) FROM (SELECT DISTINCT date_trunc('hour', timezone('UTC', created_at)) h FROM w.raw.analytics_events) e
        WHERE NOT EXISTS (SELECT 1 FROM w.main.dim_time t WHERE t.timestamp_hour = e.h)`)).toBe(0);
      // The attributes agree with the hour they describe.
      expect(await scalar(q, `SELECT count(*) FROM w.main.dim_time WHERE hour <> hour(timestamp_hour) OR date <> CAST(timestamp_hour AS DATE)
        OR time_key <> year(timestamp_hour) * 1000000 + month(timestamp_hour) * 10000 + day(timestamp_hour) * 100 + hour(timestamp_hour)
        OR is_weekend <> (dayofweek(timestamp_hour) IN (0, 6))`)).toBe(0);
    });
  });

  it('every dimension key of the facts joins (no orphans)', async () => {
    await withWarehouses({ w: db }, async (q) => {
      const orphans = async (fact: string, key: string, dim: string) =>
        scalar(q, `SELECT count(*) FROM w.main.${fact} f WHERE f.${key} IS NULL OR NOT EXISTS (SELECT 1 FROM w.main.${dim} d WHERE d.${key} = f.${key})`);
      expect({
        session: await orphans('fact_analytics', 'session_key', 'dim_sessions'),
        time: await orphans('fact_analytics', 'time_key', 'dim_time'),
        tool: await orphans('fact_analytics', 'tool_key', 'dim_tools'),
        eventType: await orphans('fact_analytics', 'event_type_key', 'dim_event_types'),
        kpiTool: await orphans('fact_daily_kpis', 'tool_key', 'dim_tools'),
      }).toEqual({ session: 0, time: 0, tool: 0, eventType: 0, kpiTool: 0 });
      // And each key resolves to the natural key it was made from.
      expect(await scalar(q, `SELECT count(*) FROM w.main.fact_analytics f JOIN w.main.dim_tools t USING (tool_key) WHERE t.tool_slug <> coalesce(f.tool_slug, 'unknown')`)).toBe(0);
      expect(await scalar(q, `SELECT count(*) FROM w.main.fact_analytics f JOIN w.main.dim_sessions s USING (session_key) WHERE s.session_id <> f.session_id`)).toBe(0);
    });
  });

  it('its reconciliation tests catch a fact row swapped for another, a fact row lost and a KPI miscounted', async () => {
    const broken = join(dir, 'broken.duckdb');
    copyFileSync(db, broken);
    const corrupt = async (sql: string) => {
      const instance = await DuckDBInstance.create(broken);
      const conn = await instance.connect();
      try {
        await conn.run(sql);
      } finally {
        conn.closeSync();
        instance.closeSync();
      }
    };
    const reconcile = async () => {
      const r = await runCli(['test', '--select', 'test_type:singular', 'row_count_fact_analytics_ref_stg_analytics_events_'], dir, cliEnv({ MODELRUN_WAREHOUSE: broken }));
      const verbs = Object.fromEntries([...r.stdout.matchAll(/^\d+ of \d+ (PASS|FAIL \d+) (\S+) \./gm)].map((m) => [m[2], m[1]]));
      return { code: r.code, verbs };
    };
    // As many fact rows as raw events, and as many KPI rows: only the sets of ids and the counts differ.
    await corrupt(`UPDATE main.fact_analytics SET event_id = -1 WHERE event_id = (SELECT min(event_id) FROM main.fact_analytics);
      UPDATE main.fact_daily_kpis SET total_uploads = total_uploads + 1 WHERE (date, tool_key) = (SELECT (date, tool_key) FROM main.fact_daily_kpis ORDER BY ALL LIMIT 1)`);
    expect(await reconcile()).toEqual({
      code: 1,
      verbs: { fact_analytics_matches_raw: 'FAIL 2', fact_daily_kpis_reconcile: 'FAIL 1', row_count_fact_analytics_ref_stg_analytics_events_: 'PASS' },
    });
    await corrupt(`DELETE FROM main.fact_analytics WHERE event_id = (SELECT max(event_id) FROM main.fact_analytics)`);
    expect((await reconcile()).verbs).toMatchObject({ fact_analytics_matches_raw: 'FAIL 3', row_count_fact_analytics_ref_stg_analytics_events_: 'FAIL 1' });
  });

  it('is deterministic: a second project built from scratch (in another time zone) gives the same star, and a rebuild lands nothing new', async () => {
    const dir2 = copyProject();
    const db2 = join(dir2, 'w.duckdb');
    const again = await runCli(['build'], dir2, cliEnv({ MODELRUN_WAREHOUSE: db2, TZ: 'America/Los_Angeles' }));
    expectAllPassed(again, dir2);
    const diffs = await withWarehouses({ a: db, b: db2 }, async (q) => {
      const out: TableDiff[] = [];
      for (const t of STAR_TABLES) out.push(await diffTable(q, 'main', t));
      for (const t of RAW_TABLES) out.push(await diffTable(q, 'raw', t));
      return out;
    });
    expect(unequal(diffs)).toEqual([]);
    // Rebuilding the second one (incrementally) finds nothing new and changes nothing.
    const rebuild = await runCli(['build'], dir2, cliEnv({ MODELRUN_WAREHOUSE: db2, TZ: 'America/Los_Angeles' }));
    expectAllPassed(rebuild, dir2);
    expect(rebuild.stdout).toMatch(/^raw\.analytics_events: \+0 new rows in \d+\.\ds$/m);
    expect(rebuild.stdout).toMatch(/^raw\.user_sessions: \+0 new rows, 5 rewritten in \d+\.\ds$/m);
    const after = await withWarehouses({ a: db, b: db2 }, async (q) => Promise.all(STAR_TABLES.map((t) => diffTable(q, 'main', t))));
    expect(unequal(after)).toEqual([]);
  });

  it('runs every query of sample_queries.sql, the first three being the original pipeline\'s verbatim', async () => {
    const text = readFileSync(join(dir, 'sample_queries.sql'), 'utf8');
    // The original three, byte for byte and in order, in one block.
    expect(text).toContain(ORIGINAL_QUERIES.join('\n\n'));
    if (existsSync(ORIGINAL_DOC)) expect(readFileSync(ORIGINAL_DOC, 'utf8')).toContain(ORIGINAL_QUERIES.join('\n\n'));
    const statements = splitSql(text);
    expect(statements.length).toBeGreaterThanOrEqual(6);
    ORIGINAL_QUERIES.forEach((orig, i) => {
      const origCode = splitSql(orig)[0]!.code;
      expect(statements[i]!.code).toBe(origCode);
      expect(statements[i]!.text).toContain(orig.replace(/;$/, ''));
    });
    await withWarehouses({ w: db }, async (q) => {
      // Unqualified, as BI tools run them: the star lives in the file's default schema.
      await q('USE w');
      for (const s of statements) {
        const rows = await q(s.code);
        expect(rows.length, s.text).toBeGreaterThan(0);
      }
    });
    // The splitter agrees with DuckDB's own parser on the number of statements.
    const inst = await DuckDBInstance.create(':memory:');
    const conn = await inst.connect();
    try {
      expect((await conn.extractStatements(text)).count).toBe(statements.length);
    } finally {
      conn.closeSync();
      inst.closeSync();
    }
    // Peak usage: the per-hour events add up to every event.
    await withWarehouses({ w: db }, async (q) => {
      await q('USE w');
      const peak = await q(statements[2]!.code);
      expect(peak).toHaveLength(24);
      expect(peak.reduce((s, r) => s + Number(r.events), 0)).toBe(SAMPLE.events);
      const perCategory = await q(statements[0]!.code);
      expect(perCategory.reduce((s, r) => s + Number(r.completed_transactions), 0)).toBe(SAMPLE.byType.file_download);
    });
  });
});

// ————— The project's time macros —————

describe("the project's time macros", () => {
  it('give the UTC instant of timestamps with or without a zone, of text with an offset, of infinities and NULL, and its hour key', async () => {
    const macros = Object.fromEntries(['time.sql', 'keys.sql'].map((f) => [`macros/${f}`, readFileSync(join(REPO, 'macros', f), 'utf8')]));
    const dir = makeProject({
      ...macros,
      'models/times.sql': [
        `select n, {{utc "tz"}} as from_tz, {{utc "ts"}} as from_ts, {{utc "txt"}} as from_text, {{time_key "ts"}} as hour_key, {{utc_date "tz"}} as "day"`,
        `from (values`,
        `  (1, timestamptz '2026-10-31 23:30:00.123456+02', timestamp '2026-10-31 23:30:00.123456', '2026-10-31 23:30:00+02'),`,
        `  (2, timestamptz '1969-12-31 23:59:59.999999+00', timestamp '1969-12-31 23:59:59.999999', '1969-12-31 23:59:59'),`,
        `  (3, timestamptz 'infinity', timestamp '-infinity', 'infinity'),`,
        `  (4, null, null, null)`,
        `) t(n, tz, ts, txt)`,
      ].join('\n'),
    });
    tempDirs.push(dir);
    const r = await runCli(['run'], dir, cliEnv({ TZ: 'America/New_York' }));
    expect(r.code, r.stdout + r.stderr).toBe(0);
    const rows = await withWarehouses({ w: join(dir, 'warehouse.duckdb') }, (q) =>
      q('SELECT n, from_tz::VARCHAR tz, from_ts::VARCHAR ts, from_text::VARCHAR txt, hour_key, day::VARCHAR AS "day" FROM w.main.times ORDER BY n'));
    expect(rows).toEqual([
      { n: 1, tz: '2026-10-31 21:30:00.123456', ts: '2026-10-31 23:30:00.123456', txt: '2026-10-31 21:30:00', hour_key: 2026103123, day: '2026-10-31' },
      { n: 2, tz: '1969-12-31 23:59:59.999999', ts: '1969-12-31 23:59:59.999999', txt: '1969-12-31 23:59:59', hour_key: 1969123123, day: '1969-12-31' },
      { n: 3, tz: 'infinity', ts: '-infinity', txt: 'infinity', hour_key: null, day: 'infinity' },
      { n: 4, tz: null, ts: null, txt: null, hour_key: null, day: null },
    ]);
  });
});

// ————— dim_sessions reads stg_analytics_events only through the ephemeral int_session_activity —————

describe('a model built on an ephemeral model, with threads', () => {
  // The warehouse's dim_sessions ← int_session_activity (ephemeral) ← stg_analytics_events: the build must
  // wait for the ephemeral model's own parents. A slow seed behind the ephemeral model makes the race certain.
  it('waits for the parents of the ephemeral model it inlines', async () => {
    let big = 'id,v\n';
    for (let i = 0; i < 300_000; i++) big += `${i},x${i}\n`;
    const dir = makeProject({
      'profiles.yml': 'test_project:\n  target: dev\n  outputs:\n    dev: { type: duckdb, path: warehouse.duckdb, threads: 4 }\n',
      'seeds/big.csv': big,
      'seeds/small.csv': 'id\n1\n',
      'models/activity.sql': '{{config materialized="ephemeral"}}\nselect id from {{ref "big"}}\n',
      'models/sessions.sql': 'select s.id, (select count(*) from {{ref "activity"}}) as n from {{ref "small"}} s\n',
    });
    tempDirs.push(dir);
    const r = await runCli(['build'], dir, cliEnv({}));
    expect(r.stdout.split('\n').filter((l) => /\[ERROR|error:/.test(l)).join('\n')).toBe('');
    expect(r.code).toBe(0);
    expect(await withWarehouses({ w: join(dir, 'warehouse.duckdb') }, (q) => q('SELECT id, n FROM w.main.sessions'))).toEqual([{ id: 1, n: 300_000 }]);
  });
});

// ————— Incremental builds against a PostgREST-compatible server driven by the test —————

const HOUR = 3_600_000_000;
const MIN = 60_000_000;
const END = Date.parse('2026-11-01T00:00:00Z') * 1000;
/** Rows that reached the server before this instant are there for the first build; the rest arrive before the second. */
const CUTOFF = END - 10 * HOUR;
const KEY = 'sb_secret_warehouse_test_0123456789abcdef';
const iso = (micros: number) => new Date(micros / 1000).toISOString();

interface Stages {
  first: { table: string; row: Row }[];
  second: { table: string; row: Row }[];
  /** Events added by hand in the second stage (late ones included), by id. */
  added: { late: number[]; fresh: number[] };
  jobsUpdated: string[];
  sessionsUpdated: string[];
}

/**
 * A smaller sample (4 days) split at CUTOFF by arrival time (the second stage holds the mobile events
 * created before the cutoff that arrive after it, and sessions and jobs that end after it); plus changes made by hand:
 * late events inside the lookback window (one with a tool missing from the catalog, one for a session with
 * no session row), new events for sessions already landed, updated sessions, and jobs finishing.
 */
function stages(): Stages {
  const tools = activeTools(join(REPO, 'seeds/tool_catalog.csv'));
  const recs = [...generateSample({ days: 4, eventsPerDay: 300, end: iso(END), tools })];
  const first = recs.filter((r) => r.arrivedAt < CUTOFF).map((r) => ({ table: r.table as string, row: { ...r.row } }));
  const second = recs.filter((r) => r.arrivedAt >= CUTOFF).map((r) => ({ table: r.table as string, row: { ...r.row } }));
  const micros = (v: unknown) => Date.parse(String(v)) * 1000;
  const firstEvents = first.filter((r) => r.table === 'analytics_events').map((r) => r.row);
  const newest = Math.max(...firstEvents.map((r) => micros(r.created_at)));
  let nextId = Math.max(...recs.filter((r) => r.table === 'analytics_events').map((r) => Number(r.row.id))) + 1;
  const firstSessions = first.filter((r) => r.table === 'user_sessions').map((r) => r.row);
  const firstJobs = first.filter((r) => r.table === 'processing_jobs').map((r) => r.row);

  // Jobs: at the first build a few are still running; they finish (updated_at after the cutoff) before the second.
  const jobsUpdated: string[] = [];
  firstJobs.slice(-6).forEach((job, i) => {
    const done = { ...job, updated_at: pgTimestamp(CUTOFF + (i + 1) * MIN) };
    Object.assign(job, { status: 'running', finished_at: null, output_bytes: null, error_code: null, updated_at: job.started_at });
    second.push({ table: 'processing_jobs', row: done });
    jobsUpdated.push(String(job.id));
  });
  // A job for a tool nobody has used yet, and not in the catalog: dim_tools learns it from the jobs.
  second.push({
    table: 'processing_jobs',
    row: { id: '00000000-0000-4000-8000-000000000001', session_id: firstSessions[0]!.id, tool_slug: 'fax-to-pdf', status: 'queued', input_bytes: 1000, output_bytes: null, pages: 1, created_at: pgTimestamp(CUTOFF + 40 * MIN), started_at: null, finished_at: null, updated_at: pgTimestamp(CUTOFF + 40 * MIN), error_code: null },
  });

  // Sessions already landed keep going: later last_seen_at/updated_at, a changed attribute, and new events.
  const sessionsUpdated: string[] = [];
  const fresh: number[] = [];
  firstSessions.slice(-5).forEach((s, i) => {
    const seen = CUTOFF + (20 + i) * MIN;
    second.push({ table: 'user_sessions', row: { ...s, last_seen_at: pgTimestamp(seen), updated_at: pgTimestamp(seen), utm_source: 'newsletter' } });
    sessionsUpdated.push(String(s.id));
    const id = nextId++;
    fresh.push(id);
    second.push({ table: 'analytics_events', row: { id, created_at: pgTimestamp(seen - MIN), session_id: s.id, user_id: s.user_id, event_type: 'page_view', tool_slug: 'merge-pdf', file_size_bytes: null, page_count: null, duration_ms: null, error_code: null, properties: { path: '/merge-pdf' } } });
  });

  // Late events: created before the newest event of the first build, inside both lookbacks (landing 1 h, fact 6 h).
  const late: number[] = [];
  const base = firstEvents.find((e) => micros(e.created_at) > newest - 2 * HOUR && e.session_id)!;
  const lateRow = (minutesBefore: number, over: Row): Row => {
    const id = nextId++;
    late.push(id);
    return { id, created_at: pgTimestamp(newest - minutesBefore * MIN), session_id: base.session_id, user_id: base.user_id, event_type: 'page_view', tool_slug: null, file_size_bytes: null, page_count: null, duration_ms: null, error_code: null, properties: { late: true }, ...over };
  };
  second.push({ table: 'analytics_events', row: lateRow(30, { event_type: 'file_upload', tool_slug: 'merge-pdf', file_size_bytes: 123_456, page_count: 3 }) });
  second.push({ table: 'analytics_events', row: lateRow(25, { event_type: 'file_upload', tool_slug: 'pdf-magic-wand', file_size_bytes: 5_000, page_count: 1 }) });
  second.push({ table: 'analytics_events', row: lateRow(20, {}) });
  // A session whose row never lands: dim_sessions still gets it from its events.
  second.push({ table: 'analytics_events', row: lateRow(15, { session_id: '00000000-0000-4000-8000-00000000abcd', user_id: '00000000-0000-4000-8000-0000000000ee', tool_slug: 'split-pdf' }) });
  second.push({ table: 'analytics_events', row: lateRow(5, { event_type: 'file_download', tool_slug: 'merge-pdf' }) });
  return { first, second, added: { late, fresh }, jobsUpdated, sessionsUpdated };
}

describe('incremental builds equal a full refresh (PostgREST-compatible server)', () => {
  let server: PostgrestServer;
  let url: string;
  let data: Stages;

  beforeAll(async () => {
    server = new PostgrestServer({ key: KEY });
    for (const [name, def] of Object.entries(SAMPLE_TABLES)) server.addTable(name, def.columns, def.primaryKey);
    data = stages();
    for (const r of data.first) server.table(r.table).upsert(r.row);
    url = await server.start();
  });
  afterAll(async () => {
    await server?.close();
  });

  const envFor = (db: string, now: number, tz = 'UTC') => cliEnv({ MODELRUN_WAREHOUSE: db, SUPABASE_URL: url, SUPABASE_SERVICE_ROLE_KEY: KEY, MODELRUN_NOW: iso(now), TZ: tz });

  it('builds once, takes new, late and updated rows incrementally, and matches fresh and --full-refresh builds table by table', async () => {
    const dirA = copyProject('modelrun-incr-');
    const dbA = join(dirA, 'w.duckdb');

    // 1. First build on the first stage.
    const b1 = await runCli(['build'], dirA, envFor(dbA, CUTOFF, 'Asia/Kolkata'));
    expectAllPassed(b1, dirA);
    expect(b1.stdout).not.toContain('embedded sample');
    const firstEvents = data.first.filter((r) => r.table === 'analytics_events').length;
    await withWarehouses({ w: dbA }, async (q) => {
      expect(await scalar(q, 'SELECT count(*) FROM w.main.fact_analytics')).toBe(firstEvents);
      expect(await scalar(q, `SELECT count(*) FROM w.raw.processing_jobs WHERE status = 'running'`)).toBeGreaterThanOrEqual(data.jobsUpdated.length);
    });

    // 2. New rows, late events and updates reach the server.
    for (const r of data.second) server.table(r.table).upsert(r.row);
    const totalEvents = server.table('analytics_events').size;
    expect(totalEvents).toBeGreaterThan(firstEvents);

    // 3. Incremental build.
    const b2 = await runCli(['build'], dirA, envFor(dbA, END, 'Asia/Kolkata'));
    expectAllPassed(b2, dirA);
    expect(b2.stdout).not.toMatch(/\((first load|full refresh)[,)]/);
    // The first build's tests found nothing wrong, so this one checks the rows it wrote.
    expect(b2.stdout).toMatch(/ PASS source_unique_supabase_analytics_events_id \(\d+ landed rows\) \.+ \[PASS/);
    expect(b2.stdout).toMatch(/ PASS unique_fact_analytics_event_id \(\d+ merged rows\) \.+ \[PASS/);
    // The incremental models really ran incrementally: the lookback filter on the raw column was rendered and rows merged by key.
    const runSql = (model: string) => readFileSync(join(dirA, `target/run/pdf_saas_analytics/models/marts/${model}.sql`), 'utf8');
    expect(runSql('fact_analytics')).toMatch(/where created_at > cast\(\(select max\(created_at\) from "main"\."fact_analytics"\) - interval '\d+ hours' as timestamptz\)/);
    for (const model of ['fact_analytics', 'dim_sessions', 'fact_daily_kpis']) expect(runSql(model)).toMatch(new RegExp(`DELETE FROM "main"\\."${model}"`));
    await withWarehouses({ w: dbA }, async (q) => {
      expect(await scalar(q, 'SELECT count(*) FROM w.raw.analytics_events')).toBe(totalEvents);
      expect(await scalar(q, 'SELECT count(*) FROM w.main.fact_analytics')).toBe(totalEvents);
      const ids = [...data.added.late, ...data.added.fresh];
      expect(await scalar(q, `SELECT count(*) FROM w.main.fact_analytics WHERE event_id IN (${ids.join(', ')})`)).toBe(ids.length);
      expect(await scalar(q, `SELECT count(*) FROM w.raw.processing_jobs WHERE id IN (${data.jobsUpdated.map((j) => `'${j}'`).join(', ')}) AND status = 'running'`)).toBe(0);
      expect(await scalar(q, `SELECT count(*) FROM w.main.dim_sessions WHERE session_id IN (${data.sessionsUpdated.map((s) => `'${s}'`).join(', ')}) AND utm_source = 'newsletter' AND ended_at >= TIMESTAMP '${iso(CUTOFF).slice(0, 19).replace('T', ' ')}'`)).toBe(data.sessionsUpdated.length);
      expect((await q(`SELECT tool_slug, tool_category FROM w.main.dim_tools WHERE tool_category = 'Uncategorized' ORDER BY 1`)).map((r) => r.tool_slug)).toEqual(['fax-to-pdf', 'pdf-magic-wand', 'unknown']);
      expect(await scalar(q, `SELECT count(*) FROM w.main.dim_sessions WHERE session_id = '00000000-0000-4000-8000-00000000abcd' AND device_type IS NULL`)).toBe(1);
    });

    // 4. From scratch on the same final data: a fresh warehouse...
    const dirB = copyProject('modelrun-full-');
    const dbB = join(dirB, 'w.duckdb');
    const fresh = await runCli(['build'], dirB, envFor(dbB, END));
    expectAllPassed(fresh, dirB);
    const compare = (other: string) =>
      withWarehouses({ a: dbA, b: other }, async (q) => {
        const out: TableDiff[] = [];
        for (const t of STAR_TABLES) out.push(await diffTable(q, 'main', t));
        for (const t of RAW_TABLES) out.push(await diffTable(q, 'raw', t));
        return out;
      });
    const incrementalVsFresh = await compare(dbB);
    expect(unequal(incrementalVsFresh)).toEqual([]);
    expect(incrementalVsFresh.find((d) => d.table === 'main.fact_analytics')!.rowsA).toBe(totalEvents);

    // ...and --full-refresh over the incrementally built warehouse itself.
    const refresh = await runCli(['build', '--full-refresh'], dirA, envFor(dbA, END));
    expectAllPassed(refresh, dirA);
    expect(refresh.stdout).toMatch(/^raw\.analytics_events: [\d,]+ rows reloaded \(full refresh\) in/m);
    expect(runSql('fact_analytics')).not.toMatch(/max\(created_at\)|DELETE FROM/);
    expect(unequal(await compare(dbB))).toEqual([]);
  });
});
