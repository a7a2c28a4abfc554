import type { Warehouse } from '../adapters/adapter.js';
import type { Reporter } from '../cli/reporter.js';
import type { NodeResult } from '../execute/results.js';
import type { LoadedProject } from '../project/load.js';
import { checkFreshness, freshnessCheckFor, type FreshnessCheck, type FreshnessResult } from './freshness.js';

export interface SourceFreshness {
  uniqueId: string;
  check: FreshnessCheck;
  result?: FreshnessResult;
  /** The query failed (e.g. the table does not exist). */
  error?: string;
  nodeResult: NodeResult;
}

/** The selected sources that declare freshness. */
export interface FreshnessTarget {
  id: string;
  check: FreshnessCheck;
  /** The table's entry in the YAML file, where a stale source is reported. */
  line: number;
}

export function freshnessTargets(project: LoadedProject, selected: readonly string[]): FreshnessTarget[] {
  const out: FreshnessTarget[] = [];
  for (const id of selected) {
    const node = project.nodes.get(id)!;
    if (node.resourceType !== 'source') continue;
    const spec = project.sourceSpecs.find((s) => s.name === node.sourceName);
    const check = spec && freshnessCheckFor(spec, node.tableName!);
    if (check) out.push({ id, check, line: spec.tables.find((t) => t.name === node.tableName)!.line });
  }
  return out;
}

/** Checks each source's freshness, one line per source like any other node. */
export async function runFreshness(project: LoadedProject, targets: readonly FreshnessTarget[], warehouse: Warehouse, reporter: Reporter): Promise<SourceFreshness[]> {
  const session = await warehouse.session();
  const out: SourceFreshness[] = [];
  try {
    for (const [i, { id, check, line }] of targets.entries()) {
      const node = project.nodes.get(id)!;
      const label = `freshness of ${node.sourceName}.${node.tableName}`;
      reporter.nodeStart(i + 1, targets.length, id, label);
      const started = new Date();
      let result: FreshnessResult | undefined;
      let error: string | undefined;
      try {
        result = await checkFreshness(session, node, check);
      } catch (e) {
        error = `freshness of ${node.sourceName}.${node.tableName} could not be checked: ${(e instanceof Error ? e.message : String(e)).split('\n')[0]}`;
      }
      const completed = new Date();
      const status = result?.status ?? 'error';
      const nodeResult: NodeResult = {
        uniqueId: id,
        status,
        statusText: status === 'pass' ? 'PASS' : status === 'warn' ? 'WARN' : result ? 'ERROR STALE' : 'ERROR',
        message: result?.message ?? error!,
        startedAt: started.toISOString(),
        completedAt: completed.toISOString(),
        executionTime: (completed.getTime() - started.getTime()) / 1000,
        thread: 0,
        file: node.path,
        line,
      };
      reporter.nodeDone(i + 1, targets.length, label, nodeResult);
      out.push({ uniqueId: id, check, result, error, nodeResult });
    }
  } finally {
    session.close();
  }
  return out;
}
