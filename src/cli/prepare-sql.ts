import type { RelationKind, Warehouse } from '../adapters/adapter.js';
import { FileWriter } from '../artifacts/file-writer.js';
import { compiledFileFor } from '../artifacts/write.js';
import { compileNodes, SqlValidator, type CompiledNode } from '../compile/compile.js';
import type { LoadedProject } from '../project/load.js';
import { compileGenericTests } from '../data-tests/compile-tests.js';
import { removeNoopRecord } from '../project/noop-record.js';
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
 * The warehouse is used only when needed (incremental models, SQL to parse): `compile` hands over
 * one that opens at its first request, so a compile that the cache answers never opens it.
 */
export async function prepareSql(
  project: LoadedProject,
  ids: readonly string[],
  warehouse: () => Promise<Pick<Warehouse, 'relations' | 'parse'>>,
  opts: { fullRefresh: boolean; forExecution: boolean; targetDir: string; runStartedAt: string; whileWriting?: (prepared: PreparedSql) => void },
): Promise<PreparedSql> {
  const { fullRefresh, targetDir, runStartedAt } = opts;
  // What follows rewrites target/: the last compile's fingerprint no longer describes it.
  removeNoopRecord(targetDir);
  const sql = await warehouse();
  // Building needs to know what exists (to replace it); compiling only for is_incremental.
  const needRelations = opts.forExecution || ids.some((id) => project.nodes.get(id)!.config.materialized === 'incremental');
  const existing = needRelations ? await sql.relations() : new Map<string, RelationKind>();
  const withTemplates = new Set(ids.filter((id) => project.cache.model(project.nodes.get(id)!.path) !== undefined));
  const validator = new SqlValidator(project, sql);
  const { compiled, fresh, diagnostics } = compileNodes(project, withTemplates, { fullRefresh, existing, runStartedAt, onFresh: (c) => validator.add(c) });
  // Generic tests are cheap to write afresh and are not cached: they never mark the cache changed.
  const changed = project.cache.changed;
  const tests = compileGenericTests(project, ids, runStartedAt);
  diagnostics.push(...tests.diagnostics);
  for (const [id, c] of tests.compiled) {
    compiled.set(id, c);
    fresh.add(id);
    validator.add(c);
  }
  diagnostics.push(...(await validator.finish()));
  if (diagnostics.length > 0) throw new UserError(diagnostics);
  // Unchanged nodes were written by the compile that cached them, unless target/compiled/ was deleted since.
  const rewriteAll = !existsSync(join(targetDir, 'compiled', project.config.name));
  const toWrite = rewriteAll ? [...compiled.values()] : [...fresh].map((id) => compiled.get(id)!);
  const writer = new FileWriter(toWrite.length);
  try {
    for (const c of toWrite) writer.add(compiledFileFor(targetDir, project.config.name, project.nodes.get(c.uniqueId)!), c.sql + '\n');
    if (changed) project.cache.write(targetDir);
    const prepared = { compiled, existing, changed };
    opts.whileWriting?.(prepared);
    return prepared;
  } finally {
    await writer.close();
  }
}
