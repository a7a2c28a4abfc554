import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { RelationKind, Session, Warehouse } from '../../adapters/adapter.js';
import type { DuckDBWarehouse } from '../../adapters/duckdb/warehouse.js';
import { SAMPLE_DEFAULTS } from '../../extract/sample-data.js';
import { writeJunit } from '../../artifacts/junit.js';
import { buildManifest, writeManifest, type InvocationInfo } from '../../artifacts/manifest.js';
import { writeRunResults } from '../../artifacts/run-results.js';
import { writeSourcesJson } from '../../artifacts/sources-json.js';
import { writeText } from '../../artifacts/write.js';
import { displayPath } from '../../config/profiles.js';
import { landsFromSupabase } from '../../config/schema-yaml.js';
import { dataQualityReport } from '../../data-tests/quality-report.js';
import { freshnessTargets, runFreshness, type SourceFreshness } from '../../data-tests/run-freshness.js';
import { failuresSchema } from '../../data-tests/run-test.js';
import { forgetTestState, nextTestState, readTestState, recountUnlandedSources, withBuiltTables, writeTestState, type TestState } from '../../data-tests/test-state.js';
import { attachChangesDatabase, type ChangeLog } from '../../materializations/changed-rows.js';
import { parentsWithTestEdges } from '../../data-tests/test-edges.js';
import { executeNodes } from '../../execute/run-nodes.js';
import { isFailure, skippedResult, type NodeResult } from '../../execute/results.js';
import { reachable } from '../../graph/dag.js';
import type { ResourceType } from '../../graph/nodes.js';
import type { LoadedProject } from '../../project/load.js';
import { error, UserError, type Diagnostic } from '../../util/diagnostics.js';
import { quoteIdent } from '../../util/sql.js';
import { strayRelations } from '../../execute/stray-relations.js';
import type { CommonOptions } from '../options.js';
import { counted } from '../../util/counted.js';
import { countByType, loadOrFail, selectInOrder } from '../pipeline.js';
import { prepareSql, type PreparedSql } from '../prepare-sql.js';
import type { Reporter } from '../reporter.js';
import { reportResults } from '../results-report.js';

interface CommandShape {
  name: string;
  types: ResourceType[];
  /** Check source freshness for the selected sources. */
  freshness: boolean;
  /** Land the supabase-loaded sources the selection reads before building. */
  extract?: boolean;
}

export const build = (opts: CommonOptions, reporter: Reporter) => execute({ name: 'build', types: ['seed', 'model', 'test', 'source'], freshness: true, extract: opts.extract !== false }, opts, reporter);
export const run = (opts: CommonOptions, reporter: Reporter) => execute({ name: 'run', types: ['model'], freshness: false }, opts, reporter);
export const seed = (opts: CommonOptions, reporter: Reporter) => execute({ name: 'seed', types: ['seed'], freshness: false }, opts, reporter);
export const test = (opts: CommonOptions, reporter: Reporter) => execute({ name: 'test', types: ['test', 'source'], freshness: true }, opts, reporter);
export const sourceFreshness = (opts: CommonOptions, reporter: Reporter) => execute({ name: 'source freshness', types: ['source'], freshness: true }, opts, reporter);

