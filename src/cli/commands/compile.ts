import { randomUUID } from 'node:crypto';
import { resolve } from 'node:path';
import { displayPath } from '../../config/profiles.js';
import { SqlChecker } from '../../adapters/duckdb/sql-checker.js';
import { compileEdits, writeGraphSnapshot } from '../../compile/compile-edits.js';
import { optionalStamp } from '../../project/hash.js';
import { readNoopRecord, writeNoopRecord, type CompileReport, type NoopRecord } from '../../project/noop-record.js';
import { GraphSnapshot, outputsKey } from '../../project/graph-snapshot.js';
import { loadFromSettings, loadSettings, projectFingerprint, projectScope, type LoadedProject, type ProjectSettings } from '../../project/load.js';
import type { Diagnostic } from '../../util/diagnostics.js';
import { UserError } from '../../util/diagnostics.js';
import { counted } from '../../util/counted.js';
import type { CommonOptions } from '../options.js';
import type { Reporter } from '../reporter.js';

/**
 * Renders every selected model to target/compiled/ and checks it with DuckDB's parser; runs nothing.
 * Three ways, cheapest first: nothing changed (the last report, from the fingerprint); only the
 * contents of some SQL files changed, not their refs or config (those files alone, see
 * compileEdits); anything else (the whole project, each node's SQL reused from the build cache
 * while its inputs are unchanged).
 */
export async function compile(opts: CommonOptions, reporter: Reporter): Promise<number> {
  const started = performance.now();
  const report = (r: Omit<CompileReport, 'warnings'>, warnings: readonly Diagnostic[]) => {
    warnings.forEach((d) => reporter.diagnostic(d));
    reporter.info(r.found);
    reporter.info(`${r.compiledTo} in ${((performance.now() - started) / 1000).toFixed(2)}s`);
  };
  const loaded = loadSettings({ projectDir: opts.projectDir, profilesDir: opts.profilesDir, target: opts.target, vars: opts.vars });
  const { settings } = loaded;
  const settingsWarnings = loaded.diagnostics.filter((d) => d.level === 'warn');
  const record = settings && readNoopRecord(targetDirOf(settings));
  if (settings && record && record.key === fingerprint(settings, opts, record.warehouse)) {
    report(record, [...settingsWarnings, ...record.warnings]);
    return 0;
  }
  // Started before the project is loaded, so that DuckDB loads meanwhile on the other core.
  const checker = settings && new SqlChecker(settings.target, displayPath(settings.config.dir, settings.target.path));
  try {
    const invocation = { generatedAt: new Date().toISOString(), invocationId: randomUUID() };
    const scope = settings && editsScope(settings, opts);
    const edited = settings && checker && scope && (await compileEdits({ settings, scope, checker, ...invocation }).catch(unreadableSnapshot));
    if (settings && edited) {
      report(edited, [...settingsWarnings, ...edited.warnings]);
      writeNoopRecord(targetDirOf(settings), { ...edited, key: fingerprint(settings, opts, edited.warehouse) });
      return 0;
    }
    const { project, diagnostics } = loadFromSettings(loaded);
    diagnostics.filter((d) => d.level === 'warn').forEach((d) => reporter.diagnostic(d));
    const { projectErrors } = await import('../pipeline.js');
    const errors = projectErrors(project, diagnostics);
    if (!project || !settings || !checker || !scope || errors.length > 0) throw new UserError(errors);
    // What this compile warns about beyond the settings, which a compile answered by the fingerprint repeats.
    const warnings = diagnostics.filter((d) => d.level === 'warn' && !settingsWarnings.includes(d));
    const recording: Reporter = Object.assign(Object.create(reporter) as Reporter, {
      diagnostic: (d: Diagnostic) => {
        warnings.push(d);
        reporter.diagnostic(d);
      },
    });
    const result = await compileProject(project, opts, recording, checker, invocation);
    report(result, []);
    // Templates that read the clock or the environment compile differently each time: no fingerprint can stand for them.
    if (isVolatile(project)) GraphSnapshot.remove(targetDirOf(settings));
    else {
      writeNoopRecord(targetDirOf(settings), { ...result, warnings, key: fingerprint(settings, opts, result.warehouse) });
      writeGraphSnapshot(project, { ...result, warnings }, scope);
    }
    return 0;
  } finally {
    await checker?.close();
  }
}

async function compileProject(
  project: LoadedProject,
  opts: CommonOptions,
  reporter: Reporter,
  checker: SqlChecker,
  { generatedAt, invocationId }: { generatedAt: string; invocationId: string },
): Promise<Omit<NoopRecord, 'key' | 'warnings'>> {
  // Loaded here: a compile that the fingerprint or the graph snapshot answers needs none of these.
  const [{ writeCompiledManifest }, { countByType, selectInOrder }, { prepareSql }] = await Promise.all([
    import('../../artifacts/manifest.js'),
    import('../pipeline.js'),
    import('../prepare-sql.js'),
  ]);
  const targetDir = resolve(project.config.dir, project.config.targetPath);
  const selected = selectInOrder(project, opts, reporter, ['model', 'test']);
  const { compiled } = await prepareSql(project, selected, async () => checker, {
    fullRefresh: Boolean(opts.fullRefresh),
    forExecution: false,
    targetDir,
    runStartedAt: generatedAt,
    // Always: even when every node came from the cache, another selection than last time's changes what the manifest says was compiled.
    whileWriting: ({ compiled }) => writeCompiledManifest(targetDir, project, compiled, { invocationId, generatedAt, command: 'compile' }),
  });
  return {
    warehouse: selected.some((id) => project.nodes.get(id)!.config.materialized === 'incremental'),
    found: `Found ${countByType(project.nodes.values())}, ${counted(project.macros.size, 'macro', 'plain')}`,
    compiledTo: `Compiled ${counted(compiled.size, 'node', 'plain')} to ${displayPath(project.config.dir, resolve(targetDir, 'compiled'))}`,
  };
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
  const warehouse = withWarehouse ? warehouseStamps(settings) : [];
  return projectFingerprint(settings, [optionsKey(opts), outputsKey(targetDirOf(settings), settings.config.name), ...warehouse]);
}

function warehouseStamps(settings: ProjectSettings): string[] {
  return ['', '.wal'].map((suffix) => optionalStamp(settings.target.path + suffix));
}

/**
 * What a compile of edits needs unchanged since the last full compile (see compileEdits): the
 * project but for its SQL files' contents, the options, and the warehouse file, which is
 * is_incremental's to answer.
 */
export function editsScope(settings: ProjectSettings, opts: Pick<CommonOptions, 'select' | 'exclude' | 'fullRefresh'>): string {
  return projectScope(settings, [optionsKey(opts), ...warehouseStamps(settings)]);
}

/** What, besides the project, changes what a compile writes: the selection, --full-refresh, and MODELRUN_NOW (the clock recency tests compile in). */
function optionsKey(opts: Pick<CommonOptions, 'select' | 'exclude' | 'fullRefresh'>): string {
  return JSON.stringify([opts.select, opts.exclude, Boolean(opts.fullRefresh), process.env.MODELRUN_NOW ?? null]);
}

function isVolatile(project: LoadedProject): boolean {
  return project.volatile.size > 0 || [...project.macros.values()].some((m) => m.analysis?.volatile);
}

/** A graph snapshot that does not decode (torn by a crash, edited by hand) is no snapshot: the full compile follows. */
function unreadableSnapshot(e: unknown): undefined {
  if (e instanceof SyntaxError) return undefined;
  throw e;
}
