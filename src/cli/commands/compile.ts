import { randomUUID } from 'node:crypto';
import { join, resolve } from 'node:path';
import { writeCompiledManifest } from '../../artifacts/manifest.js';
import { displayPath } from '../../config/profiles.js';
import { SqlChecker } from '../../adapters/duckdb/sql-checker.js';
import { CACHE_FILE } from '../../project/build-cache.js';
import { optionalStamp } from '../../project/hash.js';
import { readNoopRecord, writeNoopRecord, type NoopRecord } from '../../project/noop-record.js';
import { loadFromSettings, loadSettings, projectFingerprint, type LoadedProject, type ProjectSettings } from '../../project/load.js';
import type { Diagnostic } from '../../util/diagnostics.js';
import { UserError } from '../../util/diagnostics.js';
import type { CommonOptions } from '../options.js';
import { countByType, plural, selectInOrder } from '../pipeline.js';
import { prepareSql } from '../prepare-sql.js';
import type { Reporter } from '../reporter.js';

/** Renders every selected model to target/compiled/ and checks it with DuckDB's parser; runs nothing. */
export async function compile(opts: CommonOptions, reporter: Reporter): Promise<number> {
  const started = performance.now();
  const elapsed = () => `in ${((performance.now() - started) / 1000).toFixed(2)}s`;
  const loaded = loadSettings({ projectDir: opts.projectDir, profilesDir: opts.profilesDir, target: opts.target, vars: opts.vars });
  const { settings } = loaded;
  const settingsWarnings = loaded.diagnostics.filter((d) => d.level === 'warn');
  const record = settings && readNoopRecord(targetDirOf(settings));
  if (settings && record && record.key === fingerprint(settings, opts, record.warehouse)) {
    [...settingsWarnings, ...record.warnings].forEach((d) => reporter.diagnostic(d));
    reporter.info(record.found);
    reporter.info(`${record.compiledTo} ${elapsed()}`);
    return 0;
  }
  // Started before the project is loaded, so that DuckDB loads meanwhile on the other core.
  const checker = settings && new SqlChecker(settings.target, displayPath(settings.config.dir, settings.target.path));
  try {
    const { project, diagnostics } = loadFromSettings(loaded);
    diagnostics.filter((d) => d.level === 'warn').forEach((d) => reporter.diagnostic(d));
    const errors = diagnostics.filter((d) => d.level === 'error');
    if (!project || !settings || !checker || errors.length > 0) throw new UserError(errors);
    // What this compile warns about beyond the settings, which a compile answered by the fingerprint repeats.
    const warnings = diagnostics.filter((d) => d.level === 'warn' && !settingsWarnings.includes(d));
    const recording: Reporter = Object.assign(Object.create(reporter) as Reporter, {
      diagnostic: (d: Diagnostic) => {
        warnings.push(d);
        reporter.diagnostic(d);
      },
    });
    const result = await compileProject(project, opts, recording, checker);
    reporter.info(result.found);
    reporter.info(`${result.compiledTo} ${elapsed()}`);
    // Templates that read the clock or the environment compile differently each time: no fingerprint can stand for them.
    if (!isVolatile(project)) writeNoopRecord(targetDirOf(settings), { ...result, warnings, key: fingerprint(settings, opts, result.warehouse) });
    return 0;
  } finally {
    await checker?.close();
  }
}

async function compileProject(project: LoadedProject, opts: CommonOptions, reporter: Reporter, checker: SqlChecker): Promise<Omit<NoopRecord, 'key' | 'warnings'>> {
  const generatedAt = new Date().toISOString();
  const targetDir = resolve(project.config.dir, project.config.targetPath);
  const selected = selectInOrder(project, opts, reporter, ['model', 'test']);
  const { compiled } = await prepareSql(project, selected, async () => checker, {
    fullRefresh: Boolean(opts.fullRefresh),
    forExecution: false,
    targetDir,
    runStartedAt: generatedAt,
    // Always: even when every node came from the cache, another selection than last time's changes what the manifest says was compiled.
    whileWriting: ({ compiled }) => writeCompiledManifest(targetDir, project, compiled, { invocationId: randomUUID(), generatedAt, command: 'compile' }),
  });
  return {
    warehouse: selected.some((id) => project.nodes.get(id)!.config.materialized === 'incremental'),
    found: `Found ${countByType(project.nodes.values())}, ${plural(project.macros.size, 'macro')}`,
    compiledTo: `Compiled ${plural(compiled.size, 'node')} to ${displayPath(project.config.dir, resolve(targetDir, 'compiled'))}`,
  };
}

function targetDirOf(settings: ProjectSettings): string {
  return resolve(settings.config.dir, settings.config.targetPath);
}

/**
 * The fingerprint of a compile: the project's inputs, the options that change what is compiled,
 * MODELRUN_NOW (the clock that freshness and recency tests compile in), the outputs it left in
 * target/ (a deleted or rewritten manifest means work to do), and the warehouse file when
 * incremental models make the SQL depend on what it holds.
 */
function fingerprint(settings: ProjectSettings, opts: CommonOptions, withWarehouse: boolean): string {
  const targetDir = targetDirOf(settings);
  const outputs = ['manifest.json', CACHE_FILE, join('compiled', settings.config.name)].map((f) => optionalStamp(join(targetDir, f)));
  const warehouse = withWarehouse ? ['', '.wal'].map((suffix) => optionalStamp(settings.target.path + suffix)) : [];
  return projectFingerprint(settings, [JSON.stringify([opts.select, opts.exclude, Boolean(opts.fullRefresh), process.env.MODELRUN_NOW ?? null]), ...outputs, ...warehouse]);
}

function isVolatile(project: LoadedProject): boolean {
  return project.volatile.size > 0 || [...project.macros.values()].some((m) => m.analysis?.volatile);
}
