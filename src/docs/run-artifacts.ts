import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { isRecord } from '../config/yaml-file.js';
import { warning, type Diagnostic } from '../util/diagnostics.js';
import type { FreshnessResult, RunResult, RunResults, SourcesJson } from './artifacts.js';

/** What the last run and the last freshness check left in target/, as the site and the dashboard read them. */
export interface RunArtifacts {
  runResults?: RunResults;
  sources?: SourcesJson;
}

/**
 * target/run_results.json and target/sources.json, each left out with one warning when it is not
 * JSON with a results list: the docs of the project matter more than its last run's record, which
 * the next build writes again. Each result keeps the fields the pages show, missing ones null.
 */
export function readRunArtifacts(targetDir: string, displayTarget: string): { artifacts: RunArtifacts; diagnostics: Diagnostic[] } {
  const diagnostics: Diagnostic[] = [];
  const read = (name: string) => readResults(join(targetDir, name), `${displayTarget}/${name}`, diagnostics);
  const runs = read('run_results.json');
  const checks = read('sources.json');
  return {
    artifacts: {
      runResults: runs && { metadata: { generated_at: runs.generatedAt }, results: runs.results.map(runResult) },
      sources: checks && { metadata: { generated_at: checks.generatedAt }, results: checks.results.map(freshnessResult) },
    },
    diagnostics,
  };
}

type Entry = Record<string, unknown> & { unique_id: string; status: string };

function readResults(file: string, display: string, diagnostics: Diagnostic[]): { generatedAt: string | null; results: Entry[] } | undefined {
  if (!existsSync(file)) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    const why = e instanceof Error ? e.message.split('\n')[0] : String(e);
    diagnostics.push(warning(`not valid JSON (${why}) — the docs leave it out; run \`modelrun build\` to write it again`, display));
    return undefined;
  }
  if (!isRecord(parsed) || !Array.isArray(parsed.results)) {
    diagnostics.push(warning('not a modelrun artifact (no results list) — the docs leave it out; run `modelrun build` to write it again', display));
    return undefined;
  }
  const generatedAt = isRecord(parsed.metadata) ? text(parsed.metadata.generated_at) : null;
  return { generatedAt, results: parsed.results.filter((r): r is Entry => isRecord(r) && typeof r.unique_id === 'string' && typeof r.status === 'string') };
}

/** The execute step's timing, or the only one there is. */
function executeTiming(r: Entry): { startedAt: string | null; completedAt: string | null } {
  const timing = Array.isArray(r.timing) ? r.timing.filter(isRecord) : [];
  const execute = timing.find((t) => t.name === 'execute') ?? timing[0];
  return { startedAt: text(execute?.started_at), completedAt: text(execute?.completed_at) };
}

function runResult(r: Entry): RunResult {
  return {
    unique_id: r.unique_id,
    status: r.status,
    ...executeTiming(r),
    execution_time: count(r.execution_time),
    message: text(r.message),
    failures: count(r.failures),
    rows_affected: isRecord(r.adapter_response) ? count(r.adapter_response.rows_affected) : null,
    phase: text(r.phase),
    file: text(r.file),
    line: count(r.line),
  };
}

function freshnessResult(r: Entry): FreshnessResult {
  const criteria = isRecord(r.criteria) ? r.criteria : {};
  return {
    unique_id: r.unique_id,
    status: r.status,
    ...executeTiming(r),
    max_loaded_at: text(r.max_loaded_at),
    snapshotted_at: text(r.snapshotted_at),
    max_loaded_at_time_ago_in_s: count(r.max_loaded_at_time_ago_in_s),
    warn_after: limit(criteria.warn_after),
    error_after: limit(criteria.error_after),
    message: text(r.message),
  };
}

/** `{ count: 1, period: 'day' }` as `1 day`. */
function limit(value: unknown): string | null {
  if (!isRecord(value) || typeof value.count !== 'number' || typeof value.period !== 'string') return null;
  return `${value.count} ${value.period}${value.count === 1 ? '' : 's'}`;
}

function text(value: unknown): string | null {
  return typeof value === 'string' ? value : null;
}

function count(value: unknown): number | null {
  return typeof value === 'number' && Number.isFinite(value) ? value : null;
}
