// Docs site benchmark: `npx tsc -p tsconfig.build.json && node bench/docs.mjs`
//
// Generates a 10,000-model project, times `modelrun docs generate` (after a compile, and from no
// target/ at all) and the time for the site to become usable in headless Chromium (Debian's
// /usr/bin/chromium through playwright-core): the index with its search list, a model's page with
// its focused lineage drawn, and the whole-DAG view. Prints a markdown table of medians.
// Options: --keep (keep the generated project), --quick (1,000 models, for trying the script).
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';
import { COMPILE_PROJECT, generateProject, tempDir } from './generate.mjs';
import { ChildFailure, CLI, fmtMs, load1, machine, markdownTable, median, snapshotCli, timeCli, useCli } from './timing.mjs';

const args = new Set(process.argv.slice(2));
const KEEP = args.has('--keep');
const QUICK = args.has('--quick');
const MODELS = QUICK ? 1_000 : 10_000;
const RUNS = 3;
const CHROMIUM = '/usr/bin/chromium';

const log = (msg) => process.stderr.write(`[bench:docs] ${msg}\n`);
const rows = [];

function addRow(metric, budgetMs, samples) {
  const m = median(samples);
  rows.push([metric, budgetMs === undefined ? '—' : `≤ ${(budgetMs / 1000).toFixed(1)} s`, `${(m / 1000).toFixed(2)} s`, samples.map((s) => fmtMs(s)).join(', '), budgetMs === undefined ? '—' : m <= budgetMs ? 'ok' : 'over']);
  log(`${metric}: median ${fmtMs(m)} ms [${samples.map((s) => fmtMs(s)).join(', ')}]`);
}

/** A discarded warm-up, then RUNS timed runs of fn (which returns ms); before() runs untimed ahead of each. */
async function sample(label, fn, before) {
  log(`${label} ...`);
  await before?.();
  await fn();
  const out = [];
  for (let i = 0; i < RUNS; i++) {
    await before?.();
    out.push(await fn());
  }
  return out;
}

/** Milliseconds from navigation start until `ready` holds in a fresh browser context (no cache). */
async function timePage(browser, url, ready) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
  const started = performance.now();
  await page.goto(url, { waitUntil: 'commit' });
  await page.waitForFunction(ready, undefined, { timeout: 60_000, polling: 'raf' });
  const ms = performance.now() - started;
  await context.close();
  if (errors.length > 0) throw new Error(`the page reported errors: ${errors.join('; ')}`);
  return ms;
}

let trashed = 0;
/**
 * "No target/" by renaming it away, deleted only at the end: deleting 10,000 files right before a
 * timed run slows that run's own file creation on some disks (see bench/run.mjs).
 */
function moveAway(path) {
  if (!existsSync(path)) return;
  mkdirSync(join(root, 'trash'), { recursive: true });
  renameSync(path, join(root, 'trash', String(++trashed)));
}

if (!existsSync(CLI)) {
  process.stderr.write(`error: ${CLI} is missing — build first: npx tsc -p tsconfig.build.json\n`);
  process.exit(1);
}
if (!existsSync(CHROMIUM)) {
  process.stderr.write(`error: ${CHROMIUM} is missing — install Debian's chromium\n`);
  process.exit(1);
}

const root = tempDir('modelrun-bench-docs-');
const started = performance.now();
const loadBefore = load1();
let failed = false;
let browser;
try {
  useCli(snapshotCli(join(root, 'cli')));
  const n = MODELS.toLocaleString('en-US');
  log(`generating ${n} models ...`);
  const project = generateProject({ dir: join(root, 'docs10k'), models: MODELS, ...COMPILE_PROJECT });
  const target = join(project.dir, 'target');
  // Each run also notes the site's own share: the command's reported time less its compile's.
  let siteShares = [];
  const generate = () => {
    const { ms, stdout } = timeCli(['docs', 'generate'], { cwd: project.dir });
    const compiled = /^Compiled .* in (\d+\.\d+)s$/m.exec(stdout);
    const total = /^Docs for .* in (\d+\.\d+)s$/m.exec(stdout);
    if (!compiled || !total) throw new Error(`unexpected output of docs generate:\n${stdout}`);
    siteShares.push((Number(total[1]) - Number(compiled[1])) * 1000);
    return ms;
  };
  const shareOfRuns = () => siteShares.slice(-RUNS);

  addRow(`\`docs generate\`, ${n} models, no target/ (cold compile included)`, 5000, await sample('docs generate, cold', generate, () => moveAway(target)));
  addRow(`↳ the site's share of it (reported time less the compile's)`, undefined, shareOfRuns());
  siteShares = [];
  addRow(`\`docs generate\`, ${n} models, compiled before (compile answered by its fingerprint)`, 5000, await sample('docs generate, warm', generate));
  addRow(`↳ the site's share of it (reported time less the compile's)`, undefined, shareOfRuns());

  const index = join(target, 'docs', 'index.html');
  const indexUrl = pathToFileURL(index).href;
  const data = readFileSync(join(target, 'docs', 'assets', 'docs-data.js'));
  log(`assets/docs-data.js: ${(data.length / 1e6).toFixed(1)} MB`);
  const middle = project.nodes[Math.floor(MODELS / 2)].name;
  browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-dev-shm-usage'] });
  const listed = () => document.querySelectorAll('#node-list li').length > 0 && document.querySelector('.cards') !== null && !document.getElementById('search').disabled;
  addRow(`index opens in Chromium (file://), ${n} models: search box and list usable`, 2000, await sample('open index', () => timePage(browser, indexUrl, listed)));
  const focused = () => document.querySelector('#lineage g.node.focus') !== null && document.querySelector('table.columns, .details dl') !== null;
  addRow(`a model's page opens, focused lineage (depth 2) drawn`, 2000, await sample('open model page', () => timePage(browser, `${indexUrl}#!/model/model.${project.name}.${middle}`, focused)));
  const whole = () => document.querySelector('#lineage svg g.node') !== null;
  addRow(`whole-DAG view (${n} models, clustered by folder) drawn`, undefined, await sample('open whole lineage', () => timePage(browser, `${indexUrl}#!/lineage`, whole)));
} catch (e) {
  failed = true;
  if (e instanceof ChildFailure) {
    process.stderr.write(`\nerror: ${e.message}\n${e.stderr.slice(-4000)}\n${e.stdout.split('\n').slice(-20).join('\n')}\n`);
  } else {
    process.stderr.write(`\nerror: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  }
  process.exitCode = 1;
} finally {
  await browser?.close();
  if (!failed && !KEEP) rmSync(root, { recursive: true, force: true });
  else log(`project kept in ${root}`);
}

if (!failed) {
  process.stdout.write(
    [
      `Machine: ${machine()}`,
      `Load average (1 min) before / after: ${loadBefore} / ${load1()} — figures are only comparable on an otherwise idle machine.`,
      `Bench wall time: ${((performance.now() - started) / 1000).toFixed(0)} s${QUICK ? ' (--quick: a smaller project than the budgets assume)' : ''}; each figure is the median of ${RUNS} runs after one discarded warm-up. No warehouse is built: the columns come from YAML.`,
      '',
      markdownTable(['metric', 'target', 'median', 'runs (ms)', 'verdict'], rows),
    ].join('\n') + '\n',
  );
}
