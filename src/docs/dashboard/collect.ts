import type { DuckDBConnection } from '@duckdb/node-api';
import { displayPath } from '../../config/profiles.js';
import type { LoadedProject } from '../../project/load.js';
import { error, warning, type Diagnostic } from '../../util/diagnostics.js';
import { chartData, type ChartData } from './charts.js';
import { freshnessPanel, type FreshnessPanel } from './freshness.js';
import { DashboardSqlRenderer } from './render-sql.js';
import { templateLineFor } from '../../compile/line-map.js';
import { runQuery, type QueryOutcome } from './run-query.js';
import type { DashboardSpec } from './spec.js';
import type { RunArtifacts } from '../run-artifacts.js';
import { testResultsPanel, type TestResultsPanel } from './test-results.js';

/** Everything the page shows, as the data file holds it. */
export interface DashboardData {
  title: string;
  description?: string;
  projectName: string;
  generatedAt: string;
  /** What the warehouse's data reaches: the as_of query's value, else the newest source row. */
  asOf: string | null;
  charts: ChartData[];
  freshness: FreshnessPanel;
  tests: TestResultsPanel;
}

/** Runs every chart's query and reads the freshness and test artifacts; problems become diagnostics and the chart's error. */
export async function collectDashboard(spec: DashboardSpec, project: LoadedProject, connection: DuckDBConnection | null, run: RunArtifacts): Promise<{ data: DashboardData; diagnostics: Diagnostic[] }> {
  const diagnostics: Diagnostic[] = [];
  const renderer = new DashboardSqlRenderer(project, spec.file);
  const noWarehouse = `the warehouse ${displayPath(project.config.dir, project.target.path)} has not been built — run modelrun build, then generate the docs again`;
  if (!connection) diagnostics.push(warning(noWarehouse, spec.file));

  const query = async (template: string, line: number, what: string): Promise<QueryOutcome> => {
    const rendered = renderer.render(template, line);
    diagnostics.push(...rendered.diagnostics);
    if (rendered.sql === undefined) return { error: rendered.diagnostics.map((d) => d.message).join('; ') };
    if (!connection) return { error: noWarehouse };
    const outcome = await runQuery(connection, rendered.sql);
    if ('error' in outcome) {
      const at = outcome.line === undefined ? line : line + templateLineFor(rendered.sql, template, outcome.line) - 1;
      diagnostics.push(error(`${what}: the query failed: ${outcome.error} — fix its sql in ${spec.file}`, spec.file, at));
    }
    return outcome;
  };

  const charts: ChartData[] = [];
  for (const [i, chart] of spec.charts.entries()) {
    const outcome: QueryOutcome = chart.problem || chart.sql === undefined ? { error: chart.problem ?? 'no sql' } : await query(chart.sql, chart.sqlLine, `chart "${chart.title}"`);
    const data = chartData(chart, i, spec.file, outcome);
    if (data.error && 'result' in outcome) diagnostics.push(error(`chart "${chart.title}": ${data.error}`, spec.file, chart.line));
    charts.push(data);
  }
  const freshness = await freshnessPanel(project, connection, run.sources);
  const asOf = spec.asOf ? firstValue(await query(spec.asOf.sql, spec.asOf.sqlLine, 'as_of')) : newest(freshness);
  return {
    data: {
      title: spec.title, description: spec.description, projectName: project.config.name, generatedAt: new Date().toISOString(), asOf, charts, freshness,
      tests: testResultsPanel(project, run.runResults),
    },
    diagnostics,
  };
}

function firstValue(outcome: QueryOutcome): string | null {
  const value = 'result' in outcome ? outcome.result.rows[0]?.[0] : null;
  return value === null || value === undefined ? null : String(value);
}

function newest(freshness: FreshnessPanel): string | null {
  const instants = freshness.rows.map((r) => r.maxLoadedAt).filter((v): v is string => v !== null);
  return instants.length > 0 ? instants.sort().at(-1)! : null;
}

