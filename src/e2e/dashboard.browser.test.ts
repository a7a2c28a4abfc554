import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeDashboard } from '../docs/dashboard/index.js';
import { runQuery } from '../docs/dashboard/run-query.js';
import { loadFullProject } from '../project/load.js';
import { hasChromium, launchChromium, watchedPage, type WatchedPage } from '../test-support/browser.js';
import { runCli } from '../test-support/project.js';

// The repository's analytics project built on the embedded sample, its dashboard generated and
// opened from file:// in Debian's Chromium; the figures drawn must equal sample_queries.sql's.

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const PROJECT_FILES = ['project.yml', 'profiles.yml', 'models', 'seeds', 'macros', 'tests', 'sample_queries.sql', 'dashboard.yml'];
const SCREENSHOT = join(REPO, 'docs', 'screenshots', 'dashboard.png');

/** A dashboard whose first chart's query fails in DuckDB: the page must still draw the second. */
const BROKEN_DASHBOARD = `title: Broken
charts:
  - title: Misspelled column
    kind: bar
    sql: select tool_nam, sum(total_downloads) as n from {{ref "fact_daily_kpis"}} group by 1
    x: tool_nam
    series: n
  - title: Uploads
    kind: line
    sql: select date, sum(total_uploads) as uploads from {{ref "fact_daily_kpis"}} group by date order by date
    x: date
    series: uploads
`;

type Row = Record<string, string | number | boolean | null>;

/** The statements of sample_queries.sql, each found by words of the comment above it. */
function sampleQuery(comment: string): string {
  const statements = readFileSync(join(REPO, 'sample_queries.sql'), 'utf8').split(';');
  const found = statements.find((s) => s.includes(`-- ${comment}`));
  if (!found) throw new Error(`sample_queries.sql has no query under "-- ${comment}"`);
  return found.slice(found.indexOf('\n', found.indexOf(`-- ${comment}`)) + 1).trim();
}

async function rows(connection: DuckDBConnection, sql: string): Promise<Row[]> {
  const outcome = await runQuery(connection, sql);
  if ('error' in outcome) throw new Error(`${outcome.error}\n${sql}`);
  const names = outcome.result.columns.map((c) => c.name);
  return outcome.result.rows.map((r) => Object.fromEntries(r.map((v, i) => [names[i]!, v])));
}

/** What one chart shows: Chart.js's labels and datasets, or a number card's value, and its figures table. */
interface Drawn {
  title: string;
  labels: unknown[];
  datasets: Record<string, unknown[]>;
  value?: string;
  figures: Record<string, string>[];
  error?: string;
}

async function drawnCharts(page: Page): Promise<Drawn[]> {
  return page.$$eval('#dashboard-charts .dashboard-card', (cards) =>
    cards.map((card) => {
      const canvas = card.querySelector('canvas');
      const chart = canvas ? (window as unknown as { Chart: { getChart(c: HTMLCanvasElement): { data: { labels: unknown[]; datasets: { label: string; data: unknown[] }[] } } } }).Chart.getChart(canvas) : undefined;
      return {
        title: card.querySelector('h2')!.textContent!,
        labels: chart ? [...chart.data.labels] : [],
        datasets: Object.fromEntries((chart?.data.datasets ?? []).map((d) => [d.label, [...d.data]])),
        value: card.querySelector('.dashboard-number')?.getAttribute('data-value') ?? undefined,
        figures: [...card.querySelectorAll('tbody tr')].map((tr) => Object.fromEntries([...tr.querySelectorAll('td')].map((td) => [td.dataset.column!, td.dataset.value!]))),
        error: card.querySelector('.dashboard-error')?.textContent ?? undefined,
      };
    }),
  );
}

/** Share of a canvas's pixels that something was painted on. */
function paintedShare(page: Page, chartTitle: string): Promise<number> {
  return page.evaluate((title) => {
    const card = [...document.querySelectorAll('#dashboard-charts .dashboard-card')].find((c) => c.querySelector('h2')!.textContent === title)!;
    const canvas = card.querySelector('canvas')!;
    const pixels = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height).data;
    let painted = 0;
    for (let i = 3; i < pixels.length; i += 4) if (pixels[i]! > 0) painted++;
    return painted / (pixels.length / 4);
  }, chartTitle);
}

