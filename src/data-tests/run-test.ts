import type { Session } from '../adapters/adapter.js';
import type { GraphNode } from '../graph/nodes.js';
import { relationName } from '../util/sql.js';

export interface TestOutcome {
  status: 'pass' | 'warn' | 'fail';
  failures: number;
  message: string;
  /** Up to five failing rows, to show what is wrong. */
  samples: Record<string, unknown>[];
  /** Where store_failures kept the failing rows. */
  storedIn?: string;
}

const SAMPLE_ROWS = 5;

/** The schema store_failures writes to: the target schema's, suffixed. */
export function failuresSchema(targetSchema: string): string {
  return `${targetSchema}_test_failures`;
}

/** Runs a data test's query (its rows are failures) and judges the count against severity, warn_if and error_if. */
export async function runDataTest(session: Session, node: GraphNode, sql: string): Promise<TestOutcome> {
  const config = node.config;
  const limited = typeof config.limit === 'number' ? `select * from (\n${sql}\n) limit ${config.limit}` : sql;
  const failCalc = typeof config.fail_calc === 'string' ? config.fail_calc : 'count(*)';
  const [row] = await session.query(`select coalesce(${failCalc}, 0) as failures from (\n${limited}\n) dbt_internal_test`);
  const failures = Number(row?.failures ?? 0);
  const outcome = judge(failures, String(config.severity ?? 'error'), String(config.warn_if ?? '!=0'), String(config.error_if ?? '!=0'));
  const samples = failures > 0 ? await session.query(`select * from (\n${limited}\n) dbt_internal_test limit ${SAMPLE_ROWS}`) : [];
  let storedIn: string | undefined;
  if (config.store_failures === true) {
    storedIn = relationName(failuresSchema(node.schema), node.name);
    await session.execute(`CREATE OR REPLACE TABLE ${storedIn} AS (\n${limited}\n)`);
  }
  return { ...outcome, failures, samples, storedIn };
}

export function judge(failures: number, severity: string, warnIf: string, errorIf: string): { status: TestOutcome['status']; message: string } {
  const got = `Got ${failures} result${failures === 1 ? '' : 's'}`;
  if (severity === 'error' && compare(failures, errorIf)) return { status: 'fail', message: `${got}, configured to fail if ${errorIf.trim()}` };
  if (compare(failures, warnIf)) return { status: 'warn', message: `${got}, configured to warn if ${warnIf.trim()}` };
  return { status: 'pass', message: got };
}

/** Evaluates a threshold such as ">10" or "!=0" (already validated when the project loaded). */
export function compare(value: number, threshold: string): boolean {
  const m = /^\s*(>=|<=|!=|<>|==|=|>|<)\s*(-?\d+(?:\.\d+)?)\s*$/.exec(threshold);
  if (!m) return value !== 0;
  const n = Number(m[2]);
  switch (m[1]) {
    case '>':
      return value > n;
    case '>=':
      return value >= n;
    case '<':
      return value < n;
    case '<=':
      return value <= n;
    case '=':
    case '==':
      return value === n;
    default:
      return value !== n;
  }
}

