import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { DuckDBConnection } from '@duckdb/node-api';
import type { LoadedProject } from '../../project/load.js';
import type { Diagnostic } from '../../util/diagnostics.js';
import type { RunArtifacts } from '../run-artifacts.js';
import { collectDashboard } from './collect.js';
import { copyAssets, copyBrowserBundle, dataScript } from '../site-files.js';
import { dashboardHtml } from './page.js';
import { DASHBOARD_FILE, parseDashboard } from './spec.js';

export interface DashboardInput {
  project: LoadedProject;
  /** A read-only connection to the built warehouse; null when its file does not exist. */
  connection: DuckDBConnection | null;
  /** target/docs: dashboard.html and assets/ go there. */
  outDir: string;
  /** The last run's results and freshness checks, read from target/. */
  run: RunArtifacts;
}

export interface DashboardOutcome {
  written: boolean;
  charts: number;
  diagnostics: Diagnostic[];
}
export const NO_DASHBOARD: DashboardOutcome = { written: false, charts: 0, diagnostics: [] };

/**
 * Writes `<outDir>/dashboard.html` from the project's dashboard.yml, with the query results in
 * `assets/dashboard-data.js`. `written` is false when the project declares no dashboard (or its YAML
 * does not parse); `charts` counts the charts on the page, those showing an error included.
 */
export async function writeDashboard(input: DashboardInput): Promise<DashboardOutcome> {
  const { project, connection, outDir, run } = input;
  const file = join(project.config.dir, DASHBOARD_FILE);
  if (!existsSync(file)) return NO_DASHBOARD;
  const parsed = parseDashboard(readFileSync(file, 'utf8'));
  if (!parsed.spec) return { written: false, charts: 0, diagnostics: parsed.diagnostics };
  const { data, diagnostics } = await collectDashboard(parsed.spec, project, connection, run);
  // site.css too: the header and nav are the docs site's, and the page stands alone in tests.
  copyAssets(outDir, ['site.css', 'page.js', 'dashboard.js', 'dashboard.css']);
  copyBrowserBundle(outDir, 'chart.js', 'chart.umd.min.js');
  writeFileSync(join(outDir, 'assets', 'dashboard-data.js'), dataScript('MODELRUN_DASHBOARD', data));
  writeFileSync(join(outDir, 'dashboard.html'), dashboardHtml({ title: data.title, projectName: data.projectName }));
  return { written: true, charts: data.charts.length, diagnostics: [...parsed.diagnostics, ...diagnostics] };
}
