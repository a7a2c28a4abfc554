import { readFileSync } from 'node:fs';
import { configValueFromTemplate, mergeConfigs, validateConfig, type PartialConfig } from '../config/node-config.js';
import { folderLayers, type ProjectConfig } from '../config/project.js';
import type { ResourceSpec, SourceSpec } from '../config/schema-yaml.js';
import type { GraphNode, NodeConfig, RefCall, SourceCall } from '../graph/nodes.js';
import { error, type Diagnostic } from '../util/diagnostics.js';
import { analyzeTemplate, emptyAnalysis, MODEL_VARIABLES, type TemplateAnalysis } from '../templating/analyze.js';
import type { Program } from '../templating/ast.js';
import type { MacroDef } from '../templating/macros.js';
import { parseTemplate } from '../templating/parse.js';
import type { CachedModel } from './build-cache.js';
import { baseName, foldersBelowRoot } from './discover.js';
import type { JsonText } from './json-text.js';

/** A node parsed from a SQL template, before its references are resolved into edges. */
export interface ParsedSqlNode {
  node: GraphNode;
  /**
   * Absent when the parse came from the cache, or when the template is flat: then it is parsed
   * again, in microseconds, if it must be rendered. Holding the ASTs of 10,000 flat models
   * through the load (70 MB, which the garbage collector copies again and again) cost more.
   */
  program?: Program;
  refs: RefCall[];
  sources: SourceCall[];
  volatile: boolean;
}

/**
 * Parses a SQL file — a model, or a singular data test under tests/ — : its template, what it
 * references (own and through macros) and its `{{config}}`.
 */
export function parseSqlFile(
  kind: 'model' | 'test',
  project: ProjectConfig,
  path: string,
  text: string,
  macros: ReadonlyMap<string, MacroDef>,
  specs: ReadonlyMap<string, Pick<ResourceSpec, 'config' | 'description'>>,
  targetSchema: string,
): { parsed: ParsedSqlNode; diagnostics: Diagnostic[] } {
  const parsed = parseTemplate(text, path);
  // A template that does not parse is still a node, configured by what is known without it, so
  // refs to it resolve and its syntax error is the only one reported.
  const { analysis, diagnostics } = parsed.program
    ? analyzeTemplate(parsed.program, { file: path, macros, variables: new Set(MODEL_VARIABLES), allowDynamicRelations: false })
    : { analysis: emptyAnalysis(), diagnostics: parsed.diagnostics };
  const name = baseName(path);
  const fileConfig = templateConfig(analysis, path, kind, diagnostics);
  const spec = kind === 'model' ? specs.get(name) : undefined;
  const folders = foldersBelowRoot(path, kind === 'model' ? project.modelPaths : project.testPaths);
  const config = mergeConfigs(kind === 'model' ? { materialized: 'view' } : { materialized: 'test', severity: 'error' }, [
    ...folderLayers(kind === 'model' ? project.models : project.dataTests, [...folders, name]),
    spec?.config ?? {},
    fileConfig,
  ]);
  const { refs, sources, volatile } = withMacroDependencies(analysis, macros);
  const node = sqlFileNode(kind, project, path, config, spec?.description, targetSchema);
  return { parsed: { node, program: parsed.flat ? undefined : parsed.program, refs, sources, volatile }, diagnostics };
}

/** What the build cache keeps of a SQL file's parse: with the project's configuration, its node follows from it (see sqlFileNode). */
export function cachedModelOf(kind: 'model' | 'test', stamp: string, text: JsonText, parsed: ParsedSqlNode, diagnostics: Diagnostic[]): CachedModel {
  const { node, refs, sources, volatile } = parsed;
  return { stamp, text, kind, config: node.config, description: node.description, refs, sources, volatile, diagnostics };
}

/** The node of a model or singular test file, from the configuration and description its parse resolved. */
export function sqlFileNode(kind: 'model' | 'test', project: ProjectConfig, path: string, config: NodeConfig, description: string | undefined, targetSchema: string): GraphNode {
  const folders = foldersBelowRoot(path, kind === 'model' ? project.modelPaths : project.testPaths);
  const node = projectNode(project, kind, path, folders, baseName(path), config, description, targetSchema);
  if (kind === 'test') node.testType = 'singular';
  return node;
}

