import type { CatalogEntry } from '../artifacts/catalog.js';
import type { DocsArtifacts, FreshnessResult, ManifestNode, RunResult } from './artifacts.js';
import { mergeColumns, type SiteColumn } from './columns.js';
import { freshnessClock, type FreshnessClock } from './freshness-clock.js';
import { testInfo, type TestInfo } from './test-info.js';

/** Nodes per detail chunk: a page loads one small script, never every node's SQL. */
export const CHUNK_SIZE = 100;

/** What the warehouse could tell about columns, said once on the site. */
export type WarehouseState = { state: 'read'; display: string } | { state: 'missing'; display: string } | { state: 'unavailable'; display: string; reason: string };

/** Colour classes of the lineage graph and badges. */
export type StatusClass = 'pass' | 'warn' | 'fail' | 'error' | 'skipped';

/** One node in the index every page loads: enough to search, list and draw lineage. */
export interface SiteNode {
  id: string;
  type: string;
  name: string;
  /** `source_name.table` for sources, the name otherwise. */
  label: string;
  path: string;
  /** Folder of the node below its project (fqn without project and name): the lineage overview clusters by it. */
  group: string;
  tags: string[];
  /** Its column names, which search matches too: analysts look tables up by the column they need. */
  columns: string[];
  materialized: string | null;
  /** The last run's (or freshness check's) raw status, and its colour class. */
  status: string | null;
  statusClass: StatusClass | null;
  /** Indices into the index's nodes. */
  parents: number[];
  chunk: number;
}

export interface SiteIndex {
  project: string;
  generatedAt: string;
  runGeneratedAt: string | null;
  freshnessGeneratedAt: string | null;
  warehouse: WarehouseState;
  dashboard: boolean;
  chunks: number;
  nodes: SiteNode[];
}

export interface RunInfo {
  status: string;
  startedAt: string | null;
  completedAt: string | null;
  executionTime: number | null;
  message: string | null;
  failures: number | null;
  rowsAffected: number | null;
}

export interface FreshnessInfo {
  status: string;
  maxLoadedAt: string | null;
  /** The instant the age is measured at: the check's time, unless `clock` says it was fixed. */
  snapshottedAt: string | null;
  clock: FreshnessClock | null;
  /** When the check ran. */
  checkedAt: string | null;
  ageSeconds: number | null;
  warnAfter: string | null;
  errorAfter: string | null;
  message: string | null;
}

/** What one node's page shows beyond the index, loaded with its chunk. */
export interface NodeDetails {
  description: string;
  relation: string | null;
  loader: string | null;
  loadedAtField: string | null;
  severity: string | null;
  /** For a data test, what it checks; null for other nodes. */
  test: TestInfo | null;
  columns: SiteColumn[];
  /** Why the columns carry no warehouse types, when they do not. */
  columnsNote: string | null;
  rawCode: string;
  compiledCode: string | null;
  run: RunInfo | null;
  freshness: FreshnessInfo | null;
}

export interface SiteData {
  index: SiteIndex;
  /** details[i] belongs to index.nodes[i]. */
  details: NodeDetails[];
}

