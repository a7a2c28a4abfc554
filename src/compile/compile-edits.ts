import { resolve } from 'node:path';
import type { Warehouse } from '../adapters/adapter.js';
import { compiledFileFor, writeText } from '../artifacts/write.js';
import type { GraphNode } from '../graph/nodes.js';
import { BuildCache, type CachedCompile, type CachedModel } from '../project/build-cache.js';
import { baseName } from '../project/discover.js';
import { GraphSnapshot, shapeOf, type SnapshotRelation } from '../project/graph-snapshot.js';
import { JsonText } from '../project/json-text.js';
import { loadMacros, resolveEdges, type LoadedProject, type ProjectSettings } from '../project/load.js';
import { patchManifest, type EntryEdit } from '../project/manifest-entries.js';
import { removeNoopRecord, type CompileReport } from '../project/noop-record.js';
import { cachedModelOf, parseSqlFile, readProjectFile, sqlFileNode } from '../project/parse-nodes.js';
import { SourceTexts } from '../project/source-texts.js';
import { parseTemplate } from '../templating/parse.js';
import { RenderError, TemplateEnvironment } from '../templating/render.js';
import { hasErrors, type Diagnostic } from '../util/diagnostics.js';
import { cachedCompile, compileKey, renderNode, SqlValidator, type RelationNode } from './compile.js';

export interface EditsInput {
  settings: ProjectSettings;
  /** What must be as it was at the last full compile: the project but for its SQL files' contents, and the options (see editsScope). */
  scope: string;
  checker: Pick<Warehouse, 'parse'>;
  generatedAt: string;
  invocationId: string;
}

/** A SQL file edited since the last full compile, rendered again. */
interface Edit {
  index: number;
  path: string;
  node: GraphNode;
  model: CachedModel;
  compiled: CachedCompile;
}

type Relation = RelationNode & Pick<GraphNode, 'resourceType'>;

/**
 * Compiles a project of which only some SQL files changed since the last full compile, and not in
 * their shape (see shapeOf): their refs, config and warnings are as they were, so the graph, every
 * other node and its SQL are too. Renders and checks those files alone, then writes what a full
 * compile would have: their compiled files, their records appended to the build cache, and their
 * entries patched into manifest.json. Gives the last compile's report to repeat, or nothing when
 * it cannot: then nothing was written, and a full compile follows (which reports any error).
 */
export async function compileEdits(input: EditsInput): Promise<CompileReport | undefined> {
  const { settings } = input;
  const { config, files } = settings;
  const targetDir = resolve(config.dir, config.targetPath);
  const snapshot = GraphSnapshot.read(targetDir, config.name, input.scope);
  const sqlFiles = [...files.models.map((p) => ['model', p] as const), ...files.singularTests.map((p) => ['test', p] as const)];
  if (!snapshot || snapshot.fileCount !== sqlFiles.length) return undefined;
  const changed = sqlFiles.flatMap(([kind, path], index) => (snapshot.hasStamp(index, settings.stamp(path)) ? [] : [{ kind, path, index }]));
  // Each compile of edits appends to the build cache; a full compile, which rewrites it, must come before it doubles.
  if (changed.length === 0 || snapshot.appended + 2 * changed.length > sqlFiles.length) return undefined;
  const macros = loadMacros(files.macros, (p) => snapshot.macroFiles[p]!, []);
  const around = relationsOf(snapshot, settings);
  const env = new TemplateEnvironment(macros);
  const texts = new SourceTexts();
  const edits: Edit[] = [];
  for (const { kind, path, index } of changed) {
    const before = snapshot.file(index);
    const text = JsonText.of(readProjectFile(config, path));
    texts.set(path, text);
    const specs = new Map(before.spec ? [[baseName(path), before.spec]] : []);
    const { parsed, diagnostics } = parseSqlFile(kind, config, path, text.text, macros, specs, settings.target.schema);
    // Errors, such as a template that does not parse, are for a full compile to report.
    if (hasErrors(diagnostics)) return undefined;
    const model = cachedModelOf(kind, settings.stamp(path), text, parsed, diagnostics);
    const { node } = parsed;
    if (shapeOf(model) !== shapeOf(before.model) || !node.config.enabled) return undefined;
    const named = around(parsed);
    if (!named || !renderable(node, named.parents)) return undefined;
    const program = parsed.program ?? parseTemplate(text.text, path).program!;
    const project = { vars: settings.vars, target: settings.target, config, nodes: named.parents };
    try {
      const rendered = renderNode(env, project, node, program, { byName: named.byName, isIncremental: false, runStartedAt: input.generatedAt, compiled: new Map() });
      edits.push({ index, path, node, model, compiled: cachedCompile(compileKey(named.parents, node, model.stamp, false, new Map()), rendered) });
    } catch (e) {
      if (e instanceof RenderError) return undefined;
      throw e;
    }
  }
  // Put together while DuckDB's parser, in its worker, may still be loading.
  const manifest = patchManifest(targetDir, new Map(edits.map((e) => [e.node.uniqueId, entryEdit(e)])), (head) => withInvocation(head, input));
  if (!manifest || !(await checks(edits, texts, input.checker))) return undefined;
  // What follows rewrites target/: the last compile's fingerprint no longer describes it.
  removeNoopRecord(targetDir);
  for (const e of edits) writeText(compiledFileFor(targetDir, config.name, e.node), e.compiled.sql.text + '\n');
  BuildCache.append(targetDir, new Map(edits.map((e) => [e.path, e.model])), new Map(edits.map((e) => [e.node.uniqueId, e.compiled])));
  manifest.write();
  snapshot.restamp(targetDir, new Map(edits.map((e) => [e.index, e.model.stamp])), snapshot.appended + 2 * edits.length);
  return snapshot.report;
}

