import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { buildManifest, writeManifest } from '../../artifacts/manifest.js';
import { displayPath } from '../../config/profiles.js';
import type { Warehouse } from '../../adapters/adapter.js';
import { optionalStamp, readNoopRecord, writeNoopRecord, type NoopRecord } from '../../project/build-cache.js';
import { loadFullProject, loadSettings, projectFingerprint, type LoadedProject, type ProjectSettings } from '../../project/load.js';
import type { Diagnostic } from '../../util/diagnostics.js';
import { UserError } from '../../util/diagnostics.js';
import type { CommonOptions } from '../options.js';
import { countByType, plural, selectInOrder } from '../pipeline.js';
import { prepareSql } from '../prepare-sql.js';
import type { Reporter } from '../reporter.js';

/** Renders every selected model to target/compiled/ and checks it with DuckDB's parser; runs nothing. */
export async function compile(opts: CommonOptions, reporter: Reporter): Promise<number> {
  const started = performance.now();
  const loaded = loadSettings({ projectDir: opts.projectDir, profilesDir: opts.profilesDir, target: opts.target, vars: opts.vars });
  const elapsed = () => `in ${((performance.now() - started) / 1000).toFixed(2)}s`;
  if (loaded.settings) {
    const record = readNoopRecord(targetDirOf(loaded.settings));
    if (record && record.key === fingerprint(loaded.settings, opts, record.warehouse)) {
      record.warnings.forEach((d) => reporter.diagnostic(d));
      reporter.info(record.found);
      reporter.info(`${record.compiledTo} ${elapsed()}`);
      return 0;
    }
  }
  const warnings: Diagnostic[] = [];
  const recording: Reporter = Object.assign(Object.create(reporter) as Reporter, {
    diagnostic: (d: Diagnostic) => {
      warnings.push(d);
      reporter.diagnostic(d);
    },
  });
  const { project, diagnostics } = loadFullProject({ projectDir: opts.projectDir }, loaded);
  diagnostics.filter((d) => d.level === 'warn').forEach((d) => recording.diagnostic(d));
  const errors = diagnostics.filter((d) => d.level === 'error');
  if (!project || errors.length > 0) throw new UserError(errors);
  const record = await compileProject(project, opts, recording);
  record.warnings = warnings;
  reporter.info(record.found);
  reporter.info(`${record.compiledTo} ${elapsed()}`);
  // Templates that read the clock or the environment compile differently each time: no fingerprint can stand for them.
  if (!isVolatile(project)) writeNoopRecord(targetDirOf(loaded.settings!), { ...record, key: fingerprint(loaded.settings!, opts, record.warehouse) });
  return 0;
}

async function compileProject(project: LoadedProject, opts: CommonOptions, reporter: Reporter): Promise<Omit<NoopRecord, 'key'>> {
  const generatedAt = new Date().toISOString();
  const targetDir = resolve(project.config.dir, project.config.targetPath);
  const selected = selectInOrder(project, opts, reporter, ['model', 'test']);
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
    return {
      warehouse: selected.some((id) => project.nodes.get(id)!.config.materialized === 'incremental'),
      warnings: [],
      found: `Found ${countByType(project.nodes.values())}, ${plural(project.macros.size, 'macro')}`,
      compiledTo: `Compiled ${plural(compiled.size, 'node')} to ${displayPath(project.config.dir, resolve(targetDir, 'compiled'))}`,
    };
  } finally {
    warehouse?.close();
  }
}

function targetDirOf(settings: ProjectSettings): string {
  return resolve(settings.config.dir, settings.config.targetPath);
}

/**
 * The fingerprint of a compile: the project's inputs, the options that change what is compiled,
 * the outputs it left in target/ (a deleted or rewritten manifest means work to do), and the
 * warehouse file when incremental models make the SQL depend on what it holds.
 */
function fingerprint(settings: ProjectSettings, opts: CommonOptions, withWarehouse: boolean): string {
  const targetDir = targetDirOf(settings);
  const outputs = ['manifest.json', 'modelrun_cache.json', join('compiled', settings.config.name)].map((f) => optionalStamp(join(targetDir, f)));
  const warehouse = withWarehouse ? ['', '.wal'].map((suffix) => optionalStamp(settings.target.path + suffix)) : [];
  return projectFingerprint(settings, [JSON.stringify([opts.select, opts.exclude, Boolean(opts.fullRefresh)]), ...outputs, ...warehouse]);
}

function isVolatile(project: LoadedProject): boolean {
  return project.volatile.size > 0 || [...project.macros.values()].some((m) => m.analysis?.volatile);
}