describe.skipIf(!hasChromium)('the KPI dashboard in Chromium', () => {
  let dir: string;
  let browser: Browser;
  let watched: WatchedPage;
  let charts: Drawn[];
  let generated: Awaited<ReturnType<typeof writeDashboard>>;
  let brokenGenerated: Awaited<ReturnType<typeof writeDashboard>>;
  const expected: Record<string, Row[]> = {};
  let testCount = 0;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'modelrun-dashboard-'));
    for (const f of PROJECT_FILES) cpSync(join(REPO, f), join(dir, f), { recursive: true });
    const env = { SUPABASE_URL: '', SUPABASE_SERVICE_ROLE_KEY: '', SUPABASE_SERVICE_KEY: '', MODELRUN_NOW: '', MODELRUN_WAREHOUSE: join(dir, 'warehouse.duckdb') };
    const build = await runCli(['build'], dir, env);
    expect(build.code, build.stdout + build.stderr).toBe(0);
    testCount = (JSON.parse(readFileSync(join(dir, 'target', 'run_results.json'), 'utf8')) as { results: { unique_id: string }[] }).results.filter((r) => r.unique_id.startsWith('test.')).length;

    process.env.MODELRUN_WAREHOUSE = env.MODELRUN_WAREHOUSE;
    const { project } = loadFullProject({ projectDir: dir });
    delete process.env.MODELRUN_WAREHOUSE;
    const instance = await DuckDBInstance.create(project!.target.path, { access_mode: 'READ_ONLY' });
    const connection = await instance.connect();
    try {
      generated = await writeDashboard({ project: project!, connection, outDir: join(dir, 'target', 'docs'), targetDir: join(dir, 'target') });
      writeFileSync(join(dir, 'dashboard.yml'), BROKEN_DASHBOARD);
      brokenGenerated = await writeDashboard({ project: project!, connection, outDir: join(dir, 'target', 'broken'), targetDir: join(dir, 'target') });
      expected.categories = await rows(connection, sampleQuery('SaaS tool performance analysis'));
      expected.daily = await rows(connection, `select date, sum(initiated_sessions) as uploads, sum(active_processing) as processing, sum(completed_transactions) as downloads,
        round(sum(completed_transactions) * 100.0 / sum(initiated_sessions), 2) as conversion_rate
        from (${sampleQuery('Conversion funnel analysis')}) group by date order by date`);
      expected.hours = await rows(connection, `select * from (${sampleQuery('Peak usage analysis')}) order by hour`);
      expected.failures = await rows(connection, sampleQuery('Tool failure rates: processing runs that failed, by tool'));
      expected.topTools = await rows(connection, `select t.tool_name, sum(k.total_downloads) as completed_transactions from fact_daily_kpis k join dim_tools t on k.tool_key = t.tool_key
        group by t.tool_name order by completed_transactions desc, t.tool_name limit 10`);
    } finally {
      connection.closeSync();
      instance.closeSync();
    }

    browser = await launchChromium();
    watched = await watchedPage(browser, { width: 1280, height: 900 });
    await watched.page.goto(pathToFileURL(join(dir, 'target', 'docs', 'dashboard.html')).href);
    await watched.page.waitForSelector('body[data-dashboard-ready="true"]');
    charts = await drawnCharts(watched.page);
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const chart = (title: string) => {
    const found = charts.find((c) => c.title === title);
    if (!found) throw new Error(`no chart "${title}" on the page (charts: ${charts.map((c) => c.title).join(', ')})`);
    return found;
  };
  const column = (rs: Row[], name: string) => rs.map((r) => r[name]);

  it('generates every chart of dashboard.yml without a diagnostic, and the page loads from file:// without a problem', async () => {
    expect(generated).toEqual({ written: true, charts: 8, diagnostics: [] });
    expect(watched.problems).toEqual([]);
    expect(charts.filter((c) => c.error)).toEqual([]);
    mkdirSync(dirname(SCREENSHOT), { recursive: true });
    await watched.page.screenshot({ path: SCREENSHOT, fullPage: true });
  });

  it('draws something on every chart canvas', async () => {
    const canvases = charts.filter((c) => c.labels.length > 0).map((c) => c.title);
    expect(canvases).toHaveLength(6);
    for (const title of canvases) expect(await paintedShare(watched.page, title), title).toBeGreaterThan(0.01);
  });

  it('shows the tool category split of sample query 1, and its total as completed transactions', () => {
    const doughnut = chart('Tool categories');
    expect(doughnut.labels).toEqual(column(expected.categories!, 'tool_category'));
    expect(doughnut.datasets).toEqual({ completed_transactions: column(expected.categories!, 'completed_transactions') });
    const total = column(expected.categories!, 'completed_transactions').reduce((a, b) => Number(a) + Number(b), 0);
    expect(chart('Completed transactions').value).toBe(String(total));
  });

  it('shows the daily funnel and conversion rate of sample query 2, summed over tools', () => {
    const funnel = chart('Daily uploads, processing and downloads');
    expect(funnel.labels).toEqual(column(expected.daily!, 'date'));
    expect(funnel.datasets).toEqual({ uploads: column(expected.daily!, 'uploads'), processing: column(expected.daily!, 'processing'), downloads: column(expected.daily!, 'downloads') });
    const conversion = chart('Daily conversion rate');
    expect(conversion.labels).toEqual(column(expected.daily!, 'date'));
    expect(conversion.datasets).toEqual({ conversion_rate: column(expected.daily!, 'conversion_rate') });
    expect(conversion.figures[0]).toEqual({ date: String(expected.daily![0]!.date), conversion_rate: String(expected.daily![0]!.conversion_rate) });
  });

  it('shows the peak hours of sample query 3', () => {
    const peak = chart('Peak hours');
    expect(peak.labels).toEqual(column(expected.hours!, 'hour'));
    expect(peak.datasets).toEqual({ events: column(expected.hours!, 'events'), sessions: column(expected.hours!, 'sessions') });
    expect(peak.figures).toHaveLength(24);
  });

  it('shows the failure rate by tool of the tool failure rates query, and the top tools', () => {
    const failures = chart('Failure rate by tool');
    const drawn = Object.fromEntries(failures.labels.map((l, i) => [l, failures.datasets.failure_rate_pct![i]]));
    expect(drawn).toEqual(Object.fromEntries(expected.failures!.map((r) => [r.tool_name, r.failure_rate_pct])));
    const top = chart('Top tools by completed transactions');
    expect(top.labels).toEqual(column(expected.topTools!, 'tool_name'));
    expect(top.datasets).toEqual({ completed_transactions: column(expected.topTools!, 'completed_transactions') });
  });

  it('shows the data as of the last day, the freshness of each source and the latest test results', async () => {
    const page = watched.page;
    expect(await page.textContent('#dashboard-as-of')).toMatch(/^Data as of 2026-10-31 · generated \d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC$/);
    const freshness = await page.$$eval('#dashboard-freshness tbody tr', (trs) => trs.map((tr) => [...tr.children].map((c) => c.textContent)));
    expect(freshness).toEqual([
      ['supabase.analytics_events', '2026-10-31 23:51:16 UTC', 'pass'],
      ['supabase.user_sessions', '2026-10-31 23:51:21 UTC', 'pass'],
      ['supabase.processing_jobs', '2026-10-31 23:42:18 UTC', 'pass'],
    ]);
    expect(await page.$$eval('#dashboard-tests .dashboard-counts li', (lis) => lis.map((li) => [li.getAttribute('data-status'), li.getAttribute('data-count')]))).toEqual([['pass', String(testCount)]]);
    expect(await page.textContent('#dashboard-tests .dashboard-ok')).toBe('No failing tests.');
  });

  it('shows a failing query in its chart and still draws the others', async () => {
    expect(brokenGenerated.diagnostics.map((d) => `${d.file}:${d.line}: ${d.level}`)).toEqual(['dashboard.yml:5: error']);
    const broken = await watchedPage(browser);
    await broken.page.goto(pathToFileURL(join(dir, 'target', 'broken', 'dashboard.html')).href);
    await broken.page.waitForSelector('body[data-dashboard-ready="true"]');
    const drawn = await drawnCharts(broken.page);
    expect(drawn[0]!.error).toMatch(/^Binder Error: Referenced column "tool_nam" not found/);
    expect(drawn[1]).toMatchObject({ error: undefined, labels: chart('Daily uploads, processing and downloads').labels });
    expect(await paintedShare(broken.page, 'Uploads')).toBeGreaterThan(0.01);
    expect(broken.problems).toEqual([]);
    await broken.page.close();
  });

  it('links back to the docs index', async () => {
    expect(await watched.page.getAttribute('.site-nav a:first-child', 'href')).toBe('index.html#!/');
  });
});