/**
 * The nodes an edited file's parse refers to, from the snapshot: models by their file's line,
 * seeds and sources by id. Only the lines of what a parse names are decoded.
 */
function relationsOf(snapshot: GraphSnapshot, settings: ProjectSettings) {
  const project = settings.config.name;
  // A scan of the paths for each name a parse refers to costs less than a map of 10,000 names.
  const modelLine = (name: string) => settings.files.models.findIndex((p) => p.endsWith(`/${name}.sql`));
  const relation = (id: string, resourceType: Relation['resourceType'], name: string, r: SnapshotRelation | undefined): Relation | undefined =>
    r && { uniqueId: id, resourceType, name, schema: r.schema, identifier: r.identifier, config: { materialized: r.materialized } };
  const named = (name: string): Relation | undefined => {
    const line = modelLine(name);
    if (line < 0) return relation(`seed.${project}.${name}`, 'seed', name, snapshot.other(`seed.${project}.${name}`));
    const { model } = snapshot.file(line);
    return model.config.enabled ? sqlFileNode('model', settings.config, settings.files.models[line]!, model.config, model.description, settings.target.schema) : undefined;
  };
  const sourceId = (s: { source: string; table: string }) => `source.${project}.${s.source}.${s.table}`;
  /**
   * Sets the parsed node's dependsOn, and gives what it names: its refs by name and its parents by
   * id. None when a ref or source matches nothing.
   */
  return (parsed: Parameters<typeof resolveEdges>[0]): { byName: Map<string, Relation>; parents: Map<string, Relation> } | undefined => {
    const byName = new Map<string, Relation>();
    for (const { name } of parsed.refs) {
      const r = named(name);
      if (r) byName.set(name, r);
    }
    const problems: Diagnostic[] = [];
    resolveEdges(parsed, byName, new Map(parsed.sources.map((s) => [`${s.source}.${s.table}`, sourceId(s)])), problems);
    if (problems.length > 0) return undefined;
    const parents = new Map([...byName.values()].map((r) => [r.uniqueId, r]));
    for (const s of parsed.sources) {
      const r = relation(sourceId(s), 'source', s.table, snapshot.other(sourceId(s)));
      if (!r) return undefined;
      parents.set(r.uniqueId, r);
    }
    return { byName, parents };
  };
}

/** Whether the node renders from its own template alone: not ephemeral (its children inline it), not incremental (the warehouse decides), no ephemeral parent to inline. */
function renderable(node: GraphNode, parents: ReadonlyMap<string, Relation>): boolean {
  const inlined = (m: string | undefined) => m === 'ephemeral';
  return !inlined(node.config.materialized) && node.config.materialized !== 'incremental' && ![...parents.values()].some((p) => inlined(p.config.materialized));
}

/** Whether DuckDB's parser takes every edited query as a SELECT. */
async function checks(edits: readonly Edit[], texts: SourceTexts, checker: Pick<Warehouse, 'parse'>): Promise<boolean> {
  const validator = new SqlValidator({ nodes: new Map(edits.map((e) => [e.node.uniqueId, e.node])), sourceText: texts }, checker);
  for (const e of edits) validator.add({ uniqueId: e.node.uniqueId, sql: e.compiled.sql.text, rendered: e.compiled.sql.text, ephemerals: [], isIncremental: false });
  return (await validator.finish()).length === 0;
}

/**
 * An edited node's manifest entry: as artifacts/manifest.ts writes it (nodeEntry), its fields end
 * with raw_code, compiled and compiled_code, and the fields before them follow from the shape,
 * which is unchanged. The last `,"raw_code":` is that field's: inside a JSON string a quote is
 * always escaped.
 */
function entryEdit(e: Edit): EntryEdit {
  return {
    key: e.compiled.key,
    rewrite: (old) => `${old.slice(0, old.lastIndexOf(',"raw_code":'))},"raw_code":${e.model.text.json},"compiled":true,"compiled_code":${e.compiled.sql.json}}`,
  };
}

/** The manifest's head with this compile's time and invocation id, as buildManifest writes them in its metadata. */
function withInvocation(head: string, { generatedAt, invocationId }: Pick<EditsInput, 'generatedAt' | 'invocationId'>): string {
  return head.replace(/"generated_at":"[^"]*","invocation_id":"[^"]*"/, `"generated_at":${JSON.stringify(generatedAt)},"invocation_id":${JSON.stringify(invocationId)}`);
}

/** Writes the snapshot of a project just compiled in full, for the compiles of edits that may follow. */
export function writeGraphSnapshot(project: LoadedProject, report: CompileReport, scope: string): void {
  const { config, files, cache } = project;
  const specs = new Map(project.resourceSpecs.filter((r) => r.resourceType === 'model').map((r) => [r.name, r]));
  const lines = [...files.models, ...files.singularTests].map((path, i) => {
    const spec = specs.size > 0 && i < files.models.length ? specs.get(baseName(path)) : undefined;
    return { stamp: cache.model(path)!.stamp, meta: cache.modelMeta(path), spec: spec && { config: spec.config, description: spec.description } };
  });
  const others = [...project.nodes.values()].filter((n) => n.resourceType === 'seed' || n.resourceType === 'source').map((n) => [n.uniqueId, relationOf(n)] as const);
  const macroFiles = Object.fromEntries(files.macros.map((p) => [p, cache.macroFile(p)!]));
  GraphSnapshot.write(resolve(config.dir, config.targetPath), config.name, { scope, appended: 0, report, macroFiles, files: lines, others: new Map(others) });
}

function relationOf(node: GraphNode): SnapshotRelation {
  return { schema: node.schema, identifier: node.identifier, materialized: node.config.materialized };
}
