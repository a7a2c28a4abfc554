import { isRecord, parseYamlFile, type YamlFile, type YamlPath } from '../../config/yaml-file.js';
import { error, warning, type Diagnostic } from '../../util/diagnostics.js';
import { didYouMean } from '../../util/suggest.js';

export const DASHBOARD_FILE = 'dashboard.yml';

export const CHART_KINDS = ['line', 'bar', 'doughnut', 'table', 'number'] as const;
export type ChartKind = (typeof CHART_KINDS)[number];

/** How the page writes a chart's values: `percent` values are already in percent (12.5 → 12.5 %). */
export const NUMBER_FORMATS = ['number', 'integer', 'decimal', 'percent'] as const;
export type NumberFormat = (typeof NUMBER_FORMATS)[number];

export interface ChartSpec {
  title: string;
  kind: ChartKind;
  /** The Handlebars template of the query; undefined when the YAML lacks it (reported, and the chart shows the error). */
  sql?: string;
  /** Where the query's first line is in dashboard.yml, so template and SQL errors point into it. */
  sqlLine: number;
  description?: string;
  /** line and bar: the column along the category axis. */
  x?: string;
  /** doughnut: the column naming each slice. */
  labels?: string;
  /** The value columns: one line or bar set each; a doughnut and a number take one. */
  series: string[];
  format: NumberFormat;
  /** bar: bars run left to right, which suits long category names. */
  horizontal: boolean;
  /** A problem that keeps the chart from being drawn, shown in its place. */
  problem?: string;
  line: number;
}

export interface DashboardSpec {
  file: string;
  title: string;
  description?: string;
  /** A query returning one value: the date the warehouse's data reaches, shown as "data as of". */
  asOf?: { sql: string; sqlLine: number };
  charts: ChartSpec[];
}

const TOP_KEYS = ['title', 'description', 'as_of', 'charts'];
const CHART_KEYS = ['title', 'kind', 'sql', 'description', 'x', 'labels', 'series', 'format', 'horizontal'];

/** Reads dashboard.yml; every problem is a diagnostic at its line, and a chart with a problem still gets its place on the page. */
export function parseDashboard(text: string, file = DASHBOARD_FILE): { spec?: DashboardSpec; diagnostics: Diagnostic[] } {
  const { yaml, diagnostics } = parseYamlFile(file, text);
  if (!yaml) return { diagnostics };
  return new SpecReader(yaml, text.split('\n'), diagnostics).read();
}

class SpecReader {
  constructor(
    private readonly yaml: YamlFile,
    private readonly lines: readonly string[],
    private readonly diagnostics: Diagnostic[],
  ) {}

  read(): { spec?: DashboardSpec; diagnostics: Diagnostic[] } {
    const root = this.yaml.value;
    if (!isRecord(root)) {
      this.fail([], 'dashboard.yml must be a mapping with title: and charts: — see the dashboard.yml reference in the README');
      return { diagnostics: this.diagnostics };
    }
    this.unknownKeys(root, [], TOP_KEYS, 'dashboard.yml');
    const charts = Array.isArray(root.charts) ? root.charts : [];
    if (!Array.isArray(root.charts)) this.fail(['charts'], 'charts must be a list of charts, each with title:, kind: and sql:');
    const asOf = this.string(root.as_of, ['as_of']);
    return {
      spec: {
        file: this.yaml.file,
        title: this.string(root.title, ['title']) ?? 'Dashboard',
        description: this.string(root.description, ['description']),
        asOf: asOf === undefined ? undefined : { sql: asOf, sqlLine: this.valueLine(['as_of']) },
        charts: charts.map((c, i) => this.chart(c, ['charts', i])),
      },
      diagnostics: this.diagnostics,
    };
  }

