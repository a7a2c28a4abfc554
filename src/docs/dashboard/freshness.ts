import type { DuckDBConnection } from '@duckdb/node-api';
import type { LoadedProject } from '../../project/load.js';
import type { Diagnostic } from '../../util/diagnostics.js';
import { columnOrExpression, relationName } from '../../util/sql.js';
import { runQuery } from './run-query.js';
import { readTargetJson, text } from './target-json.js';

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
export async function freshnessPanel(project: LoadedProject, connection: DuckDBConnection | null, targetDir: string, diagnostics: Diagnostic[]): Promise<FreshnessPanel> {
  const checks = new Map((readTargetJson(targetDir, 'sources.json', diagnostics)?.results ?? []).map((r) => [text(r.unique_id), r]));
  const panel: FreshnessPanel = { rows: [] };
  for (const spec of project.sourceSpecs) {
    for (const table of spec.tables) {
      const id = `source.${project.config.name}.${spec.name}.${table.name}`;
      const node = project.nodes.get(id);
      const field = table.loadedAtField ?? spec.loadedAtField;
      const check = checks.get(id);
      if (!node || (!field && !check)) continue;
      const row: FreshnessRow = { source: `${spec.name}.${table.name}`, loadedAtField: field, maxLoadedAt: text(check?.max_loaded_at) ?? null, status: text(check?.status), message: text(check?.message) };
      panel.checkedAt ??= text(check?.snapshotted_at);
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
