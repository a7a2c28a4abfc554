import type { LoadedProject } from '../../project/load.js';
import type { RunResults } from '../artifacts.js';

export interface TestResultsPanel {
  /** When the run that wrote run_results.json started; undefined when there is none. */
  generatedAt?: string;
  counts: Record<string, number>;
  /** Tests that failed, errored or warned, worst first. */
  problems: { name: string; status: string; failures: number | null; message: string; where?: string }[];
}

const SEVERITY: Record<string, number> = { error: 0, fail: 1, warn: 2 };

/** The data tests of the latest run, from target/run_results.json. */
export function testResultsPanel(project: LoadedProject, runResults: RunResults | undefined): TestResultsPanel {
  const panel: TestResultsPanel = { generatedAt: runResults?.metadata.generated_at ?? undefined, counts: {}, problems: [] };
  for (const r of runResults?.results ?? []) {
    const { unique_id: id, status } = r;
    if (!id.startsWith('test.')) continue;
    panel.counts[status] = (panel.counts[status] ?? 0) + 1;
    if (!(status in SEVERITY)) continue;
    panel.problems.push({
      // A test renamed since the run is no longer in the project: its id still names it.
      name: project.nodes.get(id)?.name ?? id.split('.')[2]!,
      status,
      failures: r.failures,
      message: r.message ?? '',
      where: r.file ? `${r.file}${r.line === null ? '' : `:${r.line}`}` : undefined,
    });
  }
  panel.problems.sort((a, b) => SEVERITY[a.status]! - SEVERITY[b.status]! || a.name.localeCompare(b.name));
  return panel;
}
