import { existsSync } from 'node:fs';
import { displayPath } from '../../config/profiles.js';
import { UserError } from '../../util/diagnostics.js';
import type { CommonOptions } from '../options.js';
import { loadOrFail } from '../pipeline.js';
import type { Reporter } from '../reporter.js';

/** Shows what modelrun resolved, then opens the warehouse to prove the connection works. */
export async function debug(opts: CommonOptions, reporter: Reporter): Promise<number> {
  const project = loadOrFail(opts, reporter);
  const { config, target } = project;
  const warehousePath = target.path.startsWith(':memory:') ? target.path : displayPath(config.dir, target.path);
  reporter.info(
    [
      `modelrun project:  ${config.name} (${config.dir}/${config.file})`,
      `profile:           ${target.profileName} (${target.file})`,
      `target:            ${target.name}`,
      `  type:            ${target.type}`,
      `  path:            ${warehousePath}`,
      `  schema:          ${target.schema}`,
      `  threads:         ${target.threads}`,
      `paths:             models=${config.modelPaths.join(',')} seeds=${config.seedPaths.join(',')} tests=${config.testPaths.join(',')} macros=${config.macroPaths.join(',')} target=${config.targetPath}`,
      `vars:              ${JSON.stringify(project.vars)}`,
    ].join('\n'),
  );
  const { cannotCreate, openWarehouse } = await import('../../adapters/duckdb/open.js');
  // Checking the connection must not leave an empty warehouse file behind, but must say if a build could not create one.
  const exists = target.path.startsWith(':memory:') || existsSync(target.path);
  const problem = exists ? undefined : cannotCreate(target, warehousePath);
  if (problem) throw new UserError([problem]);
  const warehouse = await openWarehouse(target, warehousePath, exists ? 'write' : 'read');
  try {
    const session = await warehouse.session();
    const [row] = await session.query('SELECT version() AS v');
    session.close();
    reporter.info(`connection:        OK (DuckDB ${String(row?.v)}${exists ? '' : `; ${warehousePath} does not exist yet, \`modelrun build\` creates it`})`);
    reporter.info('All checks passed!');
    return 0;
  } finally {
    warehouse.close();
  }
}
