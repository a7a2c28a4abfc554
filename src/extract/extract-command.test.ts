import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { extract } from '../cli/commands/extract.js';
import type { CommonOptions } from '../cli/options.js';
import { createReporter } from '../cli/reporter.js';
import { UserError } from '../util/diagnostics.js';
import { makeProject, query } from '../test-support/project.js';
import { SAMPLE_DEFAULTS } from './sample-data.js';
import { sampleServer } from './embedded-sample.js';
import { SOURCES_YML } from './test-support/sources-yml.js';

const SAVED = { ...process.env };
afterEach(() => {
  for (const k of ['SUPABASE_URL', 'SUPABASE_SERVICE_ROLE_KEY', 'SUPABASE_SERVICE_KEY']) {
    if (SAVED[k] === undefined) delete process.env[k];
    else process.env[k] = SAVED[k];
  }
});

function sink(): { stream: Writable; text: () => string } {
  let text = '';
  return { stream: new Writable({ write: (c, _e, cb) => ((text += String(c)), cb()) }), text: () => text };
}

async function run(dir: string, extra: Partial<CommonOptions> = {}) {
  const out = sink();
  const err = sink();
  const reporter = createReporter('text', out.stream, err.stream);
  const opts: CommonOptions = { projectDir: dir, logFormat: 'text', debug: false, ...extra };
  let code: number;
  try {
    code = await extract(opts, reporter);
  } catch (e) {
    // As runCommand does: a UserError is its diagnostics and exit 2.
    if (!(e instanceof UserError)) throw e;
    e.diagnostics.forEach((d) => reporter.diagnostic(d));
    code = 2;
  }
  return { code, stdout: out.text(), stderr: err.text() };
}

/** Timings vary: "in 0.4s" and "in 2.96s" become "in N.Ns". */
const untimed = (text: string) => text.replace(/ in \d+\.\d+s/g, ' in N.Ns');

const CATALOG = 'tool_slug,display_name,category,icon,is_active\nmerge-pdf,Merge PDF,Organize,merge,true\nsplit-pdf,Split PDF,Organize,split,true\nold-tool,Old,Organize,x,false\n';

