import { join } from 'node:path';
import type { NodeResult } from '../execute/results.js';
import type { InvocationInfo } from './manifest.js';
import { writeJson } from './write.js';

/** run_results.json in dbt's shape. */
export function writeRunResults(targetDir: string, results: readonly NodeResult[], info: InvocationInfo, elapsed: number, args: Record<string, unknown>): void {
  writeJson(join(targetDir, 'run_results.json'), {
    metadata: {
      dbt_schema_version: 'https://schemas.getdbt.com/dbt/run-results/v6.json',
      generator: 'modelrun',
      generated_at: info.generatedAt,
      invocation_id: info.invocationId,
    },
    results: results.map((r) => ({
      unique_id: r.uniqueId,
      status: r.status,
      timing: r.status === 'skipped' ? [] : [{ name: 'execute', started_at: r.startedAt, completed_at: r.completedAt }],
      thread_id: `Thread-${r.thread + 1}`,
      execution_time: r.executionTime,
      message: r.message,
      failures: r.failures ?? null,
      adapter_response: r.rowsAffected === undefined ? {} : { rows_affected: r.rowsAffected },
      compiled_path: r.compiledPath ?? null,
      phase: r.phase ?? (r.uniqueId.startsWith('source.') ? 'freshness' : 'execute'),
      file: r.file ?? null,
      line: r.line ?? null,
    })),
    elapsed_time: elapsed,
    args,
  });
}
