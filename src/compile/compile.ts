import type { RelationKind, Warehouse } from '../adapters/adapter.js';
import { relationKey } from '../adapters/adapter.js';
import type { GraphNode } from '../graph/nodes.js';
import type { LoadedProject } from '../project/load.js';
import { RenderError, TemplateEnvironment, type RenderContext } from '../templating/render.js';
import { error, type Diagnostic } from '../util/diagnostics.js';
import { quoteIdent, relationName } from '../util/sql.js';
import { cteName, injectCtes } from './ephemeral.js';
import { lineOfOffset, templateLineFor } from './line-map.js';

export interface CompiledNode {
  uniqueId: string;
  /** The query, with ephemeral models inlined as CTEs. */
  sql: string;
  /** The rendered template alone: what an ephemeral model contributes to its children. */
  rendered: string;
  /** Ephemeral models inlined, in dependency order. */
  ephemerals: string[];
  isIncremental: boolean;
}

export interface CompileOptions {
  fullRefresh: boolean;
  /** Relations already in the warehouse, to decide `is_incremental`. */
  existing: ReadonlyMap<string, RelationKind>;
  runStartedAt: string;
}

/** Renders the given nodes (and the ephemeral models they need) in dependency order. */
export function compileNodes(project: LoadedProject, ids: ReadonlySet<string>, opts: CompileOptions): { compiled: Map<string, CompiledNode>; diagnostics: Diagnostic[] } {
  const env = new TemplateEnvironment(project.macros);
  const byName = new Map([...project.nodes.values()].filter((n) => n.resourceType !== 'source').map((n) => [n.name, n]));
  const needed = withEphemeralAncestors(project, ids);
  const compiled = new Map<string, CompiledNode>();
  const diagnostics: Diagnostic[] = [];
  for (const id of project.order) {
    if (!needed.has(id)) continue;
    const node = project.nodes.get(id)!;
    const program = project.templates.get(id);
    if (!program) continue;
    const ephemeralRefs: string[] = [];
    const isIncremental = incrementalRun(node, opts);
    const ctx: RenderContext = {
      file: node.path,
      thisRelation: relationName(node.schema, node.identifier),
      isIncremental,
      vars: project.vars,
      env: process.env,
      target: { name: project.target.name, schema: project.target.schema, type: project.target.type, profile_name: project.target.profileName, threads: project.target.threads },
      model: { name: node.name, unique_id: node.uniqueId, schema: node.schema, alias: node.identifier, config: node.config, path: node.path },
      projectName: project.config.name,
      runStartedAt: opts.runStartedAt,
      resolveRef: (name) => {
        const target = byName.get(name);
        if (!target) return { error: `ref "${name}" does not match any model or seed` };
        if (!node.dependsOn.includes(target.uniqueId)) {
          return { error: `${node.name} refers to "${name}" through a macro argument, which modelrun cannot see before rendering — add a line "-- depends_on: {{ref "${name}"}}" to ${node.path}` };
        }
        if (target.config.materialized === 'ephemeral') {
          ephemeralRefs.push(target.uniqueId);
          return { relation: quoteIdent(cteName(target.name)) };
        }
        return { relation: relationName(target.schema, target.identifier) };
      },
      resolveSource: (source, table) => {
        const target = project.nodes.get(`source.${project.config.name}.${source}.${table}`);
        if (!target) return { error: `source "${source}.${table}" is not declared in any schema YAML` };
        return { relation: relationName(target.schema, target.identifier) };
      },
    };
    try {
      const rendered = tidy(env.render(program, ctx));
      const ephemerals = ephemeralChain(ephemeralRefs, compiled);
      const sql = injectCtes(rendered, ephemerals.map((e) => ({ name: project.nodes.get(e)!.name, sql: compiled.get(e)!.rendered })));
      compiled.set(id, { uniqueId: id, sql, rendered, ephemerals, isIncremental });
    } catch (e) {
      if (!(e instanceof RenderError)) throw e;
      diagnostics.push(error(e.message, e.file, e.line, e.col));
    }
  }
  return { compiled, diagnostics };
}

export function incrementalRun(node: GraphNode, opts: Pick<CompileOptions, 'fullRefresh' | 'existing'>): boolean {
  if (node.config.materialized !== 'incremental') return false;
  if (opts.existing.get(relationKey(node.schema, node.identifier)) !== 'table') return false;
  const fullRefresh = node.config.full_refresh ?? opts.fullRefresh;
  return !fullRefresh;
}

function withEphemeralAncestors(project: LoadedProject, ids: ReadonlySet<string>): Set<string> {
  const needed = new Set(ids);
  const queue = [...ids];
  while (queue.length > 0) {
    const id = queue.pop()!;
    for (const p of project.parents.get(id) ?? []) {
      if (!needed.has(p) && project.nodes.get(p)?.config.materialized === 'ephemeral') {
        needed.add(p);
        queue.push(p);
      }
    }
  }
  return needed;
}

/** The ephemeral models a query needs, each after the ones it needs itself. */
function ephemeralChain(direct: readonly string[], compiled: ReadonlyMap<string, CompiledNode>): string[] {
  const chain: string[] = [];
  const add = (id: string) => {
    if (chain.includes(id)) return;
    for (const inner of compiled.get(id)?.ephemerals ?? []) add(inner);
    chain.push(id);
  };
  direct.forEach(add);
  return chain;
}

/** Blank lines left by `{{config}}` at the top and semicolons at the end have no place inside a CREATE ... AS (...). */
function tidy(sql: string): string {
  return sql.replace(/^(?:[ \t]*\n)+/, '').replace(/[\s;]+$/, '');
}

const QUERY_START = /^\s*(?:(?:--[^\n]*\n|\/\*[\s\S]*?\*\/)\s*)*(\(|[A-Za-z]+)/;
const QUERY_KEYWORDS = ['select', 'with', 'from', 'values', 'table', 'pivot', 'unpivot', '('];

/** Checks with DuckDB's own parser that every compiled query is one SELECT, pointing errors at template lines. */
export async function validateCompiled(project: LoadedProject, compiled: ReadonlyMap<string, CompiledNode>, warehouse: Warehouse): Promise<Diagnostic[]> {
  const diagnostics: Diagnostic[] = [];
  for (const c of compiled.values()) {
    const node = project.nodes.get(c.uniqueId)!;
    const template = project.sourceText.get(node.path) ?? '';
    const keyword = QUERY_START.exec(c.sql)?.[1]?.toLowerCase();
    if (keyword === undefined) {
      diagnostics.push(error(`${node.resourceType} ${node.name} is empty — write a SELECT query`, node.path, 1));
      continue;
    }
    const parsed = await warehouse.parse(c.sql);
    if (parsed.error !== undefined) {
      const line = parsed.offset === undefined ? undefined : templateLineFor(c.sql, template, lineOfOffset(c.sql, parsed.offset));
      diagnostics.push(error(`SQL does not parse: ${parsed.error.replace(/^Parser Error: /, '')}`, node.path, line));
    } else if (parsed.statements !== 1) {
      diagnostics.push(error(`${node.resourceType} ${node.name} holds ${parsed.statements} statements — a model is exactly one SELECT query`, node.path));
    } else if (!QUERY_KEYWORDS.includes(keyword)) {
      diagnostics.push(error(`${node.resourceType} ${node.name} must be a SELECT query, not ${keyword.toUpperCase()} — modelrun writes the CREATE statement itself`, node.path, templateLineFor(c.sql, template, lineOfOffset(c.sql, c.sql.search(/\S/)))));
    }
  }
  return diagnostics;
}
