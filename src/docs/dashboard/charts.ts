import type { ChartKind, ChartSpec, NumberFormat } from './spec.js';
import type { JsonCell } from './json-values.js';
import type { QueryResult } from './run-query.js';

/** One chart as the page draws it: its settings, its rows, or the error shown in its place. */
export interface ChartData {
  id: string;
  title: string;
  kind: ChartKind;
  description?: string;
  format: NumberFormat;
  horizontal: boolean;
  /** The category column (x for line and bar, labels for a doughnut). */
  category?: string;
  series: string[];
  columns: string[];
  rows: JsonCell[][];
  error?: string;
  /** Where the chart is declared, shown with its error. */
  declaredAt: string;
}

export function chartData(spec: ChartSpec, index: number, file: string, outcome: { result: QueryResult } | { error: string }): ChartData {
  const base: ChartData = {
    id: `chart-${index + 1}`,
    title: spec.title,
    kind: spec.kind,
    description: spec.description,
    format: spec.format,
    horizontal: spec.horizontal,
    category: spec.kind === 'doughnut' ? spec.labels : spec.x,
    series: spec.series,
    columns: [],
    rows: [],
    declaredAt: `${file}:${spec.line}`,
  };
  if ('error' in outcome) return { ...base, error: outcome.error };
  const columns = outcome.result.columns.map((c) => c.name);
  return { ...base, columns, rows: outcome.result.rows, error: missingColumns(spec, base.category, columns) };
}

/** The chart names columns its query does not return. */
function missingColumns(spec: ChartSpec, category: string | undefined, columns: readonly string[]): string | undefined {
  const named = [...(category ? [category] : []), ...spec.series];
  const missing = named.filter((c) => !columns.includes(c));
  if (missing.length === 0) return undefined;
  return `the query returns no column ${missing.map((c) => `"${c}"`).join(', ')} (it returns ${columns.map((c) => `"${c}"`).join(', ')}) — fix the column names in x/labels/series or in the query`;
}
