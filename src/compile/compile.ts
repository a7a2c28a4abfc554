import type { RelationKind, Warehouse } from '../adapters/adapter.js';
import { relationKey } from '../adapters/adapter.js';
import type { GraphNode, NodeConfig } from '../graph/nodes.js';
import type { LoadedProject } from '../project/load.js';
import type { BuildCache, CachedCompile } from '../project/build-cache.js';
import { quickHash } from '../project/hash.js';
import { JsonText } from '../project/json-text.js';
import type { Program } from '../templating/ast.js';
import { parseTemplate } from '../templating/parse.js';
import { RenderError, TemplateEnvironment } from '../templating/render.js';
import { nodeRenderContext, type RenderProject } from './render-context.js';
import { error, type Diagnostic } from '../util/diagnostics.js';
import { quoteIdent, relationName } from '../util/sql.js';
import { cteName, injectCtes } from './ephemeral.js';
import { lineOfOffset } from '../util/text-position.js';
import { templateLineFor, templatePositionFor } from './line-map.js';

export interface CompiledNode {
  uniqueId: string;
  /** The query, with ephemeral models inlined as CTEs. */
  sql: string;
  /** The rendered template alone: what an ephemeral model contributes to its children. */
  rendered: string;
  /** Ephemeral models inlined, in dependency order. */
  ephemerals: string[];
  isIncremental: boolean;
  /** The SQL as a JSON string literal, when it is at hand: manifest.json copies it as it is. */
  readonly sqlJson?: string;
  /** The compile key, when the SQL follows from it alone (not volatile): while it is unchanged, so is the node's manifest entry. */
  readonly key?: string;
}

export interface CompileOptions {
  fullRefresh: boolean;
  /** Relations already in the warehouse, to decide `is_incremental`. */
  existing: ReadonlyMap<string, RelationKind>;
  runStartedAt: string;
  /** Called with each node rendered afresh, as soon as it is: validation can start before rendering ends. */
  onFresh?: (node: CompiledNode) => void;
}

/**
 * Renders the given nodes (and the ephemeral models they need) in dependency order, reusing the
 * cached SQL of every node whose inputs are unchanged. `fresh` lists the nodes rendered this time.
 */
export function compileNodes(project: LoadedProject, ids: ReadonlySet<string>, opts: CompileOptions): { compiled: Map<string, CompiledNode>; fresh: Set<string>; diagnostics: Diagnostic[] } {
  const env = new TemplateEnvironment(project.macros);
  const byName = new Map([...project.nodes.values()].filter((n) => n.resourceType !== 'source').map((n) => [n.name, n]));
  const needed = withEphemeralAncestors(project, ids);
  const compiled = new Map<string, CompiledNode>();
  const fresh = new Set<string>();
  const keys = new Map<string, string>();
  const diagnostics: Diagnostic[] = [];
  for (const id of project.order) {
    if (!needed.has(id)) continue;
    const node = project.nodes.get(id)!;
    const stamp = project.cache.model(node.path)?.stamp;
    if (stamp === undefined) continue;
    const isIncremental = incrementalRun(node, opts);
    const key = compileKey(project.nodes, node, stamp, isIncremental, keys);
    keys.set(id, key);
    if (project.cache.compiledKey(id) === key && !project.volatile.has(id)) {
      compiled.set(id, new ReusedNode(id, project.cache, isIncremental, key));
      continue;
    }
    const program = project.templates.get(id) ?? parseTemplate(project.sourceText.get(node.path) ?? '', node.path).program;
    if (!program) continue;
    try {
      const r = renderNode(env, project, node, program, { byName, isIncremental, runStartedAt: opts.runStartedAt, compiled });
      const entry = cachedCompile(key, r);
      const result = { uniqueId: id, ...r, isIncremental, sqlJson: entry.sql.json, key: project.volatile.has(id) ? undefined : key };
      compiled.set(id, result);
      fresh.add(id);
      opts.onFresh?.(result);
      project.cache.setCompiled(id, entry);
    } catch (e) {
      if (!(e instanceof RenderError)) throw e;
      diagnostics.push(error(e.message, e.file, e.line, e.col));
    }
  }
  return { compiled, fresh, diagnostics };
}

/** What a node's dependents read of it: its relation, or, for an ephemeral model, the CTE it is inlined as. */
export type RelationNode = Pick<GraphNode, 'uniqueId' | 'name' | 'schema' | 'identifier'> & { config: Pick<NodeConfig, 'materialized'> };

export interface Rendered {
  sql: string;
  rendered: string;
  ephemerals: string[];
}

/**
 * A node's SQL from its template: each ref becomes its model's relation, or the CTE of an
 * ephemeral model, inlined from `compiled` (which holds the ephemeral models rendered before).
 * Throws RenderError.
 */
export function renderNode(
  env: TemplateEnvironment,
  project: RenderProject,
  node: GraphNode,
  program: Program,
  { byName, isIncremental, runStartedAt, compiled }: { byName: ReadonlyMap<string, RelationNode>; isIncremental: boolean; runStartedAt: string; compiled: ReadonlyMap<string, Pick<CompiledNode, 'rendered' | 'ephemerals'>> },
): Rendered {
  const ephemeralRefs: string[] = [];
  const ctx = nodeRenderContext(project, node, runStartedAt, {
    isIncremental,
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
  });
  const rendered = tidy(env.render(program, ctx));
  const ephemerals = ephemeralChain(ephemeralRefs, compiled);
  const sql = injectCtes(rendered, ephemerals.map((e) => ({ name: project.nodes.get(e)!.name, sql: compiled.get(e)!.rendered })));
  return { sql, rendered, ephemerals };
}