describe('modelrun extract', () => {
  it('lands the embedded sample through the same path when no credentials are set, and says so in one line', async () => {
    delete process.env.SUPABASE_URL;
    delete process.env.SUPABASE_SERVICE_ROLE_KEY;
    delete process.env.SUPABASE_SERVICE_KEY;
    const dir = makeProject({ 'models/staging/sources.yml': SOURCES_YML, 'seeds/tool_catalog.csv': CATALOG });
    const first = await run(dir);
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    const expected = sampleServer({ tools: ['merge-pdf', 'split-pdf'] });
    const size = (table: string) => expected.table(table).size.toLocaleString('en-US');
    const total = (['analytics_events', 'user_sessions', 'processing_jobs'] as const).reduce((n, table) => n + expected.table(table).size, 0);
    expect(untimed(first.stdout)).toBe(
      [
        `Extracting 3 tables from the embedded sample (no SUPABASE_URL set; ${size('analytics_events')} events, ${size('user_sessions')} sessions, ${size('processing_jobs')} jobs)`,
        `raw.analytics_events: +${size('analytics_events')} new rows (first load) in N.Ns`,
        `raw.user_sessions: +${size('user_sessions')} new rows (first load) in N.Ns`,
        `raw.processing_jobs: +${size('processing_jobs')} new rows (first load) in N.Ns`,
        '',
        `Finished extracting 3 tables (+${total.toLocaleString('en-US')} new rows) in N.Ns.  PASS=3 ERROR=0 SKIP=0`,
        '',
      ].join('\n'),
    );
    const db = join(dir, 'warehouse.duckdb');
    const [counts] = await query(db, `SELECT (SELECT count(*) FROM raw.analytics_events) e, (SELECT count(DISTINCT user_id) FROM raw.analytics_events) u,
      (SELECT count(*) FROM raw.user_sessions) s, (SELECT count(*) FROM raw.processing_jobs) j, (SELECT list(DISTINCT tool_slug ORDER BY tool_slug) FROM raw.analytics_events WHERE tool_slug IS NOT NULL) tools`);
    expect(Number(counts!.e)).toBe(expected.table('analytics_events').size);
    expect(Number(counts!.s)).toBe(expected.table('user_sessions').size);
    expect(Number(counts!.j)).toBe(expected.table('processing_jobs').size);
    expect(Number(counts!.u)).toBeGreaterThanOrEqual(1400);
    expect(counts!.tools).toEqual(['merge-pdf', 'split-pdf']);
    const results = JSON.parse(readFileSync(join(dir, 'target/run_results.json'), 'utf8')) as { results: { unique_id: string; status: string; adapter_response: { rows_affected?: number } }[] };
    expect(results.results.map((r) => [r.unique_id, r.status])).toEqual([
      ['source.test_project.supabase.analytics_events', 'success'],
      ['source.test_project.supabase.user_sessions', 'success'],
      ['source.test_project.supabase.processing_jobs', 'success'],
    ]);
    // Deterministic: a rerun finds nothing new, and reads the last hour of the upserted tables again, written over itself.
    const second = await run(dir);
    expect(second.code).toBe(0);
    expect(untimed(second.stdout).split('\n').slice(1)).toEqual([
      'raw.analytics_events: +0 new rows in N.Ns',
      'raw.user_sessions: +0 new rows, 5 rewritten in N.Ns',
      'raw.processing_jobs: +0 new rows, 2 rewritten in N.Ns',
      '',
      'Finished extracting 3 tables (+0 new rows, 7 rewritten) in N.Ns.  PASS=3 ERROR=0 SKIP=0',
      '',
    ]);
    const [after] = await query(db, `SELECT (SELECT count(*) FROM raw.user_sessions) s, (SELECT count(*) FROM raw.processing_jobs) j`);
    expect([Number(after!.s), Number(after!.j)]).toEqual([expected.table('user_sessions').size, expected.table('processing_jobs').size]);
    const third = await run(dir, { select: ['source:supabase.analytics_events'] });
    expect(third.code).toBe(0);
    expect(untimed(third.stdout).split('\n').slice(1, 2)).toEqual(['raw.analytics_events: +0 new rows in N.Ns']);
    expect(third.stdout).not.toMatch(/user_sessions/);
    const [types] = await query(db, `SELECT data_type FROM duckdb_columns() WHERE table_name = 'analytics_events' AND column_name = 'properties'`);
    expect(types!.data_type).toBe('JSON');
    expect(SAMPLE_DEFAULTS.days).toBe(37);
  }, 60_000);

  it('uses SUPABASE_URL and the service key from the environment; a wrong key fails with exit 1 and never prints it', async () => {
    const server = sampleServer({ key: 'right-key-123456', days: 2, eventsPerDay: 50 });
    const url = await server.start();
    try {
      const dir = makeProject({ 'models/staging/sources.yml': SOURCES_YML });
      process.env.SUPABASE_URL = url;
      process.env.SUPABASE_SERVICE_KEY = 'right-key-123456';
      const ok = await run(dir);
      expect(ok.code, ok.stderr).toBe(0);
      expect(ok.stdout).not.toContain('embedded');
      process.env.SUPABASE_SERVICE_ROLE_KEY = 'WRONG-secret-key-987';
      const bad = await run(dir);
      expect(bad.code).toBe(1);
      expect(bad.stdout).toContain('Supabase rejected the service key (401) — check SUPABASE_SERVICE_ROLE_KEY');
      expect(bad.stdout + bad.stderr + readFileSync(join(dir, 'target/run_results.json'), 'utf8')).not.toContain('WRONG-secret');
      delete process.env.SUPABASE_SERVICE_ROLE_KEY;
      delete process.env.SUPABASE_SERVICE_KEY;
      const half = await run(dir);
      expect(half.code).toBe(2);
      expect(half.stderr).toMatch(/SUPABASE_URL is set but SUPABASE_SERVICE_ROLE_KEY/);
    } finally {
      await server.close();
    }
  }, 30_000);

  it('when Supabase cannot be reached: one error, a SKIP line for each table not tried, and only landed tables as PASS', async () => {
    const dir = makeProject({ 'models/staging/sources.yml': SOURCES_YML });
    process.env.SUPABASE_URL = 'http://127.0.0.1:9';
    process.env.SUPABASE_SERVICE_ROLE_KEY = 'k';
    const r = await run(dir);
    expect(r.code).toBe(1);
    const reason = 'cannot reach Supabase (the URL uses a blocked port) — check SUPABASE_URL';
    expect(untimed(r.stdout)).toBe(
      [
        'Extracting 3 tables from Supabase at http://127.0.0.1:9',
        `raw.analytics_events: ERROR ${reason}`,
        `raw.user_sessions: SKIP, not tried: ${reason}`,
        `raw.processing_jobs: SKIP, not tried: ${reason}`,
        '',
        'Finished extracting 3 tables (+0 new rows) in N.Ns.  PASS=0 ERROR=1 SKIP=2',
        '',
      ].join('\n'),
    );
    const results = JSON.parse(readFileSync(join(dir, 'target/run_results.json'), 'utf8')) as { results: { status: string; message: string }[] };
    expect(results.results.map((x) => [x.status, x.message])).toEqual([
      ['error', reason],
      ['skipped', `skipped: ${reason}`],
      ['skipped', `skipped: ${reason}`],
    ]);
  });

  it('reports bad landing settings with file:line and exit 2', async () => {
    const dir = makeProject({ 'models/staging/sources.yml': SOURCES_YML.replace('        cursor_field: created_at\n', '').replace('mode: upsert', 'mode: merge') });
    const r = await run(dir);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/models\/staging\/sources\.yml:\d+:\d+: error: source supabase\.analytics_events: "cursor_field" is required/);
    expect(r.stderr).toMatch(/"mode" must be append or upsert \(got "merge"\)/);
  });
});

describe('the build hook', () => {
  it('lands only the supabase tables the selected models read', async () => {
    delete process.env.SUPABASE_URL;
    delete process.env.SUPABASE_SERVICE_ROLE_KEY;
    delete process.env.SUPABASE_SERVICE_KEY;
    const dir = makeProject({
      'models/staging/sources.yml': SOURCES_YML,
      'models/staging/stg_jobs.sql': `select * from {{source "supabase" "processing_jobs"}}`,
      'models/marts/job_counts.sql': `select status, count(*) n from {{ref "stg_jobs"}} group by 1`,
    });
    const { loadFullProject } = await import('../project/load.js');
    const { openWarehouse } = await import('../adapters/duckdb/open.js');
    const { extractForSelection } = await import('./index.js');
    const { project } = loadFullProject({ projectDir: dir });
    expect(project).toBeDefined();
    const warehouse = await openWarehouse(project!.target, 'warehouse.duckdb');
    const lines: string[] = [];
    try {
      const results = await extractForSelection(project!, ['model.test_project.job_counts'], warehouse, { info: (m) => void lines.push(m) });
      expect(results.map((r) => [r.uniqueId, r.status])).toEqual([['source.test_project.supabase.processing_jobs', 'success']]);
      expect(lines.some((l) => /embedded sample/.test(l))).toBe(true);
    } finally {
      warehouse.close();
    }
  }, 30_000);
});
