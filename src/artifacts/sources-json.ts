import { join } from 'node:path';
import type { SourceFreshness } from '../data-tests/run-freshness.js';
import type { InvocationInfo } from './manifest.js';
import { writeJson } from './write.js';

/** sources.json in dbt's shape: one entry per source table checked for freshness. */
export function writeSourcesJson(targetDir: string, checks: readonly SourceFreshness[], info: InvocationInfo, elapsed: number): void {
  const limit = (l: { count: number; period: string } | undefined) => (l ? { count: l.count, period: l.period } : { count: null, period: null });
  writeJson(join(targetDir, 'sources.json'), {
    metadata: { dbt_schema_version: 'https://schemas.getdbt.com/dbt/sources/v3.json', generator: 'modelrun', generated_at: info.generatedAt, invocation_id: info.invocationId },
    results: checks.map((c) => ({
      unique_id: c.uniqueId,
      status: c.result ? c.result.status : 'runtime error',
      max_loaded_at: c.result?.maxLoadedAt?.toISOString() ?? null,
      snapshotted_at: (c.result?.snapshottedAt ?? new Date(c.nodeResult.completedAt)).toISOString(),
      max_loaded_at_time_ago_in_s: c.result?.ageSeconds ?? null,
      criteria: { warn_after: limit(c.check.freshness.warnAfter), error_after: limit(c.check.freshness.errorAfter), filter: c.check.freshness.filter ?? null },
      message: c.nodeResult.message,
      adapter_response: {},
      timing: [{ name: 'execute', started_at: c.nodeResult.startedAt, completed_at: c.nodeResult.completedAt }],
      thread_id: 'Thread-1',
      execution_time: c.nodeResult.executionTime,
    })),
    elapsed_time: elapsed,
  });
}
