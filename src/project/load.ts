import { readFileSync } from 'node:fs';
import { relationKey } from '../adapters/adapter.js';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse as parseYaml } from 'yaml';
import { loadProject, type ProjectConfig } from '../config/project.js';
import { loadTarget, type Target } from '../config/profiles.js';
import { landsFromSupabase, readSchemaFile, type ResourceSpec, type SourceSpec } from '../config/schema-yaml.js';
import { isRecord, parseYamlFile } from '../config/yaml-file.js';
import { findCycle, topologicalOrder } from '../graph/dag.js';
import type { GraphNode } from '../graph/nodes.js';
import type { Program } from '../templating/ast.js';
import { analyzeMacros, parseMacroFile, type MacroDef, type MacroFile } from '../templating/macros.js';
import { renderConfigString } from '../templating/standalone.js';
import { error, hasErrors, type Diagnostic } from '../util/diagnostics.js';
import { didYouMean } from '../util/suggest.js';
import { BuildCache, type CachedModel } from './build-cache.js';
import { fileStamp, hashOf, optionalStamp } from './hash.js';
import { JsonText } from './json-text.js';
import { readStamped } from './read-text.js';
import { SourceTexts } from './source-texts.js';
import { discoverFiles, type ProjectFiles } from './discover.js';
import { buildGenericTests, type GenericTestPlan } from '../data-tests/nodes.js';
import { cachedModelOf, duplicateError, parseSqlFile, readProjectFile, seedNode, sourceNodes, sqlFileNode, type ParsedSqlNode } from './parse-nodes.js';

