import { join } from 'node:path';
import type { DuckDBWarehouse } from '../adapters/duckdb/warehouse.js';
import type { NodeResult } from '../execute/results.js';
import type { LoadedProject } from '../project/load.js';
import { UserError } from '../util/diagnostics.js';
import { extractTables, type ExtractLog, type ExtractOptions } from './run-extract.js';
import { activeTools } from './sample-data.js';
import { supabaseTables, type ExtractTable } from './table-config.js';

export { extractTables, type ExtractLog, type ExtractOptions } from './run-extract.js';
export { supabaseTables, type ExtractTable } from './table-config.js';

/** The project's supabase-loaded tables; bad landing settings stop the command (exit 2) with file:line. */
export function projectTables(project: LoadedProject): ExtractTable[] {
  const { tables, diagnostics } = supabaseTables(project.config.name, project.sourceSpecs);
  const errors = diagnostics.filter((d) => d.level === 'error');
  if (errors.length > 0) throw new UserError(errors);
  return tables;
}

/** The embedded sample draws its tools from the project's seeds/tool_catalog.csv. */
export function sampleOptionsFor(project: LoadedProject): ExtractOptions['sample'] {
  const seedDir = project.config.seedPaths[0] ?? 'seeds';
  return { tools: activeTools(join(project.config.dir, seedDir, 'tool_catalog.csv')) };
}

/**
 * The build hook: lands the supabase tables that the selected nodes read (directly or through ancestors),
 * or that are selected themselves. Returns one run_results entry per table (unique_id source.<project>.<source>.<table>).
 */
export async function extractForSelection(
  project: LoadedProject,
  selectedIds: Iterable<string>,
  warehouse: DuckDBWarehouse,
  log: ExtractLog,
  options: Pick<ExtractOptions, 'fullRefresh' | 'env' | 'changes'> = {},
): Promise<NodeResult[]> {
  const needed = new Set<string>();
  const stack = [...selectedIds];
  while (stack.length > 0) {
    const id = stack.pop()!;
    if (needed.has(id)) continue;
    needed.add(id);
    stack.push(...(project.parents.get(id) ?? []));
  }
  const tables = projectTables(project).filter((t) => needed.has(t.uniqueId));
  if (tables.length === 0) return [];
  const conn = await warehouse.connect();
  try {
    return await extractTables(conn, tables, log, { ...options, sample: sampleOptionsFor(project) });
  } finally {
    conn.closeSync();
  }
}