export function buildSiteData(artifacts: DocsArtifacts, context: { warehouse: WarehouseState; dashboard: boolean; generatedAt: string }): SiteData {
  const { manifest, runResults, sources, catalog } = artifacts;
  const all = [...Object.values(manifest.nodes), ...Object.values(manifest.sources)];
  const position = new Map(all.map((n, i) => [n.unique_id, i]));
  const byId = new Map(all.map((n) => [n.unique_id, n]));
  const runs = latestRuns(runResults?.results ?? []);
  const freshness = new Map((sources?.results ?? []).map((r) => [r.unique_id, r]));
  const nodes: SiteNode[] = [];
  const details: NodeDetails[] = [];
  all.forEach((n, i) => {
    const run = runs.get(n.unique_id);
    const fresh = freshness.get(n.unique_id);
    const status = n.resource_type === 'source' ? (fresh?.status ?? null) : (run?.status ?? null);
    const entry = catalog?.nodes[n.unique_id] ?? catalog?.sources[n.unique_id];
    const parentIds = manifest.parent_map[n.unique_id] ?? [];
    const test = n.resource_type === 'test' ? testInfo(n, parentIds.map((p) => byId.get(p)).filter((p): p is ManifestNode => p !== undefined)) : null;
    const detail = nodeDetails(n, entry, columnsNote(n, entry, context.warehouse), test, run, fresh);
    details.push(detail);
    nodes.push({
      id: n.unique_id,
      type: n.resource_type,
      name: n.name,
      label: n.resource_type === 'source' ? `${n.source_name}.${n.name}` : n.name,
      path: n.original_file_path,
      group: n.fqn.slice(1, -1).join('/'),
      tags: n.tags,
      columns: detail.columns.map((c) => c.name),
      // A test's `test` materialization says nothing its type badge does not.
      materialized: n.resource_type === 'source' || n.resource_type === 'test' ? null : (n.config.materialized ?? null),
      status,
      statusClass: status === null ? null : statusClass(status, n.resource_type === 'source'),
      parents: parentIds.map((p) => position.get(p)).filter((p): p is number => p !== undefined),
      chunk: Math.floor(i / CHUNK_SIZE),
    });
  });
  return {
    index: {
      project: manifest.metadata.project_name,
      generatedAt: context.generatedAt,
      runGeneratedAt: runResults?.metadata.generated_at ?? null,
      freshnessGeneratedAt: sources?.metadata.generated_at ?? null,
      warehouse: context.warehouse,
      dashboard: context.dashboard,
      chunks: Math.ceil(all.length / CHUNK_SIZE),
      nodes,
    },
    details,
  };
}

/** The last result of each node's own execution; a source's landing is not its status (freshness is). */
function latestRuns(results: readonly RunResult[]): Map<string, RunResult> {
  const out = new Map<string, RunResult>();
  for (const r of results) if (r.phase !== 'extract' && r.phase !== 'freshness') out.set(r.unique_id, r);
  return out;
}

/** `freshness`: the status comes from sources.json, where `error` means stale past error_after: a failed check, not a breakage. */
export function statusClass(status: string, freshness: boolean): StatusClass {
  switch (status) {
    case 'success':
    case 'pass':
      return 'pass';
    case 'warn':
    case 'skipped':
    case 'fail':
      return status;
    case 'error':
      return freshness ? 'fail' : 'error';
    default:
      return 'error';
  }
}

function nodeDetails(n: ManifestNode, entry: CatalogEntry | undefined, note: string | null, test: TestInfo | null, run: RunResult | undefined, fresh: FreshnessResult | undefined): NodeDetails {
  return {
    description: n.description,
    relation: n.relation_name,
    loader: n.loader || null,
    loadedAtField: n.loaded_at_field ?? null,
    severity: typeof n.config.severity === 'string' ? n.config.severity : null,
    test,
    columns: n.resource_type === 'test' ? [] : mergeColumns(n.columns ?? {}, entry),
    columnsNote: note,
    rawCode: n.raw_code ?? '',
    compiledCode: n.compiled_code ?? null,
    run: run ? runInfo(run) : null,
    freshness: fresh ? freshnessInfo(fresh) : null,
  };
}

function columnsNote(n: ManifestNode, entry: CatalogEntry | undefined, warehouse: WarehouseState): string | null {
  if (n.resource_type === 'test' || entry) return null;
  if (n.relation_name === null) return 'Ephemeral: inlined into the models that use it, never built in the warehouse.';
  switch (warehouse.state) {
    case 'missing':
      return `No warehouse file at ${warehouse.display} yet: the columns are those declared in YAML (run \`modelrun build\`).`;
    case 'unavailable':
      return `The warehouse ${warehouse.display} could not be read (${warehouse.reason}): the columns are those declared in YAML.`;
    default:
      return `${n.relation_name} is not built in ${warehouse.display}: the columns are those declared in YAML (run \`modelrun build\`).`;
  }
}

function runInfo(r: RunResult): RunInfo {
  return { status: r.status, startedAt: r.startedAt, completedAt: r.completedAt, executionTime: r.execution_time, message: r.message, failures: r.failures, rowsAffected: r.rows_affected };
}

function freshnessInfo(r: FreshnessResult): FreshnessInfo {
  return {
    status: r.status,
    maxLoadedAt: r.max_loaded_at,
    snapshottedAt: r.snapshotted_at,
    clock: freshnessClock(r.snapshotted_at, r.startedAt, r.completedAt),
    checkedAt: r.completedAt,
    ageSeconds: r.max_loaded_at_time_ago_in_s,
    warnAfter: r.warn_after,
    errorAfter: r.error_after,
    message: r.message,
  };
}
