import type { NodeResult } from '../execute/results.js';
import type { GraphNode } from '../graph/nodes.js';
import { writeText } from './write.js';

/** JUnit XML for CI systems: one test case per data test and freshness check. */
export function writeJunit(file: string, results: readonly NodeResult[], nodes: ReadonlyMap<string, GraphNode>, elapsed: number): void {
  const cases = results.filter((r) => {
    if (r.phase === 'extract') return false;
    const type = nodes.get(r.uniqueId)?.resourceType;
    return type === 'test' || type === 'source';
  });
  const count = (...s: string[]) => cases.filter((r) => s.includes(r.status)).length;
  const lines = cases.map((r) => {
    const node = nodes.get(r.uniqueId)!;
    const name = node.resourceType === 'source' ? `freshness of ${node.sourceName}.${node.tableName}` : node.name;
    const classname = node.resourceType === 'source' ? `source.${node.sourceName}` : (node.attachedTo?.map((id) => nodes.get(id)?.name).join(',') ?? 'singular');
    const open = `    <testcase classname="${xml(classname)}" name="${xml(name)}" file="${xml(node.path)}" time="${r.executionTime.toFixed(3)}"`;
    const detail = xml([r.message, ...(r.compiledPath ? [`compiled SQL: ${r.compiledPath}`] : [])].join('\n'));
    switch (r.status) {
      case 'fail':
        return `${open}>\n      <failure message="${xml(r.message)}" type="${r.failures ?? ''} failing rows">${detail}</failure>\n    </testcase>`;
      case 'error':
        return `${open}>\n      <error message="${xml(r.message)}">${detail}</error>\n    </testcase>`;
      case 'skipped':
        return `${open}>\n      <skipped message="${xml(r.message)}"/>\n    </testcase>`;
      case 'warn':
        return `${open}>\n      <system-out>WARN: ${detail}</system-out>\n    </testcase>`;
      default:
        return `${open}/>`;
    }
  });
  const attrs = `tests="${cases.length}" failures="${count('fail')}" errors="${count('error')}" skipped="${count('skipped')}" time="${elapsed.toFixed(3)}"`;
  writeText(file, `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites ${attrs}>\n  <testsuite name="modelrun" ${attrs}>\n${lines.join('\n')}\n  </testsuite>\n</testsuites>\n`);
}

function xml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}
