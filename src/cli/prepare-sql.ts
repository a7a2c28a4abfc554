import type { RelationKind, Warehouse } from '../adapters/adapter.js';
import { compiledFileFor, writeIfChanged } from '../artifacts/write.js';
import { compileNodes, validateCompiled, type CompiledNode } from '../compile/compile.js';
import type { LoadedProject } from '../project/load.js';
import { compileGenericTests } from '../data-tests/compile-tests.js';
import { writeBuildCache } from '../project/build-cache.js';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { UserError } from '../util/diagnostics.js';

export interface PreparedSql {
  compiled: Map<string, CompiledNode>;
  existing: Map<string, RelationKind>;
  /** False when every node and the project itself came unchanged from the cache. */
  changed: boolean;
}

/**
 * Renders and parses every selected node before anything runs; writes target/compiled/.
 * The warehouse is asked for only when needed (incremental models, SQL to parse), so a compile
 * that the cache answers never loads DuckDB.
 */
export async function prepareSql(project: LoadedProject, ids: readonly string[], warehouse: () => Promise<Warehouse>, opts: { fullRefresh: boolean; forExecution: boolean; targetDir: string; runStartedAt: string }): Promise<PreparedSql> {
  const { fullRefresh, targetDir, runStartedAt } = opts;
  // Building needs to know what exists (to replace it); compiling only for is_incremental.
  const needRelations = opts.forExecution || ids.some((id) => project.nodes.get(id)!.config.materialized === 'incremental');
  const existing = needRelations ? await (await warehouse()).relations() : new Map<string, RelationKind>();
  const withTemplates = new Set(ids.filter((id) => project.cache.models[project.nodes.get(id)!.path] !== undefined));
  const { compiled, fresh, diagnostics } = compileNodes(project, withTemplates, { fullRefresh, existing, runStartedAt });
  // Generic tests are cheap to write afresh and are not cached: they never mark the cache changed.
  const changed = fresh.size > 0 || project.cacheChanged;
  const tests = compileGenericTests(project, ids, runStartedAt);
  diagnostics.push(...tests.diagnostics);
  for (const [id, c] of tests.compiled) {
    compiled.set(id, c);
    fresh.add(id);
  }
  const toValidate = new Map([...compiled].filter(([id]) => fresh.has(id)));
  if (toValidate.size > 0) diagnostics.push(...(await validateCompiled(project, toValidate, await warehouse())));
  if (diagnostics.length > 0) throw new UserError(diagnostics);
  const dirs = new Set<string>();
  // Unchanged nodes were written by the compile that cached them, unless target/compiled/ was deleted since.
  const rewriteAll = !existsSync(join(targetDir, 'compiled', project.config.name));
  for (const c of compiled.values()) {
    if (fresh.has(c.uniqueId) || rewriteAll) writeIfChanged(compiledFileFor(targetDir, project.config.name, project.nodes.get(c.uniqueId)!), c.sql + '\n', dirs);
  }
  if (changed) writeBuildCache(targetDir, project.cache);
  return { compiled, existing, changed };
}