const MODELRUN_VERSION = (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;
/** This build of modelrun: a rebuilt CLI of the same version may compile differently, so a fingerprint must not outlive it. */
const MODELRUN_BUILD = `${MODELRUN_VERSION}:${optionalStamp(fileURLToPath(import.meta.url))}`;

export interface LoadOptions {
  projectDir: string;
  profilesDir?: string;
  target?: string;
  /** The --vars YAML text. */
  vars?: string;
}

/** Everything known about a project before it touches the warehouse. */
export interface LoadedProject {
  config: ProjectConfig;
  target: Target;
  vars: Record<string, unknown>;
  files: ProjectFiles;
  nodes: Map<string, GraphNode>;
  parents: Map<string, string[]>;
  children: Map<string, string[]>;
  /** Dependency order of every node. */
  order: string[];
  /** Templates parsed by Handlebars in this run; the others are parsed again only if rendered (see ParsedSqlNode). */
  templates: Map<string, Program>;
  sourceText: SourceTexts;
  /** Volatile templates read the environment or the clock: their compiled SQL is never reused. */
  volatile: Set<string>;
  cache: BuildCache;
  macros: Map<string, MacroDef>;
  /** How each generic data test is built: which test, its arguments and what they resolve to. */
  genericTests: Map<string, GenericTestPlan>;
  resourceSpecs: ResourceSpec[];
  sourceSpecs: SourceSpec[];
  diagnostics: Diagnostic[];
}

export type LoadResult = { project: LoadedProject; diagnostics: Diagnostic[] } | { project?: undefined; diagnostics: Diagnostic[] };

/** What is known of a project before its files are read: configuration, target, vars and the list of files. */
export interface ProjectSettings {
  config: ProjectConfig;
  target: Target;
  vars: Record<string, unknown>;
  files: ProjectFiles;
  /** A file's mtime and size, each file stat'ed once however many times it is asked for. */
  stamp: (path: string) => string;
  /** A file's text; its stamp, unless one was taken before, comes from the same open (see readStamped). */
  readStamped: (path: string) => string;
}

export type SettingsResult = { settings: ProjectSettings; diagnostics: Diagnostic[] } | { settings?: undefined; diagnostics: Diagnostic[] };

export function loadSettings(opts: LoadOptions): SettingsResult {
  const dir = resolve(opts.projectDir);
  const { project: config, diagnostics } = loadProject(dir);
  if (!config || hasErrors(diagnostics)) return { diagnostics };
  const vars = mergeCliVars(config.vars, opts.vars, diagnostics);
  const { target, diagnostics: targetDiagnostics } = loadTarget({
    projectDir: dir,
    profilesDir: opts.profilesDir,
    profileName: config.profile,
    targetName: opts.target,
    renderString: (text, file, line) => renderConfigString(text, file, line, vars),
  });
  diagnostics.push(...targetDiagnostics);
  if (!target || hasErrors(diagnostics)) return { diagnostics };
  const stamps = new Map<string, string>();
  // Concatenated rather than joined: paths come from discovery already normal, and this runs for every file.
  const stamp = (path: string) => stamps.get(path) ?? stamps.set(path, fileStamp(`${config.dir}/${path}`)).get(path)!;
  const read = (path: string) => {
    const { text, stamp } = readStamped(`${config.dir}/${path}`);
    if (!stamps.has(path)) stamps.set(path, stamp);
    return text;
  };
  return { settings: { config, target, vars, files: discoverFiles(config), stamp, readStamped: read }, diagnostics };
}

export function loadFullProject(opts: LoadOptions): LoadResult {
  return loadFromSettings(loadSettings(opts));
}

/** The rest of loadFullProject, for a caller that looked at the settings first (see projectFingerprint). */
export function loadFromSettings({ settings, diagnostics }: SettingsResult): LoadResult {
  if (!settings) return { diagnostics };
  const project = buildProject(settings, diagnostics);
  return hasErrors(diagnostics) ? { diagnostics } : { project, diagnostics };
}

/**
 * Every input of a compile as one key: modelrun's version, project.yml, the target, vars, every
 * project file's path, mtime and size, and `extra` (the caller's options and outputs). Equal keys
 * mean the same project on disk, so the same compile.
 */
export function projectFingerprint(settings: ProjectSettings, extra: readonly string[]): string {
  return inputsKey(settings, filesDigest(settings, true), extra);
}

/**
 * projectFingerprint without the SQL files' contents: only their paths count. Equal scopes mean
 * the same project but for what some models and singular tests say (see compile/compile-edits.ts).
 */
export function projectScope(settings: ProjectSettings, extra: readonly string[]): string {
  return inputsKey(settings, filesDigest(settings, false), extra);
}

function inputsKey(settings: ProjectSettings, digest: string, extra: readonly string[]): string {
  const { config, target, vars } = settings;
  return hashOf(MODELRUN_BUILD, config.dir, config.file, readProjectFile(config, config.file), JSON.stringify(target), JSON.stringify(vars), digest, ...extra);
}

/** Stamps are taken once per settings, so the digest of 10,000 of them is too: a compile asks before and after its work. */
const digests = new WeakMap<ProjectSettings, Map<boolean, string>>();

function filesDigest(settings: ProjectSettings, withSqlStamps: boolean): string {
  const known = digests.get(settings) ?? digests.set(settings, new Map()).get(settings)!;
  const cached = known.get(withSqlStamps);
  if (cached !== undefined) return cached;
  const { files } = settings;
  const stamped = (paths: readonly string[]) => paths.flatMap((p) => [p, settings.stamp(p)]);
  const sql = [...files.models, ...files.singularTests];
  const digest = hashOf(...(withSqlStamps ? stamped(sql) : sql), ...stamped([...files.schemaFiles, ...files.seeds, ...files.macros]));
  known.set(withSqlStamps, digest);
  return digest;
}

function mergeCliVars(projectVars: Record<string, unknown>, cli: string | undefined, diagnostics: Diagnostic[]): Record<string, unknown> {
  if (!cli) return { ...projectVars };
  try {
    const parsed: unknown = parseYaml(cli);
    if (isRecord(parsed)) return { ...projectVars, ...parsed };
  } catch {
    // reported below
  }
  diagnostics.push(error(`--vars must be a YAML mapping, e.g. --vars '{lookback_hours: 12}' (got ${JSON.stringify(cli)})`));
  return { ...projectVars };
}

function buildProject(settings: ProjectSettings, diagnostics: Diagnostic[]): LoadedProject {
  const { config, target, vars, files } = settings;
  const sourceText = new SourceTexts();
  const read = (path: string) => sourceText.get(path) ?? sourceText.set(path, JsonText.of(readProjectFile(config, path))).get(path)!;
  const globalFiles = [...files.macros, ...files.schemaFiles];
  globalFiles.forEach(read);
  const cache = BuildCache.read(resolve(config.dir, config.targetPath), globalKey(config, target, vars, globalFiles, sourceText));
  const parseMacros = (path: string) => {
    const cached = cache.macroFile(path);
    if (cached) return cached;
    const parsed = parseMacroFile(read(path), path);
    cache.setMacroFile(path, parsed);
    return parsed;
  };
  const macros = loadMacros(files.macros, parseMacros, diagnostics);
  const { resources, sources } = loadSchemaFiles(files.schemaFiles, read, diagnostics);
  const specsByName = (type: 'model' | 'seed') => new Map(resources.filter((r) => r.resourceType === type).map((r) => [r.name, r]));
  const modelSpecs = specsByName('model');
  const seedSpecs = specsByName('seed');

  const nodes = new Map<string, GraphNode>();
  const templates = new Map<string, Program>();
  const parsedModels: ParsedSqlNode[] = [];
  const byName = new Map<string, GraphNode>();
  const addNamed = (node: GraphNode) => {
    const existing = byName.get(node.name);
    if (existing) {
      diagnostics.push(duplicateError(node.resourceType === existing.resourceType ? node.resourceType : 'node', node.name, existing.path, node.path));
      return false;
    }
    byName.set(node.name, node);
    return true;
  };
  for (const path of files.seeds) {
    const node = seedNode(config, path, seedSpecs, target.schema);
    if (node.config.enabled && addNamed(node)) nodes.set(node.uniqueId, node);
  }
  const volatile = new Set<string>();
  const cachedModels = new Set<string>();
  const cachedIds = new Set<string>();
  const testNames = new Map<string, string>();
  const sqlFiles: (readonly ['model' | 'test', string])[] = [...files.models.map((p) => ['model', p] as const), ...files.singularTests.map((p) => ['test', p] as const)];
  for (const [kind, path] of sqlFiles) {
    let entry: CachedModel | undefined = cache.model(path);
    // A file without a cached parse must be read: its stamp comes with its text.
    if (!entry) sourceText.set(path, JsonText.of(settings.readStamped(path)));
    const stamp = settings.stamp(path);
    let program: Program | undefined;
    let node: GraphNode;
    if (entry?.stamp !== stamp || entry.kind !== kind) {
      const text = read(path);
      const { parsed, diagnostics: ds } = parseSqlFile(kind, config, path, text, macros, modelSpecs, target.schema);
      program = parsed.program;
      node = parsed.node;
      entry = cachedModelOf(kind, stamp, sourceText.jsonText(path)!, parsed, ds);
      cache.setModel(path, entry);
    } else {
      sourceText.set(path, entry.text);
      node = sqlFileNode(kind, config, path, entry.config, entry.description, target.schema);
    }
    cachedModels.add(path);
    cachedIds.add(node.uniqueId);
    diagnostics.push(...entry.diagnostics);
    if (!node.config.enabled) continue;
    if (kind === 'model' && !addNamed(node)) continue;
    if (kind === 'test') {
      const other = testNames.get(node.name);
      if (other) {
        diagnostics.push(duplicateError('singular test', node.name, other, node.path));
        continue;
      }
      testNames.set(node.name, node.path);
    }
    nodes.set(node.uniqueId, node);
    if (program) templates.set(node.uniqueId, program);
    if (entry.volatile) volatile.add(node.uniqueId);
    parsedModels.push({ node, refs: entry.refs, sources: entry.sources, volatile: entry.volatile });
  }
  cache.keep(cachedModels, cachedIds);
  const sourceIds = new Map<string, string>();
  const landedSources = new Set<string>();
  for (const spec of sources) {
    for (const node of sourceNodes(config, spec)) {
      if (!node.config.enabled) continue;
      if (landsFromSupabase(spec)) landedSources.add(node.uniqueId);
      const key = `${node.sourceName}.${node.tableName}`;
      if (sourceIds.has(key)) {
        diagnostics.push(error(`source table ${key} is declared twice — keep one declaration`, spec.file, spec.line, spec.col));
        continue;
      }
      sourceIds.set(key, node.uniqueId);
      nodes.set(node.uniqueId, node);
    }
  }
  for (const spec of resources) {
    const kind = spec.resourceType;
    if (!byName.has(spec.name) || byName.get(spec.name)!.resourceType !== kind) {
      const names = [...byName.values()].filter((n) => n.resourceType === kind).map((n) => n.name);
      diagnostics.push({ level: 'warn', message: `${kind} "${spec.name}" is described here but has no ${kind === 'model' ? '.sql' : '.csv'} file${didYouMean(spec.name, names)}`, file: spec.file, line: spec.line, col: spec.col });
    }
  }
  diagnostics.push(...sharedTableErrors([...nodes.values()].filter((n) => writesTable(n, landedSources))));
  for (const m of parsedModels) resolveEdges(m, byName, sourceIds, diagnostics);
  const genericTests = buildGenericTests(config, target.schema, resources, sources, macros, { byName, sourceIds, nodes }, diagnostics);
  for (const t of genericTests.values()) nodes.set(t.node.uniqueId, t.node);

  const parents = new Map([...nodes.values()].map((n) => [n.uniqueId, n.dependsOn]));
  const { order, cyclic, children } = topologicalOrder(parents);
  if (cyclic.length > 0) diagnostics.push(cycleError(findCycle(parents, cyclic) ?? cyclic, nodes, parsedModels));
  return {
    config, target, vars, files, nodes, parents, children, order, templates, sourceText, volatile, cache, macros,
    genericTests: new Map([...genericTests].map(([id, t]) => [id, t.plan])),
    resourceSpecs: resources, sourceSpecs: sources, diagnostics,
  };
}

/** Models stored in the warehouse, seeds, and the sources landing fills: each owns its table. */
function writesTable(node: GraphNode, landedSources: ReadonlySet<string>): boolean {
  if (node.resourceType === 'model') return node.config.materialized !== 'ephemeral';
  return node.resourceType === 'seed' || landedSources.has(node.uniqueId);
}

/**
 * Two nodes that build one table (through `alias` or `schema`; DuckDB compares names without case)
 * would overwrite each other, and what a run remembers about a table would belong to neither.
 */
function sharedTableErrors(writers: readonly GraphNode[]): Diagnostic[] {
  const owners = new Map<string, GraphNode>();
  const errors: Diagnostic[] = [];
  for (const node of writers) {
    const key = relationKey(node.schema, node.identifier);
    const first = owners.get(key);
    if (!first) owners.set(key, node);
    else errors.push(error(`${describe(node)} and ${describe(first)} (${first.path}) both build the table ${node.schema}.${node.identifier} — give one of them another alias or schema`, node.path, 1, 1));
  }
  return errors;
}

function describe(node: GraphNode): string {
  return `${node.resourceType} ${node.resourceType === 'source' ? `${node.sourceName}.${node.tableName}` : node.name}`;
}

/**
 * A cycle [a, b, …, a], each node a parent of the next, reported at the ref that closes it: a's
 * ref to the node before it (a ref through a macro is at the macro's call, as every ref is).
 */
function cycleError(cycle: readonly string[], nodes: ReadonlyMap<string, GraphNode>, models: readonly ParsedSqlNode[]): Diagnostic {
  const node = (id: string) => nodes.get(id)!;
  const first = node(cycle[0]!);
  const last = nodes.get(cycle[cycle.length - 2]!)?.name;
  const names = cycle.map((id) => node(id).name).join(' → ');
  const where = [...new Set(cycle.map((id) => node(id).path))].join(', ');
  const ref = models.find((m) => m.node === first)?.refs.find((r) => r.name === last);
  const message = `dependency cycle: ${names} (${where}) — a model cannot depend on itself, directly or through others: remove this ref or another one of the cycle`;
  return error(message, first.path, ref?.line, ref?.col);
}

/** Everything that, when it changes, invalidates every cached parse: project.yml, target, vars, macros, schema YAML, modelrun itself. */
function globalKey(config: ProjectConfig, target: Target, vars: Record<string, unknown>, files: readonly string[], texts: SourceTexts): string {
  return hashOf(
    MODELRUN_VERSION,
    readProjectFile(config, config.file),
    JSON.stringify(target),
    JSON.stringify(vars),
    ...files.flatMap((f) => [f, texts.get(f) ?? '']),
  );
}

/** Sets a parsed node's dependsOn from its refs and sources; what matches nothing is an error at its place. */
export function resolveEdges(m: Pick<ParsedSqlNode, 'node' | 'refs' | 'sources'>, byName: ReadonlyMap<string, Pick<GraphNode, 'uniqueId' | 'resourceType'>>, sourceIds: ReadonlyMap<string, string>, diagnostics: Diagnostic[]): void {
  // An array, not a Set: a node has a handful of parents, and this runs for every node.
  const deps: string[] = [];
  const add = (id: string) => deps.includes(id) || deps.push(id);
  for (const ref of m.refs) {
    const target = byName.get(ref.name);
    if (target && (target.resourceType === 'model' || target.resourceType === 'seed')) add(target.uniqueId);
    else {
      const names = [...byName.keys()];
      diagnostics.push(error(`ref "${ref.name}" does not match any model or seed${didYouMean(ref.name, names)}`, m.node.path, ref.line, ref.col));
    }
  }
  for (const s of m.sources) {
    const id = sourceIds.get(`${s.source}.${s.table}`);
    if (id) add(id);
    else {
      diagnostics.push(error(`source "${s.source}.${s.table}" is not declared in any schema YAML${didYouMean(`${s.source}.${s.table}`, sourceIds.keys())}`, m.node.path, s.line, s.col));
    }
  }
  m.node.dependsOn = deps.sort();
}

/** The project's macros; `parse` gives a macro file's definitions, from the build cache when it can. */
export function loadMacros(paths: readonly string[], parse: (p: string) => MacroFile, diagnostics: Diagnostic[]): Map<string, MacroDef> {
  const macros = new Map<string, MacroDef>();
  for (const path of paths) {
    const { macros: defs, diagnostics: ds } = parse(path);
    diagnostics.push(...ds);
    for (const def of defs) {
      const existing = macros.get(def.name);
      if (existing) {
        diagnostics.push(error(`macro "${def.name}" is defined twice: ${existing.file}:${existing.line} and here — rename one`, def.file, def.line, def.col));
        continue;
      }
      if (['ref', 'source', 'config', 'var', 'env_var', 'if', 'unless', 'each', 'with', 'lookup', 'log', 'macro', 'test'].includes(def.name)) {
        diagnostics.push(error(`macro name "${def.name}" is reserved for a built-in helper — rename the macro`, def.file, def.line, def.col));
        continue;
      }
      macros.set(def.name, def);
    }
  }
  diagnostics.push(...analyzeMacros(macros));
  return macros;
}

function loadSchemaFiles(paths: readonly string[], read: (p: string) => string, diagnostics: Diagnostic[]): { resources: ResourceSpec[]; sources: SourceSpec[] } {
  const resources: ResourceSpec[] = [];
  const sources: SourceSpec[] = [];
  for (const path of paths) {
    const { yaml, diagnostics: parseDs } = parseYamlFile(path, read(path));
    diagnostics.push(...parseDs);
    if (!yaml) continue;
    const { schema, diagnostics: ds } = readSchemaFile(yaml, (name) => name);
    diagnostics.push(...ds);
    resources.push(...schema.resources);
    sources.push(...schema.sources);
  }
  const seen = new Map<string, ResourceSpec>();
  for (const r of resources) {
    const key = `${r.resourceType}:${r.name}`;
    const prev = seen.get(key);
    if (prev) diagnostics.push(error(`${r.resourceType} "${r.name}" is described twice: ${prev.file}:${prev.line} and here — merge the two entries`, r.file, r.line, r.col));
    else seen.set(key, r);
  }
  return { resources, sources };
}
