import { mergeConfigs } from '../config/node-config.js';
import { folderLayers, type ProjectConfig } from '../config/project.js';
import type { ResourceSpec, SourceSpec, TestSpec } from '../config/schema-yaml.js';
import type { GraphNode } from '../graph/nodes.js';
import { foldersBelowRoot } from '../project/discover.js';
import type { MacroDef } from '../templating/macros.js';
import { error, type Diagnostic } from '../util/diagnostics.js';
import { didYouMean } from '../util/suggest.js';
import { genericTestName } from './naming.js';
import { parseRelationArg, parseTestSpec, type TestInvocation } from './spec.js';

/** Everything needed to write a generic test's SQL later; plain data. */
export interface GenericTestPlan {
  /** The built-in or custom test's own name (namespace removed). */
  test: string;
  /** The package the YAML named it under (`dbt_utils` of `dbt_utils.expression_is_true`). */
  namespace?: string;
  custom: boolean;
  args: Record<string, unknown>;
  column?: string;
  /** The node under test. */
  targetId: string;
  /** Arguments that name relations (`to: ref('customers')`), resolved to node ids. */
  relationArgs: Record<string, string>;
  file: string;
  line: number;
  col: number;
}

interface GraphLookups {
  byName: ReadonlyMap<string, GraphNode>;
  sourceIds: ReadonlyMap<string, string>;
  nodes: ReadonlyMap<string, GraphNode>;
}

/** Turns every test in schema YAML into a test node that depends on what it tests. */
export function buildGenericTests(
  project: ProjectConfig,
  targetSchema: string,
  resources: readonly ResourceSpec[],
  sources: readonly SourceSpec[],
  macros: ReadonlyMap<string, MacroDef>,
  graph: GraphLookups,
  diagnostics: Diagnostic[],
): Map<string, { node: GraphNode; plan: GenericTestPlan }> {
  const customTests = new Map([...macros.values()].filter((m) => m.kind === 'test').map((m) => [m.name, m]));
  const tests = new Map<string, { node: GraphNode; plan: GenericTestPlan }>();
  const add = (spec: TestSpec, target: GraphNode, targetName: string, prefix: string, columnTags: readonly string[] = []) => {
    const { invocation, diagnostics: ds } = parseTestSpec(spec, customTests);
    diagnostics.push(...ds);
    if (!invocation) return;
    if (columnTags.length > 0) invocation.config = { ...invocation.config, tags: [...columnTags, ...(invocation.config.tags ?? [])] };
    const built = testNode(project, targetSchema, invocation, target, targetName, prefix, graph, diagnostics);
    if (!built) return;
    const existing = tests.get(built.node.uniqueId);
    if (existing) {
      diagnostics.push(error(`test ${built.node.name} is declared twice (also at ${existing.plan.file}:${existing.plan.line}) — remove one, or give one a name:`, spec.file, spec.line, spec.col));
      return;
    }
    if (built.node.config.enabled) tests.set(built.node.uniqueId, built);
  };
  for (const spec of resources) {
    const target = graph.byName.get(spec.name);
    if (!target || target.resourceType !== spec.resourceType) continue;
    for (const t of spec.tests) add(t, target, spec.name, '');
    for (const c of spec.columns) for (const t of c.tests) add(t, target, spec.name, '', c.tags);
  }
  for (const source of sources) {
    for (const table of source.tables) {
      const id = graph.sourceIds.get(`${source.name}.${table.name}`);
      const target = id ? graph.nodes.get(id) : undefined;
      if (!target) continue;
      for (const t of table.tests) add(t, target, `${source.name}_${table.name}`, 'source_');
      for (const c of table.columns) for (const t of c.tests) add(t, target, `${source.name}_${table.name}`, 'source_', c.tags);
    }
  }
  return tests;
}

function testNode(
  project: ProjectConfig,
  targetSchema: string,
  inv: TestInvocation,
  target: GraphNode,
  targetName: string,
  prefix: string,
  graph: GraphLookups,
  diagnostics: Diagnostic[],
): { node: GraphNode; plan: GenericTestPlan } | undefined {
  const relationArgs: Record<string, string> = {};
  for (const [key, value] of Object.entries(inv.args)) {
    const rel = parseRelationArg(value);
    if (!rel) {
      if (inv.builtin?.relationArgs.includes(key)) diagnostics.push(error(`argument "${key}" of test "${inv.testName}" must name a relation: ref('model') or source('source', 'table')`, inv.file, inv.line, inv.col));
      continue;
    }
    const id = 'ref' in rel ? refId(rel.ref, graph) : graph.sourceIds.get(`${rel.source}.${rel.table}`);
    if (!id) {
      const what = 'ref' in rel ? `ref "${rel.ref}" does not match any model or seed${didYouMean(rel.ref, [...graph.byName.keys()])}` : `source "${rel.source}.${rel.table}" is not declared${didYouMean(`${rel.source}.${rel.table}`, graph.sourceIds.keys())}`;
      diagnostics.push(error(`test "${inv.testName}": ${what}`, inv.file, inv.line, inv.col));
      return undefined;
    }
    relationArgs[key] = id;
  }
  const testName = inv.builtin?.name ?? inv.custom!.name;
  const nameArgs = { ...(inv.column !== undefined ? { column_name: inv.column } : {}), ...inv.args };
  const { name } = inv.customName ? { name: inv.customName } : genericTestName(`${prefix}${inv.testName.replace('.', '_')}`, targetName, nameArgs);
  const folders = foldersBelowRoot(inv.file, [...project.modelPaths, ...project.seedPaths, ...project.testPaths, ...project.macroPaths]);
  const config = mergeConfigs({ materialized: 'test', severity: 'error' }, [...folderLayers(project.dataTests, [...folders, name]), inv.config]);
  const macroRefs = (inv.custom?.analysis?.refs ?? []).map((r) => refId(r.name, graph)).filter((id): id is string => id !== undefined);
  const node: GraphNode = {
    uniqueId: `test.${project.name}.${name}`,
    resourceType: 'test',
    testType: 'generic',
    name,
    packageName: project.name,
    path: inv.file,
    fqn: [project.name, ...folders, name],
    tags: config.tags,
    config,
    description: inv.description,
    schema: targetSchema,
    identifier: name,
    dependsOn: [...new Set([target.uniqueId, ...Object.values(relationArgs), ...macroRefs])].sort(),
    attachedTo: [target.uniqueId],
  };
  return {
    node,
    plan: { test: testName, namespace: inv.testName.endsWith(`.${testName}`) ? inv.testName.slice(0, -testName.length - 1) : undefined, custom: inv.custom !== undefined, args: inv.args, column: inv.column, targetId: target.uniqueId, relationArgs, file: inv.file, line: inv.line, col: inv.col },
  };
}

function refId(name: string, graph: GraphLookups): string | undefined {
  const node = graph.byName.get(name);
  return node && (node.resourceType === 'model' || node.resourceType === 'seed') ? node.uniqueId : undefined;
}
