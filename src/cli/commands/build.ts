import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { buildManifest, writeManifest, type InvocationInfo } from '../../artifacts/manifest.js';
import { writeRunResults } from '../../artifacts/run-results.js';
import { displayPath } from '../../config/profiles.js';
import { executeNodes } from '../../execute/run-nodes.js';
import { isFailure, type NodeResult } from '../../execute/results.js';
import type { ResourceType } from '../../graph/nodes.js';
import type { LoadedProject } from '../../project/load.js';
import { formatDiagnostic } from '../../util/diagnostics.js';
import { quoteIdent } from '../../util/sql.js';
import type { CommonOptions } from '../options.js';
import { countByType, loadOrFail, plural, selectInOrder } from '../pipeline.js';
import { prepareSql } from '../prepare-sql.js';
import type { Reporter } from '../reporter.js';

export const build = (opts: CommonOptions, reporter: Reporter) => execute('build', ['seed', 'model'], opts, reporter);
export const run = (opts: CommonOptions, reporter: Reporter) => execute('run', ['model'], opts, reporter);
export const seed = (opts: CommonOptions, reporter: Reporter) => execute('seed', ['seed'], opts, reporter);

/** build / run / seed: load → select → compile and parse everything → build in DAG order → artifacts. */
async function execute(command: string, types: ResourceType[], opts: CommonOptions, reporter: Reporter): Promise<number> {
  const started = performance.now();
  const info: InvocationInfo = { invocationId: randomUUID(), generatedAt: new Date().toISOString(), command };
  const project = loadOrFail(opts, reporter);
  const targetDir = resolve(project.config.dir, project.config.targetPath);
  const selected = selectInOrder(project, opts, reporter, types);
  const runnable = selected.filter((id) => project.nodes.get(id)!.config.materialized !== 'ephemeral');
  reporter.info(`Found ${countByType(project.nodes.values())}, ${plural(project.macros.size, 'macro')}`);
  const { openWarehouse } = await import('../../adapters/duckdb/open.js');
  const display = displayPath(project.config.dir, project.target.path);
  // A warehouse that does not exist yet is created only once the SQL has compiled and parsed.
  const create = !project.target.path.startsWith(':memory:') && !existsSync(project.target.path);
  let warehouse = await openWarehouse(project.target, display, create ? 'read' : 'write');
  let results: NodeResult[] = [];
  let prepared: Awaited<ReturnType<typeof prepareSql>> | undefined;
  try {
    prepared = await prepareSql(project, selected, async () => warehouse, { fullRefresh: Boolean(opts.fullRefresh), forExecution: true, targetDir, runStartedAt: info.generatedAt });
    if (create && runnable.length > 0) {
      warehouse.close();
      warehouse = await openWarehouse(project.target, display);
    }
    if (runnable.length === 0) {
      reporter.info('Nothing to do: the selection matched no runnable node.');
    } else {
      await createSchemas(project, runnable, warehouse);
      reporter.info(`Concurrency: ${opts.threads ?? project.target.threads} threads (target='${project.target.name}')\n`);
      results = await executeNodes(project, prepared.compiled, runnable, warehouse, prepared.existing, reporter, {
        threads: opts.threads ?? project.target.threads,
        failFast: Boolean(opts.failFast),
        fullRefresh: Boolean(opts.fullRefresh),
        targetDir,
      });
    }
  } finally {
    warehouse.close();
    writeManifest(targetDir, buildManifest(project, prepared?.compiled ?? new Map(), info));
  }
  const elapsed = (performance.now() - started) / 1000;
  writeRunResults(targetDir, results, info, elapsed, { command, select: opts.select ?? [], exclude: opts.exclude ?? [], target: project.target.name, full_refresh: Boolean(opts.fullRefresh), threads: opts.threads ?? project.target.threads });
  report(project, results, elapsed, reporter);
  return results.some(isFailure) ? 1 : 0;
}

async function createSchemas(project: LoadedProject, ids: readonly string[], warehouse: { session(): Promise<{ execute(sql: string): Promise<number>; close(): void }> }): Promise<void> {
  const schemas = [...new Set(ids.map((id) => project.nodes.get(id)!.schema))].sort();
  const session = await warehouse.session();
  try {
    for (const s of schemas) await session.execute(`CREATE SCHEMA IF NOT EXISTS ${quoteIdent(s)}`);
  } finally {
    session.close();
  }
}

function report(project: LoadedProject, results: readonly NodeResult[], elapsed: number, reporter: Reporter): void {
  if (results.length === 0) return;
  const count = (...statuses: string[]) => results.filter((r) => statuses.includes(r.status)).length;
  const counts = { PASS: count('success', 'pass'), WARN: count('warn'), ERROR: count('error', 'fail'), SKIP: count('skipped'), TOTAL: results.length };
  const ran = countByType(results.map((r) => project.nodes.get(r.uniqueId)!));
  const line = `Finished running ${ran} in ${elapsed.toFixed(2)}s.  ${Object.entries(counts).map(([k, v]) => `${k}=${v}`).join(' ')}`;
  const failed = results.filter(isFailure);
  if (failed.length > 0) {
    reporter.info(`\nCompleted with ${plural(failed.length, 'error')}:`);
    for (const r of failed) {
      const node = project.nodes.get(r.uniqueId)!;
      reporter.info(formatDiagnostic({ level: 'error', message: `${node.resourceType} ${node.name}: ${r.message}`, file: r.file, line: r.line }));
    }
  }
  reporter.summary(line, counts, elapsed);
}
