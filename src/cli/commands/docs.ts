import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { DuckDBConnection } from '@duckdb/node-api';
import { writeCatalog } from '../../artifacts/catalog.js';
import { loadProject } from '../../config/project.js';
import { displayPath } from '../../config/profiles.js';
import { readManifest } from '../../docs/artifacts.js';
import { readRunArtifacts, type RunArtifacts } from '../../docs/run-artifacts.js';
import { startDocsServer } from '../../docs/serve.js';
import { buildSiteData, type SiteNode } from '../../docs/site-data.js';
import { openCatalog } from '../../docs/warehouse-catalog.js';
import { writeIndexData, writeSite } from '../../docs/write-site.js';
import { NO_DASHBOARD, writeDashboard, type DashboardOutcome } from '../../docs/dashboard/index.js';
import { DASHBOARD_FILE } from '../../docs/dashboard/spec.js';
import { loadFromSettings, loadSettings, type SettingsResult } from '../../project/load.js';
import { error, hasErrors, UserError, warning } from '../../util/diagnostics.js';
import type { CommonOptions } from '../options.js';
import { counted } from '../../util/counted.js';
import type { Reporter } from '../reporter.js';
import { compile } from './compile.js';

/** Compiles (so manifest.json is fresh), reads the artifacts and the warehouse's catalog, writes target/docs/. */
export async function docsGenerate(opts: CommonOptions, reporter: Reporter): Promise<number> {
  const started = performance.now();
  const compiled = await compile(opts, reporter);
  if (compiled !== 0) return compiled;
  const loaded = loadSettings({ projectDir: opts.projectDir, profilesDir: opts.profilesDir, target: opts.target, vars: opts.vars });
  const { settings } = loaded;
  if (!settings) throw new UserError(loaded.diagnostics.filter((d) => d.level === 'error'));
  const projectDir = settings.config.dir;
  const targetDir = resolve(projectDir, settings.config.targetPath);
  const outDir = join(targetDir, 'docs');
  const generatedAt = new Date().toISOString();
  const displayTarget = displayPath(projectDir, targetDir);
  const manifest = readManifest(targetDir, displayTarget);
  const run = readRunArtifacts(targetDir, displayTarget);
  run.diagnostics.forEach((d) => reporter.diagnostic(d));
  const opened = await openCatalog(settings.target, displayPath(projectDir, settings.target.path), manifest, generatedAt);
  if (opened.warehouse.state === 'unavailable') reporter.diagnostic(warning(`the docs show only the columns declared in YAML: ${opened.warehouse.reason}`));
  try {
    if (opened.catalog) writeCatalog(targetDir, opened.catalog);
    // The index links the dashboard when the project declares one; it is written again only if that fails.
    const declared = existsSync(join(projectDir, DASHBOARD_FILE));
    const data = buildSiteData({ manifest, ...run.artifacts, catalog: opened.catalog }, { warehouse: opened.warehouse, dashboard: declared, generatedAt });
    writeSite(outDir, data);
    const dashboard = declared ? await writeProjectDashboard(loaded, opened.connection, outDir, run.artifacts, reporter) : NO_DASHBOARD;
    if (dashboard.written !== declared) writeIndexData(outDir, { ...data.index, dashboard: dashboard.written });
    reporter.info(writtenLine(data.index.nodes, dashboard, (file) => displayPath(projectDir, join(outDir, file)), started));
    // The page is written even so (a failed chart shows its error), but a scheduled job must notice.
    return hasErrors(dashboard.diagnostics) ? 1 : 0;
  } finally {
    opened.close();
  }
}

/** The dashboard needs the loaded project, which a large project takes a while to load: only when it declares one. */
async function writeProjectDashboard(loaded: SettingsResult, connection: DuckDBConnection | null, outDir: string, run: RunArtifacts, reporter: Reporter): Promise<DashboardOutcome> {
  // compile has reported this project's diagnostics (and, answered by its fingerprint, never loaded it): load it quietly.
  const { project } = loadFromSettings(loaded);
  if (!project) return NO_DASHBOARD;
  const result = await writeDashboard({ project, connection, outDir, run });
  result.diagnostics.forEach((d) => reporter.diagnostic(d));
  return result;
}

/** `Docs for 3 models, … written to target/docs/index.html, a dashboard of 2 charts to …, in 0.41s`. */
function writtenLine(nodes: readonly SiteNode[], dashboard: { written: boolean; charts: number }, shown: (file: string) => string, started: number): string {
  const seconds = ((performance.now() - started) / 1000).toFixed(2);
  const dashboardPart = dashboard.written ? `, a dashboard of ${counted(dashboard.charts, 'chart', 'plain')} to ${shown('dashboard.html')},` : '';
  return `Docs for ${countNodes(nodes)} written to ${shown('index.html')}${dashboardPart} in ${seconds}s`;
}

function countNodes(nodes: readonly SiteNode[]): string {
  const count = (type: string) => nodes.filter((n) => n.type === type).length;
  return ['model', 'seed', 'source', 'test'].map((type) => counted(count(type), type, 'plain')).join(', ');
}

/** Serves target/docs/ on 127.0.0.1 until interrupted. */
export async function docsServe(opts: CommonOptions & { port?: string }, reporter: Reporter): Promise<number> {
  const port = parsePort(opts.port ?? '8080');
  const { project: config, diagnostics } = loadProject(resolve(opts.projectDir));
  if (!config) throw new UserError(diagnostics.filter((d) => d.level === 'error'));
  const docsDir = resolve(config.dir, config.targetPath, 'docs');
  const shown = displayPath(config.dir, docsDir);
  if (!existsSync(join(docsDir, 'index.html'))) throw new UserError([error(`${shown}/index.html does not exist — run \`modelrun docs generate\` first`)]);
  const server = await startDocsServer(docsDir, port);
  reporter.info(`Serving ${shown} at http://127.0.0.1:${server.port} (Ctrl+C to stop)`);
  await server.stopped;
  return 0;
}

function parsePort(text: string): number {
  const port = Number(text);
  if (!/^\d+$/.test(text) || port > 65535) throw new UserError([error(`--port must be a whole number from 0 to 65535 (got "${text}") — 0 picks a free port`)]);
  return port;
}
