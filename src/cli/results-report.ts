import type { NodeResult } from '../execute/results.js';
import { isFailure } from '../execute/results.js';
import type { LoadedProject } from '../project/load.js';
import { counted } from '../util/counted.js';
import { countByType } from './pipeline.js';
import type { Reporter } from './reporter.js';

const SAMPLE_WIDTH = 24;

/** After a run: what failed and why (with failing rows for tests), then the summary line. */
export function reportResults(project: LoadedProject, results: readonly NodeResult[], elapsed: number, reporter: Reporter): void {
  if (results.length === 0) return;
  const count = (...statuses: string[]) => results.filter((r) => statuses.includes(r.status)).length;
  const counts = { PASS: count('success', 'pass'), WARN: count('warn'), ERROR: count('error', 'fail'), SKIP: count('skipped'), TOTAL: results.length };
  const landed = results.filter((r) => r.phase === 'extract').length;
  const ran = [countByType(results.filter((r) => r.phase !== 'extract').map((r) => project.nodes.get(r.uniqueId)!)), landed > 0 ? counted(landed, 'landed table', 'plain') : '']
    .filter(Boolean)
    .join(', ');
  const line = `Finished running ${ran} in ${elapsed.toFixed(2)}s.  ${Object.entries(counts).map(([k, v]) => `${k}=${v}`).join(' ')}`;
  const failed = results.filter(isFailure);
  const errors = failed.filter((r) => !(r.status === 'fail' && project.nodes.get(r.uniqueId)!.resourceType === 'test'));
  if (errors.length > 0) {
    reporter.info(`\nCompleted with ${counted(errors.length, 'error', 'plain')}:`);
    for (const r of errors) {
      const node = project.nodes.get(r.uniqueId)!;
      const what = node.resourceType === 'source' ? '' : `${node.resourceType} ${node.name}: `;
      reporter.runError({ level: 'error', message: `${what}${r.message}`, file: r.file, line: r.line });
    }
  }
  const failing = results.filter((r) => (r.status === 'fail' || r.status === 'warn') && project.nodes.get(r.uniqueId)!.resourceType === 'test');
  if (failing.length > 0) {
    reporter.info('\nFailures:');
    for (const r of failing) reporter.info(describeFailure(project, r));
  }
  reporter.summary(line, counts, elapsed);
}

function describeFailure(project: LoadedProject, r: NodeResult): string {
  const node = project.nodes.get(r.uniqueId)!;
  const where = r.file ? ` (${r.file}${r.line ? `:${r.line}` : ''})` : '';
  const lines = [`\n${r.status === 'fail' ? 'FAIL' : 'WARN'} ${r.failures} ${node.name}${where}`, `  ${r.message}`];
  if (r.samples && r.samples.length > 0) lines.push(...sampleTable(r.samples).map((l) => `  ${l}`));
  if (r.storedIn) lines.push(`  failing rows stored in ${r.storedIn}`);
  if (r.compiledPath) lines.push(`  rerun the query: ${r.compiledPath}`);
  return lines.join('\n');
}

function sampleTable(rows: readonly Record<string, unknown>[]): string[] {
  const columns = Object.keys(rows[0]!);
  const cell = (v: unknown) => {
    const text = v === null || v === undefined ? 'NULL' : v instanceof Date ? v.toISOString() : typeof v === 'object' ? JSON.stringify(v) : String(v);
    return text.length > SAMPLE_WIDTH ? text.slice(0, SAMPLE_WIDTH - 1) + '…' : text;
  };
  const body = rows.map((row) => columns.map((c) => cell(row[c])));
  const widths = columns.map((c, i) => Math.max(c.length, ...body.map((b) => b[i]!.length)));
  const fmt = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i]!)).join(' | ')} |`;
  return [fmt(columns), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...body.map(fmt)];
}
