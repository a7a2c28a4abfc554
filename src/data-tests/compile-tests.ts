import type { CompiledNode } from '../compile/compile.js';
import { nodeRenderContext } from '../compile/render-context.js';
import type { GraphNode } from '../graph/nodes.js';
import type { LoadedProject } from '../project/load.js';
import { RenderError, TemplateEnvironment, type RenderContext } from '../templating/render.js';
import { error, type Diagnostic } from '../util/diagnostics.js';
import { quoteLiteral, relationName } from '../util/sql.js';
import { BUILTIN_BY_NAME } from './builtins.js';
import type { GenericTestPlan } from './nodes.js';

/** SQL for "now" in UTC; MODELRUN_NOW (an ISO timestamp) fixes the clock, for reproducible checks. */
export function nowUtcSql(env: Readonly<Record<string, string | undefined>> = process.env): string {
  const fixed = env.MODELRUN_NOW;
  if (fixed) return `(${quoteLiteral(fixed)}::TIMESTAMPTZ)::TIMESTAMP`;
  return 'now()::TIMESTAMP';
}

/** Writes each selected generic test's query: built-ins from their SQL builders, custom tests by rendering their block. */
export function compileGenericTests(project: LoadedProject, ids: Iterable<string>, runStartedAt: string): { compiled: Map<string, CompiledNode>; diagnostics: Diagnostic[] } {
  const compiled = new Map<string, CompiledNode>();
  const diagnostics: Diagnostic[] = [];
  let env: TemplateEnvironment | undefined;
  let byName: Map<string, GraphNode> | undefined;
  for (const id of ids) {
    const plan = project.genericTests.get(id);
    if (!plan) continue;
    const node = project.nodes.get(id)!;
    const target = project.nodes.get(plan.targetId)!;
    if (target.config.materialized === 'ephemeral') {
      diagnostics.push(error(`test ${node.name}: ${target.name} is ephemeral, so there is no relation to test — test the models built from it`, plan.file, plan.line, plan.col));
      continue;
    }
    const ephemeralArg = Object.entries(plan.relationArgs).find(([, rid]) => project.nodes.get(rid)!.config.materialized === 'ephemeral');
    if (ephemeralArg) {
      diagnostics.push(error(`test ${node.name}: argument "${ephemeralArg[0]}" refers to ${project.nodes.get(ephemeralArg[1])!.name}, which is ephemeral and never built — refer to a model built from it`, plan.file, plan.line, plan.col));
      continue;
    }
    const relation = filtered(relationOf(target), node.config.where);
    const relations = Object.fromEntries(Object.entries(plan.relationArgs).map(([arg, rid]) => [arg, relationOf(project.nodes.get(rid)!)]));
    try {
      const sql = plan.custom
        ? (env ??= new TemplateEnvironment(project.macros)).renderMacro(project.macros.get(plan.test)!, customArgs(plan, relation, relations), renderContext(project, node, runStartedAt, (byName ??= refTargets(project))))
        : BUILTIN_BY_NAME.get(plan.test)!.sql({ relation, column: plan.column, args: plan.args, relations, nowUtc: nowUtcSql() });
      compiled.set(id, { uniqueId: id, sql: sql.trim(), rendered: sql.trim(), ephemerals: [], isIncremental: false });
    } catch (e) {
      if (!(e instanceof RenderError)) throw e;
      diagnostics.push(error(`test ${node.name}: ${e.message}`, e.file, e.line, e.col));
    }
  }
  return { compiled, diagnostics };
}

function relationOf(node: GraphNode): string {
  return relationName(node.schema, node.identifier);
}

/** `where:` narrows the tested relation, as dbt does, by putting a filtered subquery in its place. */
function filtered(relation: string, where: unknown): string {
  return typeof where === 'string' ? `(select * from ${relation} where ${where}) dbt_subquery` : relation;
}

function customArgs(plan: GenericTestPlan, relation: string, relations: Record<string, string>): Record<string, unknown> {
  return { ...plan.args, ...relations, model: relation, ...(plan.column !== undefined ? { column_name: plan.column } : {}) };
}

function refTargets(project: LoadedProject): Map<string, GraphNode> {
  return new Map([...project.nodes.values()].filter((n) => n.resourceType === 'model' || n.resourceType === 'seed').map((n) => [n.name, n]));
}

function renderContext(project: LoadedProject, node: GraphNode, runStartedAt: string, byName: ReadonlyMap<string, GraphNode>): RenderContext {
  return nodeRenderContext(project, node, runStartedAt, {
    isIncremental: false,
    resolveRef: (name) => {
      const n = byName.get(name);
      if (!n) return { error: `ref "${name}" does not match any model or seed` };
      // A test's query runs on its own: an ephemeral model has no relation it could read.
      if (n.config.materialized === 'ephemeral') return { error: `ref "${name}" is ephemeral and never built — a test can only read models built in the warehouse` };
      return { relation: relationOf(n) };
    },
  });
}
