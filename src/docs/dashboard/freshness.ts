import type { DuckDBConnection } from '@duckdb/node-api';
import type { LoadedProject } from '../../project/load.js';
import { columnOrExpression, relationName } from '../../util/sql.js';
import { runQuery } from './run-query.js';
import type { SourcesJson } from '../artifacts.js';

export interface FreshnessRow {
  source: string;
  loadedAtField?: string;
  /** max(loaded_at_field) in the warehouse now, read at generate time. */
  maxLoadedAt: string | null;
  /** The last freshness check (target/sources.json): pass, warn, error or runtime error. */
  status?: string;
  message?: string;
  error?: string;
}

export interface FreshnessPanel {
  /** When the last freshness check measured ages ("now" for the check; MODELRUN_NOW or the sample's end when fixed). */
  checkedAt?: string;
  rows: FreshnessRow[];
}

/** Every source table with a loaded_at_field or a freshness check: its newest row now, and its last check's verdict. */
export async function freshnessPanel(project: LoadedProject, connection: DuckDBConnection | null, sources: SourcesJson | undefined): Promise<FreshnessPanel> {
  const checks = new Map((sources?.results ?? []).map((r) => [r.unique_id, r]));
  const panel: FreshnessPanel = { rows: [] };
  for (const spec of project.sourceSpecs) {
    for (const table of spec.tables) {
      const id = `source.${project.config.name}.${spec.name}.${table.name}`;
      const node = project.nodes.get(id);
      const field = table.loadedAtField ?? spec.loadedAtField;
      const check = checks.get(id);
      if (!node || (!field && !check)) continue;
      const row: FreshnessRow = { source: `${spec.name}.${table.name}`, loadedAtField: field, maxLoadedAt: check?.max_loaded_at ?? null, status: check?.status, message: check?.message ?? undefined };
      panel.checkedAt ??= check?.snapshotted_at ?? undefined;
      if (field && connection) {
        const outcome = await runQuery(connection, `select max(${columnOrExpression(field)}) from ${relationName(node.schema, node.identifier)}`);
        if ('error' in outcome) row.error = outcome.error;
        else row.maxLoadedAt = normalizeInstant(outcome.result.rows[0]?.[0]);
      }
      panel.rows.push(row);
    }
  }
  return panel;
}

function normalizeInstant(value: unknown): string | null {
  return value === null || value === undefined ? null : String(value);
}
