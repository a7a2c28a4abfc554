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
}

export interface Manifest {
  metadata: { project_name: string; generated_at: string };
  nodes: Record<string, ManifestNode>;
  sources: Record<string, ManifestNode>;
  parent_map: Record<string, string[]>;
  child_map: Record<string, string[]>;
}

export interface RunResult {
  unique_id: string;
  status: string;
  timing: { name: string; started_at: string; completed_at: string }[];
  execution_time: number;
  message: string | null;
  failures: number | null;
  adapter_response: { rows_affected?: number };
  phase?: string;
}

export interface RunResults {
  metadata: { generated_at: string };
  results: RunResult[];
}

export interface FreshnessResult {
  unique_id: string;
  status: string;
  max_loaded_at: string | null;
  snapshotted_at: string;
  max_loaded_at_time_ago_in_s: number | null;
  criteria: { warn_after: { count: number | null; period: string | null }; error_after: { count: number | null; period: string | null } };
  message?: string | null;
}

export interface SourcesJson {
  metadata: { generated_at: string };
  results: FreshnessResult[];
}

export interface DocsArtifacts {
  manifest: Manifest;
  runResults?: RunResults;
  sources?: SourcesJson;
  catalog?: Catalog;
}

/** manifest.json must be there (compile just wrote it); run_results.json and sources.json exist only after a run. */
export function readArtifacts(targetDir: string, displayTarget: string): Omit<DocsArtifacts, 'catalog'> {
  return {
    manifest: readJson<Manifest>(join(targetDir, 'manifest.json'), `${displayTarget}/manifest.json`) ?? missing(`${displayTarget}/manifest.json`),
    runResults: readJson<RunResults>(join(targetDir, 'run_results.json'), `${displayTarget}/run_results.json`),
    sources: readJson<SourcesJson>(join(targetDir, 'sources.json'), `${displayTarget}/sources.json`),
  };
}

function readJson<T>(file: string, display: string): T | undefined {
  if (!existsSync(file)) return undefined;
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as T;
  } catch (e) {
    const why = e instanceof Error ? e.message.split('\n')[0] : String(e);
    throw new UserError([error(`cannot read ${display}: ${why} — delete it and run the command that writes it again`, display)]);
  }
}

function missing(display: string): never {
  throw new UserError([error(`${display} is missing — run \`modelrun compile\` first`, display)]);
}
