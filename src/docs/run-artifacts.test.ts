import { describe, expect, it } from 'vitest';
import { tempFolders } from '../test-support/project.js';
import { readRunArtifacts } from './run-artifacts.js';

const { project } = tempFolders();

describe('readRunArtifacts', () => {
  it('has neither artifact before any run, and says nothing', () => {
    expect(readRunArtifacts(project({}), 'target')).toEqual({ artifacts: { runResults: undefined, sources: undefined }, diagnostics: [] });
  });

  it('leaves out an artifact that is not JSON, or has no results list, with one warning naming the file', () => {
    const dir = project({ 'target/run_results.json': '{"results": [', 'target/sources.json': '{"nodes": {}}' });
    const { artifacts, diagnostics } = readRunArtifacts(`${dir}/target`, 'target');
    expect(artifacts).toEqual({ runResults: undefined, sources: undefined });
    expect(diagnostics).toEqual([
      { level: 'warn', file: 'target/run_results.json', message: expect.stringMatching(/^not valid JSON \(.+\) — the docs leave it out; run `modelrun build` to write it again$/) },
      { level: 'warn', file: 'target/sources.json', message: 'not a modelrun artifact (no results list) — the docs leave it out; run `modelrun build` to write it again' },
    ]);
  });

  it('keeps the results it can read, their missing fields null, and drops entries without an id and a status', () => {
    const dir = project({
      'target/run_results.json': JSON.stringify({
        metadata: { generated_at: '2026-01-01T00:00:00Z' },
        results: [
          { unique_id: 'model.p.gone_since', status: 'success' },
          { unique_id: 'model.p.a', status: 'error', timing: [{ name: 'compile', started_at: 'c' }, { name: 'execute', started_at: 's', completed_at: 'e' }], execution_time: 1.5, adapter_response: { rows_affected: 3 }, message: 'boom' },
          { status: 'pass' },
          'junk',
        ],
      }),
      'target/sources.json': JSON.stringify({
        results: [{ unique_id: 'source.p.s.t', status: 'warn', criteria: { warn_after: { count: 2, period: 'hour' } }, timing: [{ name: 'execute', started_at: 's', completed_at: 'e' }] }],
      }),
    });
    const { artifacts, diagnostics } = readRunArtifacts(`${dir}/target`, 'target');
    expect(diagnostics).toEqual([]);
    const none = { startedAt: null, completedAt: null, execution_time: null, message: null, failures: null, rows_affected: null, phase: null, file: null, line: null };
    expect(artifacts.runResults).toEqual({
      metadata: { generated_at: '2026-01-01T00:00:00Z' },
      results: [
        { unique_id: 'model.p.gone_since', status: 'success', ...none },
        { ...none, unique_id: 'model.p.a', status: 'error', startedAt: 's', completedAt: 'e', execution_time: 1.5, rows_affected: 3, message: 'boom' },
      ],
    });
    expect(artifacts.sources).toEqual({
      metadata: { generated_at: null },
      results: [{ unique_id: 'source.p.s.t', status: 'warn', startedAt: 's', completedAt: 'e', max_loaded_at: null, snapshotted_at: null, max_loaded_at_time_ago_in_s: null, warn_after: '2 hours', error_after: null, message: null }],
    });
  });
});
