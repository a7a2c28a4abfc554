import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { buildManifest, writeManifest } from '../../artifacts/manifest.js';
import { displayPath } from '../../config/profiles.js';
import type { Warehouse } from '../../adapters/adapter.js';
import type { CommonOptions } from '../options.js';
import { countByType, loadOrFail, plural, selectInOrder } from '../pipeline.js';
import { prepareSql } from '../prepare-sql.js';
import type { Reporter } from '../reporter.js';

/** Renders every selected model to target/compiled/ and checks it with DuckDB's parser; runs nothing. */
export async function compile(opts: CommonOptions, reporter: Reporter): Promise<number> {
  const started = performance.now();
  const generatedAt = new Date().toISOString();
  const project = loadOrFail(opts, reporter);
  const targetDir = resolve(project.config.dir, project.config.targetPath);
  const selected = selectInOrder(project, opts, reporter, ['model']);
  let warehouse: Warehouse | undefined;
  const openOnce = async () => {
    const { openWarehouse } = await import('../../adapters/duckdb/open.js');
    warehouse ??= await openWarehouse(project.target, displayPath(project.config.dir, project.target.path), 'read');
    return warehouse;
  };
  try {
    const { compiled, changed } = await prepareSql(project, selected, openOnce, { fullRefresh: Boolean(opts.fullRefresh), forExecution: false, targetDir, runStartedAt: generatedAt });
    if (changed || !existsSync(join(targetDir, 'manifest.json'))) {
      writeManifest(targetDir, buildManifest(project, compiled, { invocationId: randomUUID(), generatedAt, command: 'compile' }));
    }
    reporter.info(`Found ${countByType(project.nodes.values())}, ${plural(project.macros.size, 'macro')}`);
    reporter.info(`Compiled ${plural(compiled.size, 'node')} to ${displayPath(project.config.dir, resolve(targetDir, 'compiled'))} in ${((performance.now() - started) / 1000).toFixed(2)}s`);
    return 0;
  } finally {
    warehouse?.close();
  }
}
