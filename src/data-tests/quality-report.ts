import type { RelationKind, Session } from '../adapters/adapter.js';
import { relationKey } from '../adapters/adapter.js';
import type { NodeResult } from '../execute/results.js';
import type { GraphNode } from '../graph/nodes.js';
import type { LoadedProject } from '../project/load.js';
import { relationName } from '../util/sql.js';
import { describeAge } from './freshness.js';
import type { SourceFreshness } from './run-freshness.js';

interface Row {
  node: GraphNode;
  rows?: number;
  tests: NodeResult[];
  freshness?: SourceFreshness;
}

/**
 * target/data_quality_report.md: per model, seed and source, the tests that ran and how they
 * ended, freshness and row counts — the report the original pipeline published after each run.
 */
export async function dataQualityReport(
  project: LoadedProject,
  results: readonly NodeResult[],
  freshness: readonly SourceFreshness[],
  session: Session,
  existing: ReadonlyMap<string, RelationKind>,
  generatedAt: string,
): Promise<string> {
  const rows = new Map<string, Row>();
  const row = (node: GraphNode) => {
    let r = rows.get(node.uniqueId);
    if (!r) rows.set(node.uniqueId, (r = { node, tests: [] }));
    return r;
  };
  for (const r of results) {
    const node = project.nodes.get(r.uniqueId);
    if (!node) continue;
    if (r.phase === 'extract') continue;
    if (node.resourceType === 'test') for (const target of node.attachedTo ?? node.dependsOn) row(project.nodes.get(target)!).tests.push(r);
    else if (node.resourceType !== 'source') row(node);
  }
  for (const f of freshness) row(project.nodes.get(f.uniqueId)!).freshness = f;
  for (const r of rows.values()) {
    const kind = existing.get(relationKey(r.node.schema, r.node.identifier));
    // Counting a view runs its query: an untested staging view over millions of raw rows would cost
    // as much as a model. A view is counted when tests judged it, since then its rows are the report's subject.
    if (kind === undefined || (kind === 'view' && r.tests.length === 0)) continue;
    try {
      const [count] = await session.query(`select count(*)::bigint as n from ${relationName(r.node.schema, r.node.identifier)}`);
      r.rows = Number(count?.n ?? 0);
    } catch {
      // A view that no longer binds has no row count; its failure is already reported by the run.
    }
  }
  return render(project, [...rows.values()], results, freshness, generatedAt);
}

function render(project: LoadedProject, rows: Row[], results: readonly NodeResult[], freshness: readonly SourceFreshness[], generatedAt: string): string {
  const tests = results.filter((r) => project.nodes.get(r.uniqueId)?.resourceType === 'test');
  const count = (list: readonly NodeResult[], ...s: string[]) => list.filter((r) => s.includes(r.status)).length;
  const stale = freshness.filter((f) => f.nodeResult.status === 'error').length;
  const verdict = count(tests, 'fail', 'error') + stale > 0 ? 'FAILING' : count(tests, 'warn') + freshness.filter((f) => f.nodeResult.status === 'warn').length > 0 ? 'PASSING WITH WARNINGS' : 'PASSING';
  const lines = [
    '# Data quality report',
    '',
    `Project \`${project.config.name}\`, target \`${project.target.name}\`, generated ${generatedAt}.`,
    '',
    `**${verdict}** — ${tests.length} tests: ${count(tests, 'pass')} passed, ${count(tests, 'warn')} warned, ${count(tests, 'fail')} failed, ${count(tests, 'error')} errored, ${count(tests, 'skipped')} skipped; ${freshness.length} freshness checks, ${stale} stale.`,
    '',
    '| node | type | rows | tests | passed | warned | failed | errored | freshness |',
    '|---|---|---:|---:|---:|---:|---:|---:|---|',
  ];
  const order = (r: Row) => `${r.node.resourceType === 'source' ? 0 : r.node.resourceType === 'seed' ? 1 : 2}${r.node.name}`;
  for (const r of rows.sort((a, b) => order(a).localeCompare(order(b)))) {
    const name = r.node.resourceType === 'source' ? `${r.node.sourceName}.${r.node.tableName}` : r.node.name;
    lines.push(
      `| ${name} | ${r.node.resourceType} | ${r.rows === undefined ? '—' : r.rows.toLocaleString('en-US')} | ${r.tests.length} | ${count(r.tests, 'pass')} | ${count(r.tests, 'warn')} | ${count(r.tests, 'fail')} | ${count(r.tests, 'error')} | ${freshnessCell(r.freshness)} |`,
    );
  }
  const problems = [...tests.filter((r) => r.status !== 'pass' && r.status !== 'skipped'), ...freshness.filter((f) => f.nodeResult.status !== 'pass').map((f) => f.nodeResult)];
  if (problems.length > 0) {
    lines.push('', '## Needs attention', '');
    for (const r of problems) {
      const node = project.nodes.get(r.uniqueId)!;
      const where = r.file ? ` (${r.file}${r.line ? `:${r.line}` : ''})` : '';
      lines.push(`- **${r.statusText}** ${node.resourceType === 'source' ? `${node.sourceName}.${node.tableName}` : node.name}${where}: ${r.message}${r.compiledPath ? ` — SQL: \`${r.compiledPath}\`` : ''}`);
    }
  }
  return lines.join('\n') + '\n';
}

function freshnessCell(f: SourceFreshness | undefined): string {
  if (!f) return '';
  const age = f.result?.ageSeconds == null ? '' : ` (${describeAge(f.result.ageSeconds)})`;
  return `${f.nodeResult.statusText.toLowerCase()}${age}`;
}
