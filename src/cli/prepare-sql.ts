import type { RelationKind, Warehouse } from '../adapters/adapter.js';
import { compiledPath, writeText } from '../artifacts/write.js';
import { compileNodes, validateCompiled, type CompiledNode } from '../compile/compile.js';
import type { LoadedProject } from '../project/load.js';
import { UserError } from '../util/diagnostics.js';

export interface PreparedSql {
  compiled: Map<string, CompiledNode>;
  existing: Map<string, RelationKind>;
}

/** Renders and parses every selected node before anything runs; writes target/compiled/. */
export async function prepareSql(project: LoadedProject, ids: readonly string[], warehouse: Warehouse, fullRefresh: boolean, targetDir: string, runStartedAt: string): Promise<PreparedSql> {
  const existing = await warehouse.relations();
  const withTemplates = new Set(ids.filter((id) => project.templates.has(id)));
  const { compiled, diagnostics } = compileNodes(project, withTemplates, { fullRefresh, existing, runStartedAt });
  diagnostics.push(...(await validateCompiled(project, compiled, warehouse)));
  if (diagnostics.length > 0) throw new UserError(diagnostics);
  for (const c of compiled.values()) {
    writeText(compiledPath(targetDir, project.config.name, project.nodes.get(c.uniqueId)!.path), c.sql + '\n');
  }
  return { compiled, existing };
}