function templateConfig(analysis: TemplateAnalysis, file: string, kind: 'model' | 'test', diagnostics: Diagnostic[]): PartialConfig {
  const raw: Record<string, unknown> = {};
  const where: Record<string, { line: number; col: number }> = {};
  for (const c of analysis.config) {
    raw[c.key] = configValueFromTemplate(c.value);
    where[c.key] = c;
  }
  const { config, diagnostics: ds } = validateConfig(raw, kind, (key) => ({ file, ...where[key] }));
  diagnostics.push(...ds);
  return config;
}

/** A model depends on what the macros it calls reference, at the call site's position. */
function withMacroDependencies(analysis: TemplateAnalysis, macros: ReadonlyMap<string, MacroDef>): { refs: RefCall[]; sources: SourceCall[]; volatile: boolean } {
  const refs = [...analysis.refs];
  const sources = [...analysis.sources];
  let volatile = analysis.volatile;
  const seen = new Set<string>();
  const visit = (name: string, at: { line: number; col: number }) => {
    if (seen.has(name)) return;
    seen.add(name);
    const def = macros.get(name);
    if (!def?.analysis) return;
    volatile ||= def.analysis.volatile;
    for (const r of def.analysis.refs) refs.push({ ...r, ...at });
    for (const s of def.analysis.sources) sources.push({ ...s, ...at });
    for (const call of def.analysis.macroCalls) visit(call.name, at);
  };
  for (const call of analysis.macroCalls) visit(call.name, { line: call.line, col: call.col });
  return { refs, sources, volatile };
}

export function seedNode(project: ProjectConfig, path: string, specs: ReadonlyMap<string, ResourceSpec>, targetSchema: string): GraphNode {
  const name = baseName(path);
  const spec = specs.get(name);
  const folders = foldersBelowRoot(path, project.seedPaths);
  const config = mergeConfigs({ materialized: 'seed' }, [...folderLayers(project.seeds, [...folders, name]), spec?.config ?? {}]);
  return projectNode(project, 'seed', path, folders, name, config, spec?.description, targetSchema);
}

/** A node defined by a file of the project; its relation is the target schema and its name unless configured. */
function projectNode(project: ProjectConfig, resourceType: 'model' | 'seed' | 'test', path: string, folders: string[], name: string, config: NodeConfig, description: string | undefined, targetSchema: string): GraphNode {
  return {
    uniqueId: `${resourceType}.${project.name}.${name}`,
    resourceType,
    name,
    packageName: project.name,
    path,
    fqn: [project.name, ...folders, name],
    tags: config.tags,
    config,
    description,
    schema: config.schema ?? targetSchema,
    identifier: config.alias ?? name,
    dependsOn: [],
  };
}

export function sourceNodes(project: ProjectConfig, spec: SourceSpec): GraphNode[] {
  return spec.tables.map((table) => {
    const config = mergeConfigs({}, [...folderLayers(project.sources, [spec.name, table.name]), spec.config, table.config]);
    return {
      uniqueId: `source.${project.name}.${spec.name}.${table.name}`,
      resourceType: 'source',
      name: table.name,
      packageName: project.name,
      path: spec.file,
      fqn: [project.name, spec.name, table.name],
      tags: config.tags,
      config,
      description: table.description,
      schema: spec.schema,
      identifier: table.identifier,
      dependsOn: [],
      sourceName: spec.name,
      tableName: table.name,
    };
  });
}

export function readProjectFile(project: ProjectConfig, path: string): string {
  // Concatenated rather than joined: this runs for every model of a cold compile, and the OS resolves the path the same.
  return readFileSync(`${project.dir}/${path}`, 'utf8');
}

/** Two files of one name; a file has no better place than its start. */
export function duplicateError(kind: string, name: string, first: string, second: string): Diagnostic {
  // An alias would not help: it names the table, while refs name models and seeds by their files.
  const why = kind === 'singular test' ? '' : ' (refs name models and seeds by file, so names must be unique; an alias only renames the table)';
  return error(`two ${kind}s are named "${name}": ${first}:1:1 and ${second}:1:1 — rename one of the files${why}`, second, 1, 1);
}