  private chart(raw: unknown, path: YamlPath): ChartSpec {
    const line = this.yaml.locate(path).line;
    const chart: ChartSpec = { title: `chart ${Number(path[1]) + 1}`, kind: 'table', series: [], format: 'number', horizontal: false, sqlLine: line, line };
    if (!isRecord(raw)) return this.refuse(chart, path, 'a chart must be a mapping with title:, kind: and sql:');
    this.unknownKeys(raw, path, CHART_KEYS, 'chart');
    chart.title = this.string(raw.title, [...path, 'title']) ?? chart.title;
    chart.description = this.string(raw.description, [...path, 'description']);
    chart.x = this.string(raw.x, [...path, 'x']);
    chart.labels = this.string(raw.labels, [...path, 'labels']);
    chart.series = this.stringList(raw.series, [...path, 'series']);
    chart.horizontal = this.flag(raw.horizontal, [...path, 'horizontal']);
    const format = this.oneOf(raw.format, [...path, 'format'], NUMBER_FORMATS);
    if (format) chart.format = format;
    const kind = raw.kind === undefined ? undefined : this.oneOf(raw.kind, [...path, 'kind'], CHART_KINDS);
    if (raw.kind === undefined) return this.refuse(chart, path, `chart "${chart.title}" has no kind — add kind: with one of ${CHART_KINDS.join(', ')}`);
    if (!kind) return { ...chart, problem: `kind must be one of ${CHART_KINDS.join(', ')}` };
    chart.kind = kind;
    chart.sql = this.string(raw.sql, [...path, 'sql']);
    chart.sqlLine = raw.sql === undefined ? line : this.valueLine([...path, 'sql']);
    if (raw.sql === undefined || chart.sql?.trim() === '') return this.refuse(chart, path, `chart "${chart.title}" has no sql — add sql: with the query whose rows it draws`);
    return this.columnsNeeded(chart, path);
  }

  /** Which columns each kind must be told about. */
  private columnsNeeded(chart: ChartSpec, path: YamlPath): ChartSpec {
    const needs = (key: 'x' | 'labels', example: string) =>
      this.refuse(chart, path, `${chart.kind} chart "${chart.title}" needs ${key}: — name the column ${example}`);
    if ((chart.kind === 'line' || chart.kind === 'bar') && !chart.x) return needs('x', 'along its axis, e.g. x: date');
    if (chart.kind === 'doughnut' && !chart.labels) return needs('labels', 'naming its slices, e.g. labels: tool_category');
    if (chart.kind !== 'table' && chart.series.length === 0) {
      return this.refuse(chart, path, `${chart.kind} chart "${chart.title}" needs series: — list the value column(s), e.g. series: [total_uploads]`);
    }
    if ((chart.kind === 'doughnut' || chart.kind === 'number') && chart.series.length > 1) {
      return this.refuse(chart, [...path, 'series'], `a ${chart.kind} chart shows one value column, but series lists ${chart.series.length} — keep one`);
    }
    return chart;
  }

  private refuse(chart: ChartSpec, path: YamlPath, message: string): ChartSpec {
    this.fail(path, message);
    return { ...chart, problem: message };
  }

  private fail(path: YamlPath, message: string): void {
    const at = this.yaml.locate(path);
    this.diagnostics.push(error(message, this.yaml.file, at.line, at.col));
  }

  private unknownKeys(value: Record<string, unknown>, path: YamlPath, known: readonly string[], what: string): void {
    for (const key of Object.keys(value)) {
      if (known.includes(key)) continue;
      const at = this.yaml.locate([...path, key]);
      this.diagnostics.push(warning(`unknown key "${key}" in ${what}${didYouMean(key, known)} (ignored)`, this.yaml.file, at.line, at.col));
    }
  }

  private string(value: unknown, path: YamlPath): string | undefined {
    if (value === undefined || value === null) return undefined;
    if (typeof value === 'string' || typeof value === 'number') return String(value);
    this.fail(path, `${String(path[path.length - 1])} must be text (got ${JSON.stringify(value)})`);
    return undefined;
  }

  private flag(value: unknown, path: YamlPath): boolean {
    if (value === undefined || value === null || typeof value === 'boolean') return value === true;
    this.fail(path, `${String(path[path.length - 1])} must be true or false (got ${JSON.stringify(value)})`);
    return false;
  }

  private stringList(value: unknown, path: YamlPath): string[] {
    if (value === undefined || value === null) return [];
    if (typeof value === 'string') return [value];
    if (Array.isArray(value) && value.every((v) => typeof v === 'string')) return value as string[];
    this.fail(path, `series must be a column name or a list of them, e.g. series: [total_uploads, total_downloads]`);
    return [];
  }

  private oneOf<T extends string>(value: unknown, path: YamlPath, allowed: readonly T[]): T | undefined {
    if (value === undefined) return undefined;
    if (typeof value === 'string' && (allowed as readonly string[]).includes(value)) return value as T;
    const near = typeof value === 'string' ? didYouMean(value, allowed) : '';
    this.fail(path, `${String(path[path.length - 1])} must be one of ${allowed.join(', ')} (got ${JSON.stringify(value)})${near}`);
    return undefined;
  }

  /** The line where a value's text starts: the line after its key for a block scalar (`sql: |`). */
  private valueLine(path: YamlPath): number {
    const { line, col } = this.yaml.locate(path);
    const rest = (this.lines[line - 1] ?? '').slice(col - 1).replace(/^[^:]*:\s*/, '');
    return /^[|>][-+0-9]*\s*(#.*)?$/.test(rest) ? line + 1 : line;
  }
}