/** load → select → compile and parse everything → freshness → build/test in DAG order → artifacts and reports. */
async function execute(command: CommandShape, opts: CommonOptions, reporter: Reporter): Promise<number> {
  const started = performance.now();
  const info: InvocationInfo = { invocationId: randomUUID(), generatedAt: new Date().toISOString(), command: command.name };
  const project = loadOrFail(opts, reporter);
  const targetDir = resolve(project.config.dir, project.config.targetPath);
  const selected = selectInOrder(project, opts, reporter, command.types);
  let runnable = selected.filter((id) => {
    const node = project.nodes.get(id)!;
    return node.resourceType !== 'source' && node.config.materialized !== 'ephemeral';
  });
  const checks = command.freshness ? freshnessTargets(project, selected) : [];
  reporter.info(`Found ${countByType(project.nodes.values())}, ${counted(project.macros.size, 'macro', 'plain')}`);
  if (command.freshness) useSampleClock(project, reporter);
  const { openWarehouse } = await import('../../adapters/duckdb/open.js');
  const display = displayPath(project.config.dir, project.target.path);
  // A warehouse that does not exist yet is created only once the SQL has compiled and parsed.
  const create = !project.target.path.startsWith(':memory:') && !existsSync(project.target.path);
  const readsOnly = !command.types.some((t) => t === 'model' || t === 'seed');
  if (create && readsOnly && (runnable.length > 0 || checks.length > 0)) throw new UserError([notBuilt(display, displayPath(project.config.dir, project.target.file))]);
  let warehouse: Warehouse = await openWarehouse(project.target, display, create ? 'read' : 'write');
  let results: NodeResult[] = [];
  let landed: NodeResult[] = [];
  let freshness: SourceFreshness[] = [];
  let prepared: PreparedSql | undefined;
  const changes: ChangeLog = new Map();
  let testState: TestState | undefined;
  try {
    prepared = await prepareSql(project, runnable, async () => warehouse, { fullRefresh: Boolean(opts.fullRefresh), forExecution: true, targetDir, runStartedAt: info.generatedAt });
    if (create && (runnable.length > 0 || checks.length > 0 || command.extract)) {
      warehouse.close();
      warehouse = await openWarehouse(project.target, display);
    }
    testState = await withSession(warehouse, async (session) => {
      await attachChanges(project, session);
      // An in-memory warehouse starts empty every run: there is nothing to remember about it.
      if (project.target.path.startsWith(':memory:')) return undefined;
      const state = await readTestState(session);
      if (runnable.length > 0 || command.extract) await forgetTestState(session);
      return state;
    });
    // Per project and target: two targets of one project may build into different schemas of one file.
    const builder = `${project.config.name}/${project.target.name}`;
    const built = testState?.built.get(builder);
    const nodeList = [...project.nodes.values()];
    if (command.types.includes('model') && built) {
      for (const d of await withSession(warehouse, (s) => strayRelations(nodeList, built, s))) reporter.diagnostic(d);
    }
    if (command.extract) {
      const { extractForSelection } = await import('../../extract/index.js');
      landed = await extractForSelection(project, selected, warehouse as DuckDBWarehouse, reporter, { fullRefresh: Boolean(opts.fullRefresh), changes: testState ? changes : undefined });
      for (const r of landed) r.phase = 'extract';
      // Relations landing created count as existing for the models built next.
      for (const [key, kind] of await warehouse.relations()) prepared.existing.set(key, kind);
    }
    // Nothing is built on a table whose landing failed: its rows may be stale or partial.
    const blocked = new Set(landed.filter(isFailure).flatMap((r) => [...reachable(project.children, r.uniqueId)]));
    const skippedByLanding = runnable.filter((id) => blocked.has(id)).map((id) => skippedResult(id, 'skipped because landing its source failed'));
    runnable = runnable.filter((id) => !blocked.has(id));
    for (const r of skippedByLanding) reporter.info(`SKIP ${project.nodes.get(r.uniqueId)!.name}: ${r.message}`);
    if (runnable.length === 0 && checks.length === 0) reporter.info('Nothing to do: the selection matched no runnable node.');
    if (checks.length > 0) freshness = await runFreshness(project, checks, warehouse, reporter);
    if (runnable.length > 0) {
      await createSchemas(project, runnable, warehouse);
      const threads = opts.threads ?? project.target.threads;
      reporter.info(`Concurrency: ${threads} threads (target='${project.target.name}')\n`);
      results = await executeNodes(project, prepared.compiled, runnable, warehouse, prepared.existing, reporter, {
        threads,
        failFast: Boolean(opts.failFast),
        targetDir,
        parents: command.name === 'build' ? parentsWithTestEdges(project, new Set(runnable)) : undefined,
        changes,
        testState,
      });
    }
    const elapsed = (performance.now() - started) / 1000;
    const all = [...landed, ...freshness.map((f) => f.nodeResult), ...skippedByLanding, ...results];
    if (freshness.length > 0) writeSourcesJson(targetDir, freshness, info, elapsed);
    if (opts.junit) writeJunit(resolve(opts.junit), all, project.nodes, elapsed);
    const reportsQuality = all.some((r) => project.nodes.get(r.uniqueId)!.resourceType === 'test') || freshness.length > 0;
    // What the run left in the warehouse, for the state's recount and the quality report.
    const relations = testState || reportsQuality ? await warehouse.relations() : new Map<string, RelationKind>();
    if (testState) {
      const next = nextTestState(testState, project.nodes, all, changes, (id) => prepared?.compiled.get(id)?.sql);
      await withSession(warehouse, async (s) => writeTestState(s, withBuiltTables(await recountUnlandedSources(next, project.nodes, all, s, relations), builder, nodeList, relations)));
    }
    writeRunResults(targetDir, all, info, elapsed, { command: command.name, select: opts.select ?? [], exclude: opts.exclude ?? [], target: project.target.name, full_refresh: Boolean(opts.fullRefresh), threads: opts.threads ?? project.target.threads });
    reportResults(project, all, elapsed, reporter);
    if (reportsQuality) {
      const report = await withSession(warehouse, async (session) => dataQualityReport(project, all, freshness, session, relations, info.generatedAt));
      writeText(join(targetDir, 'data_quality_report.md'), report);
    }
    return all.some(isFailure) ? 1 : 0;
  } finally {
    warehouse.close();
    writeManifest(targetDir, buildManifest(project, prepared?.compiled ?? new Map(), info));
  }
}