/** The build cache's record of a node rendered under compile key `key`. */
export function cachedCompile(key: string, { sql, rendered, ephemerals }: Rendered): CachedCompile {
  return { key, sql: JsonText.of(sql), rendered: rendered === sql ? undefined : JsonText.of(rendered), ephemerals };
}

/** A node compiled by an earlier run: its cache record is read, and its SQL decoded, only if something reads them. */
class ReusedNode implements CompiledNode {
  constructor(
    readonly uniqueId: string,
    private readonly cache: BuildCache,
    readonly isIncremental: boolean,
    readonly key: string,
  ) {}

  private get entry(): CachedCompile {
    return this.cache.compiledNode(this.uniqueId)!;
  }

  get sql(): string {
    return this.entry.sql.text;
  }

  get rendered(): string {
    return (this.entry.rendered ?? this.entry.sql).text;
  }

  get ephemerals(): string[] {
    return this.entry.ephemerals;
  }

  get sqlJson(): string {
    return this.entry.sql.json;
  }
}

/**
 * What a node's compiled SQL depends on besides the global inputs the cache is keyed on. Its
 * configuration is not hashed: the file's path and stamp, under the same global key, determine it
 * (as they determine the cached parse it comes from), and serialising 10,000 configurations cost
 * more than the rest of the key. The path also makes a moved file compile again, to its new place.
 */
export function compileKey(nodes: ReadonlyMap<string, RelationNode>, node: GraphNode, stamp: string, isIncremental: boolean, keys: ReadonlyMap<string, string>): string {
  const parents = node.dependsOn.map((p) => {
    const parent = nodes.get(p)!;
    return `${p}=${parent.schema}.${parent.identifier}:${parent.config.materialized === 'ephemeral' ? (keys.get(p) ?? '') : ''}`;
  });
  return quickHash(node.path, stamp, String(isIncremental), node.schema, node.identifier, ...parents);
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
function ephemeralChain(direct: readonly string[], compiled: ReadonlyMap<string, Pick<CompiledNode, 'ephemerals'>>): string[] {
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

/** What checking a node's SQL reads of its project: the node, and its template to point errors at. */
type CheckedProject = Pick<LoadedProject, 'nodes' | 'sourceText'>;

/** Compiled queries per parser call: large enough that per-call costs vanish, small enough that parsing keeps pace with rendering. */
const BATCH = 1000;

/**
 * Checks with DuckDB's own parser that every compiled query is one SELECT, pointing errors at
 * template lines. Queries are sent in batches as they are added: one parser call per batch is far
 * cheaper than one per model, and a warehouse in a worker thread parses each batch while the next
 * is being rendered. Only a batch that fails needs the slow, per-model pass.
 */
export class SqlValidator {
  private readonly diagnostics: Diagnostic[] = [];
  private readonly batches: Promise<Diagnostic[]>[] = [];
  private batch: { node: GraphNode; sql: string }[] = [];

  constructor(private readonly project: CheckedProject, private readonly warehouse: Pick<Warehouse, 'parse'>) {}

  add(c: CompiledNode): void {
    const node = this.project.nodes.get(c.uniqueId)!;
    const start = QUERY_START.exec(c.sql);
    const keyword = start?.[1]?.toLowerCase();
    if (keyword === undefined) this.diagnostics.push(error(`${node.resourceType} ${node.name} is empty — write a SELECT query`, node.path, 1));
    else if (!QUERY_KEYWORDS.includes(keyword)) {
      const template = this.project.sourceText.get(node.path) ?? '';
      const line = templateLineFor(c.sql, template, lineOfOffset(c.sql, start!.index + start![0].length - keyword.length));
      this.diagnostics.push(error(`${node.resourceType} ${node.name} must be a SELECT query, not ${keyword.toUpperCase()} — modelrun writes the CREATE statement itself`, node.path, line));
    } else {
      this.batch.push({ node, sql: c.sql });
      if (this.batch.length >= BATCH) this.send();
    }
  }

  /** Every problem found: the queries that are no SELECT, then those that do not parse, in the order added. */
  async finish(): Promise<Diagnostic[]> {
    if (this.batch.length > 0) this.send();
    const parsed = await Promise.all(this.batches);
    return [...this.diagnostics, ...parsed.flat()];
  }

  private send(): void {
    const queries = this.batch;
    this.batch = [];
    const checked = this.check(queries);
    // finish() awaits it; until then a failure must not count as unhandled.
    checked.catch(() => undefined);
    this.batches.push(checked);
  }

  private async check(queries: readonly { node: GraphNode; sql: string }[]): Promise<Diagnostic[]> {
    const batch = await this.warehouse.parse(queries.map((q) => q.sql).join('\n;\n'));
    if (batch.error === undefined && batch.statements === queries.length) return [];
    const diagnostics: Diagnostic[] = [];
    for (const q of queries) diagnostics.push(...(await validateOne(this.project, q.node, q.sql, this.warehouse)));
    return diagnostics;
  }
}

async function validateOne(project: CheckedProject, node: GraphNode, sql: string, warehouse: Pick<Warehouse, 'parse'>): Promise<Diagnostic[]> {
  const parsed = await warehouse.parse(sql);
  if (parsed.error !== undefined) {
    const template = project.sourceText.get(node.path) ?? '';
    const at = parsed.offset === undefined ? undefined : templatePositionFor(sql, template, parsed.offset);
    return [error(`SQL does not parse: ${parsed.error.replace(/^Parser Error: /, '')}`, node.path, at?.line, at?.col)];
  }
  if (parsed.statements !== 1) {
    return [error(`${node.resourceType} ${node.name} holds ${parsed.statements} statements — a model is exactly one SELECT query`, node.path)];
  }
  return [];
}
