/** `docs generate` without a browser: no warehouse yet, a project that does not compile, the index it writes. */
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { describe, expect, it } from 'vitest';
import { DOCS_PROJECT } from '../docs/test-support/docs-project.js';
import type { SiteIndex } from '../docs/site-data.js';
import { runCli, tempFolders } from '../test-support/project.js';

const { project } = tempFolders();

function readIndex(dir: string): SiteIndex {
  const text = readFileSync(join(dir, 'target/docs/assets/docs-data.js'), 'utf8');
  const prefix = 'window.modelrunDocsIndex = ';
  expect(text.startsWith(prefix)).toBe(true);
  return JSON.parse(text.slice(prefix.length).replace(/;\n$/, '')) as SiteIndex;
}

describe.concurrent('docs generate', () => {
  it('before any build: the site says there is no warehouse, writes no catalog and creates no warehouse file', async () => {
    const dir = project(DOCS_PROJECT);
    const r = await runCli(['docs', 'generate'], dir);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout.split('\n')).toEqual([
      'Found 7 models, 2 seeds, 3 data tests, 1 source, 0 macros',
      expect.stringMatching(/^Compiled 10 nodes to target\/compiled in \d+\.\d\ds$/),
      expect.stringMatching(/^Docs for 7 models, 2 seeds, 1 source, 3 tests written to target\/docs\/index\.html in \d+\.\d\ds$/),
      '',
    ]);
    expect(existsSync(join(dir, 'warehouse.duckdb'))).toBe(false);
    expect(existsSync(join(dir, 'target/catalog.json'))).toBe(false);
    const index = readIndex(dir);
    expect(index).toMatchObject({ project: 'test_project', warehouse: { state: 'missing', display: 'warehouse.duckdb' }, dashboard: false, runGeneratedAt: null, chunks: 1 });
    expect(index.nodes).toHaveLength(13);
    for (const file of ['index.html', 'assets/site.css', 'assets/page.js', 'assets/docs.css', 'assets/docs.js', 'assets/lineage.js', 'assets/dagre.min.js', 'assets/nodes/0.js']) {
      expect(existsSync(join(dir, 'target/docs', file)), file).toBe(true);
    }
    expect(readFileSync(join(dir, 'target/docs/assets/dagre.min.js'), 'utf8')).not.toContain('sourceMappingURL');
    expect(readFileSync(join(dir, 'target/docs/assets/dagre.min.js.LEGAL.txt'), 'utf8')).toContain('Copyright (c) 2012-2014 Chris Pettitt');
    const html = readFileSync(join(dir, 'target/docs/index.html'), 'utf8');
    expect(html).not.toMatch(/https?:\/\//);
  });

  it('a warehouse locked by another process: a warning, YAML columns, exit 0', async () => {
    const dir = project({ 'models/a.sql': 'select 1 as x\n' });
    expect((await runCli(['run'], dir)).code).toBe(0);
    const instance = await DuckDBInstance.create(join(dir, 'warehouse.duckdb'));
    try {
      const r = await runCli(['docs', 'generate'], dir);
      expect(r.code).toBe(0);
      expect(r.stderr).toMatch(/^warning: the docs show only the columns declared in YAML: warehouse warehouse\.duckdb is locked by another process \(PID \d+, .*\) — wait for it to finish or stop it, then run again\n$/);
      expect(readIndex(dir).warehouse).toMatchObject({ state: 'unavailable', display: 'warehouse.duckdb' });
    } finally {
      instance.closeSync();
    }
  });

  it('a dashboard chart whose query fails: its error at dashboard.yml:line, the page still written, exit 1', async () => {
    const dir = project({
      'models/a.sql': 'select 1 as x\n',
      'dashboard.yml': 'title: T\ncharts:\n  - title: Broken\n    kind: table\n    sql: select nope from {{ref "a"}}\n',
    });
    expect((await runCli(['run'], dir)).code).toBe(0);
    const r = await runCli(['docs', 'generate'], dir);
    expect(r.stderr).toBe('dashboard.yml:5: error: chart "Broken": the query failed: Binder Error: Referenced column "nope" not found in FROM clause! Candidate bindings: "x" — fix its sql in dashboard.yml\n');
    expect(r.stdout).toMatch(/, a dashboard of 1 chart to target\/docs\/dashboard\.html, in /);
    expect(r.code).toBe(1);
    expect(existsSync(join(dir, 'target/docs/dashboard.html'))).toBe(true);
  });

  it('a corrupt run_results.json and a foreign sources.json: one warning each, the site without them, exit 0', async () => {
    const dir = project({ 'models/a.sql': 'select 1 as x\n', 'target/run_results.json': '{"results": [', 'target/sources.json': '[]' });
    const r = await runCli(['docs', 'generate'], dir);
    expect(r.stderr.split('\n')).toEqual([
      expect.stringMatching(/^target\/run_results\.json: warning: not valid JSON \(.+\) — the docs leave it out; run `modelrun build` to write it again$/),
      'target/sources.json: warning: not a modelrun artifact (no results list) — the docs leave it out; run `modelrun build` to write it again',
      '',
    ]);
    expect(r.code).toBe(0);
    expect(readIndex(dir)).toMatchObject({ runGeneratedAt: null, freshnessGeneratedAt: null, nodes: [{ id: 'model.test_project.a', status: null }] });
  });

  it('a dashboard.yml removed since the last generate: its page goes too, and the index no longer links it', async () => {
    const dir = project({ 'models/a.sql': 'select 1 as x\n', 'dashboard.yml': 'title: T\ncharts:\n  - title: A\n    kind: table\n    sql: select x from {{ref "a"}}\n' });
    expect((await runCli(['run'], dir)).code).toBe(0);
    expect((await runCli(['docs', 'generate'], dir)).code).toBe(0);
    expect(readIndex(dir).dashboard).toBe(true);
    rmSync(join(dir, 'dashboard.yml'));
    expect((await runCli(['docs', 'generate'], dir)).code).toBe(0);
    expect(readIndex(dir).dashboard).toBe(false);
    expect(existsSync(join(dir, 'target/docs/dashboard.html'))).toBe(false);
    expect(existsSync(join(dir, 'target/docs/assets/dashboard-data.js'))).toBe(false);
  });

  it('a dashboard.yml that is not a dashboard: its error, no dashboard page, and the index does not link one', async () => {
    const dir = project({ 'models/a.sql': 'select 1 as x\n', 'dashboard.yml': '- title: T\n' });
    expect((await runCli(['run'], dir)).code).toBe(0);
    const r = await runCli(['docs', 'generate'], dir);
    expect(r.stderr).toBe('dashboard.yml:1:1: error: dashboard.yml must be a mapping with title: and charts: — see the dashboard.yml reference in the README\n');
    expect(r.code).toBe(1);
    expect(readIndex(dir).dashboard).toBe(false);
    expect(existsSync(join(dir, 'target/docs/dashboard.html'))).toBe(false);
  });

  it('a project that does not compile: its errors, exit 2, no site', async () => {
    const dir = project({ 'models/a.sql': 'select * from {{ref "missing_model"}}\n' });
    const r = await runCli(['docs', 'generate'], dir);
    expect(r).toEqual({ code: 2, stdout: '', stderr: 'models/a.sql:1:15: error: ref "missing_model" does not match any model or seed\n' });
    expect(existsSync(join(dir, 'target/docs'))).toBe(false);
  });
});