/** What `test` or `source freshness` says on a warehouse that does not exist: every test would fail on missing tables. */
function notBuilt(display: string, profiles: string): Diagnostic {
  return error(`warehouse ${display} does not exist yet — run \`modelrun build\` first, or point the target's path in ${profiles} at a built warehouse`);
}

/**
 * The embedded sample ends at a fixed instant; measured against the wall clock it would always look
 * stale. Without Supabase credentials (so on the sample) and without MODELRUN_NOW, freshness and
 * recency are measured at the sample's end, and one line says so.
 */
function useSampleClock(project: LoadedProject, reporter: Reporter): void {
  const usesSupabase = project.sourceSpecs.some(landsFromSupabase);
  if (!usesSupabase || process.env.SUPABASE_URL || process.env.MODELRUN_NOW) return;
  process.env.MODELRUN_NOW = SAMPLE_DEFAULTS.end;
  reporter.info(`No SUPABASE_URL set: freshness is measured at the end of the embedded sample, ${SAMPLE_DEFAULTS.end}.`);
}

async function withSession<T>(warehouse: Warehouse, work: (session: Session) => Promise<T>): Promise<T> {
  const session = await warehouse.session();
  try {
    return await work(session);
  } finally {
    session.close();
  }
}

/** The run's changes database, with a schema for every model and source schema, before anything runs concurrently. */
async function attachChanges(project: LoadedProject, session: Session): Promise<void> {
  const schemas = [...project.nodes.values()].filter((n) => n.resourceType === 'model' || n.resourceType === 'source').map((n) => n.schema);
  for (const sql of attachChangesDatabase(schemas)) await session.execute(sql);
}

/** Every schema the run writes to exists before nodes run concurrently (creating one is a catalog write). */
async function createSchemas(project: LoadedProject, ids: readonly string[], warehouse: Warehouse): Promise<void> {
  const schemas = new Set<string>();
  for (const id of ids) {
    const node = project.nodes.get(id)!;
    if (node.resourceType === 'test') {
      if (node.config.store_failures === true) schemas.add(failuresSchema(node.schema));
    } else schemas.add(node.schema);
  }
  await withSession(warehouse, async (session) => {
    for (const s of [...schemas].sort()) await session.execute(`CREATE SCHEMA IF NOT EXISTS ${quoteIdent(s)}`);
  });
}
