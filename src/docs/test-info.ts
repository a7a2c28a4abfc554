import { parseRelationArg } from '../data-tests/spec.js';
import type { ManifestNode } from './artifacts.js';

/** One argument of a generic test as its page shows it. */
export interface TestArg {
  name: string;
  value: string;
  /** The node an argument names (`to: ref('dim_tools')`), for the page to link to it. */
  node: string | null;
}

/** What a data test checks: its page says so before anything else. */
export interface TestInfo {
  /** The generic test (`relationships`); null for a singular test, whose SQL is the check. */
  name: string | null;
  column: string | null;
  args: TestArg[];
  /** The filter on the rows tested, from the test's config. */
  where: string | null;
}

/** `parents` are the test's parents in the manifest: the nodes its relation arguments name are among them. */
export function testInfo(test: ManifestNode, parents: readonly ManifestNode[]): TestInfo {
  const where = typeof test.config.where === 'string' ? test.config.where : null;
  const meta = test.test_metadata;
  if (!meta) return { name: null, column: null, args: [], where };
  // column_name is shown on its own line: repeating it among the arguments says nothing more.
  const args = Object.entries(meta.kwargs).filter(([name]) => name !== 'column_name');
  return {
    name: meta.name,
    column: test.column_name ?? null,
    args: args.map(([name, value]) => ({ name, value: argText(value), node: namedNode(value, parents) })),
    where,
  };
}

/** Arguments as written in YAML flow style, a relation by its name: `ref('dim_tools')` reads `dim_tools`. */
function argText(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(argText).join(', ')}]`;
  if (typeof value !== 'string') return JSON.stringify(value);
  const relation = parseRelationArg(value);
  if (!relation) return value;
  return 'ref' in relation ? relation.ref : `${relation.source}.${relation.table}`;
}

function namedNode(value: unknown, parents: readonly ManifestNode[]): string | null {
  const relation = parseRelationArg(value);
  if (!relation) return null;
  const found = parents.find((p) =>
    'ref' in relation ? (p.resource_type === 'model' || p.resource_type === 'seed') && p.name === relation.ref : p.resource_type === 'source' && p.source_name === relation.source && p.name === relation.table,
  );
  return found?.unique_id ?? null;
}
