import type { LoadedProject } from '../../project/load.js';
import type { Diagnostic } from '../../util/diagnostics.js';
import { readTargetJson, text } from './target-json.js';

export interface TestResultsPanel {
  /** When the run that wrote run_results.json started; undefined when there is none. */
  generatedAt?: string;
  counts: Record<string, number>;
  /** Tests that failed, errored or warned, worst first. */
  problems: { name: string; status: string; failures: number | null; message: string; where?: string }[];
}

const SEVERITY: Record<string, number> = { error: 0, fail: 1, warn: 2 };

/** The data tests of the latest run, from target/run_results.json. */
export function testResultsPanel(project: LoadedProject, targetDir: string, diagnostics: Diagnostic[]): TestResultsPanel {
  const artifact = readTargetJson(targetDir, 'run_results.json', diagnostics);
  const panel: TestResultsPanel = { generatedAt: text(artifact?.metadata?.generated_at), counts: {}, problems: [] };
  for (const r of artifact?.results ?? []) {
    const id = text(r.unique_id);
    const status = text(r.status);
    if (!id?.startsWith('test.') || !status) continue;
    panel.counts[status] = (panel.counts[status] ?? 0) + 1;
    if (!(status in SEVERITY)) continue;
    const file = text(r.file);
    panel.problems.push({
      name: project.nodes.get(id)?.name ?? id.split('.')[2]!,
      status,
      failures: typeof r.failures === 'number' ? r.failures : null,
      message: text(r.message) ?? '',
      where: file ? `${file}${typeof r.line === 'number' ? `:${r.line}` : ''}` : undefined,
    });
  }
  panel.problems.sort((a, b) => SEVERITY[a.status]! - SEVERITY[b.status]! || a.name.localeCompare(b.name));
  return panel;
}
