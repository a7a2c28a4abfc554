import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { error, UserError } from '../util/diagnostics.js';
import type { Catalog } from '../artifacts/catalog.js';

/** The parts of dbt-shaped artifacts the docs site reads, as they are on disk. */
export interface ManifestColumn {
  name: string;
  description?: string;
  data_type?: string | null;
}

export interface ManifestNode {
  unique_id: string;
  resource_type: string;
  name: string;
  original_file_path: string;
  fqn: string[];
  schema: string;
  alias?: string;
  identifier?: string;
  source_name?: string;
  relation_name: string | null;
  config: { materialized?: string; severity?: string; [key: string]: unknown };
  tags: string[];
  description: string;
  columns: Record<string, ManifestColumn>;
  raw_code?: string;
  compiled_code?: string;
  loader?: string;
  loaded_at_field?: string | null;
  /** A generic test's test and arguments (column_name among them); a singular test has none. */
  test_metadata?: { name: string; kwargs: Record<string, unknown>; namespace?: string | null };
  column_name?: string | null;
  attached_node?: string | null;
}

export interface Manifest {
  metadata: { project_name: string; generated_at: string };
  nodes: Record<string, ManifestNode>;
  sources: Record<string, ManifestNode>;
  parent_map: Record<string, string[]>;
  child_map: Record<string, string[]>;
}

/** One result of run_results.json, as readRunArtifacts normalises it. */
export interface RunResult {
  unique_id: string;
  status: string;
  /** The execute step's timing. */
  startedAt: string | null;
  completedAt: string | null;
  execution_time: number | null;
  message: string | null;
  failures: number | null;
  rows_affected: number | null;
  /** modelrun's phase of the run: a source's `extract` or `freshness` is not the status of its node. */
  phase: string | null;
  /** Where a failing test is declared. */
  file: string | null;
  line: number | null;
}

export interface RunResults {
  metadata: { generated_at: string | null };
  results: RunResult[];
}

/** One result of sources.json, as readRunArtifacts normalises it; limits read `1 day`. */
export interface FreshnessResult {
  unique_id: string;
  status: string;
  /** When the check ran, which snapshotted_at (the instant ages are measured at) is not under a fixed clock. */
  startedAt: string | null;
  completedAt: string | null;
  max_loaded_at: string | null;
  snapshotted_at: string | null;
  max_loaded_at_time_ago_in_s: number | null;
  warn_after: string | null;
  error_after: string | null;
  message: string | null;
}

export interface SourcesJson {
  metadata: { generated_at: string | null };
  results: FreshnessResult[];
}

export interface DocsArtifacts {
  manifest: Manifest;
  runResults?: RunResults;
  sources?: SourcesJson;
  catalog?: Catalog;
}

/** manifest.json must be there: compile has just written it, so an unreadable one is an error. */
export function readManifest(targetDir: string, displayTarget: string): Manifest {
  const display = `${displayTarget}/manifest.json`;
  const file = join(targetDir, 'manifest.json');
  if (!existsSync(file)) throw new UserError([error('missing — run `modelrun compile` first', display)]);
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as Manifest;
  } catch (e) {
    const why = e instanceof Error ? e.message.split('\n')[0] : String(e);
    throw new UserError([error(`cannot be read: ${why} — delete it and run \`modelrun compile\` again`, display)]);
  }
}
