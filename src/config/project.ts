import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { error, warning, type Diagnostic } from '../util/diagnostics.js';
import { didYouMean } from '../util/suggest.js';
import { isConfigKey, knownConfigKeys, validateConfig, type ConfigTarget, type PartialConfig } from './node-config.js';
import { isRecord, parseYamlFile, type YamlFile, type YamlPath } from './yaml-file.js';

/** Folder-level configuration from project.yml: `+key` settings at each level of the folder tree. */
export interface FolderConfig {
  config: PartialConfig;
  children: Record<string, FolderConfig>;
}

export interface ProjectConfig {
  dir: string;
  /** project.yml, relative to dir. */
  file: string;
  name: string;
  profile: string;
  modelPaths: string[];
  seedPaths: string[];
  testPaths: string[];
  macroPaths: string[];
  targetPath: string;
  cleanTargets: string[];
  vars: Record<string, unknown>;
  models: FolderConfig;
  seeds: FolderConfig;
  dataTests: FolderConfig;
  sources: FolderConfig;
}

export const PROJECT_FILES = ['project.yml', 'dbt_project.yml'];

const TOP_LEVEL_KEYS = [
  'name', 'version', 'config-version', 'profile', 'model-paths', 'seed-paths', 'test-paths', 'macro-paths',
  'analysis-paths', 'snapshot-paths', 'docs-paths', 'asset-paths', 'target-path', 'log-path', 'packages-install-path',
  'clean-targets', 'vars', 'models', 'seeds', 'data_tests', 'tests', 'sources', 'snapshots', 'require-dbt-version',
  'on-run-start', 'on-run-end', 'quoting', 'flags', 'query-comment', 'dispatch', 'restrict-access',
];

const FOLDER_SECTIONS: [key: string, target: ConfigTarget][] = [
  ['models', 'model'], ['seeds', 'seed'], ['data_tests', 'test'], ['tests', 'test'], ['sources', 'source'],
];

export function findProjectFile(dir: string): string | undefined {
  return PROJECT_FILES.find((f) => existsSync(join(dir, f)));
}

export function loadProject(dir: string): { project?: ProjectConfig; diagnostics: Diagnostic[] } {
  const file = findProjectFile(dir);
  if (!file) {
    return { diagnostics: [error(`no project.yml in ${dir} — run modelrun from a project folder or pass --project-dir`)] };
  }
  const parsed = parseYamlFile(file, readFileSync(join(dir, file), 'utf8'));
  if (!parsed.yaml) return { diagnostics: parsed.diagnostics };
  return readProject(dir, parsed.yaml);
}

function readProject(dir: string, yaml: YamlFile): { project?: ProjectConfig; diagnostics: Diagnostic[] } {
  const diagnostics: Diagnostic[] = [];
  const at = (path: YamlPath) => ({ file: yaml.file, ...yaml.locate(path) });
  const fail = (path: YamlPath, message: string) => {
    const l = at(path);
    diagnostics.push(error(message, l.file, l.line, l.col));
  };
  const raw = yaml.value;
  if (!isRecord(raw)) {
    fail([], 'project.yml must be a mapping with at least `name:`');
    return { diagnostics };
  }
  for (const key of Object.keys(raw)) {
    if (!TOP_LEVEL_KEYS.includes(key)) {
      const l = at([key]);
      diagnostics.push(warning(`unknown key "${key}" in project.yml${didYouMean(key, TOP_LEVEL_KEYS)} (ignored)`, l.file, l.line, l.col));
    }
  }
  const name = raw.name;
  if (typeof name !== 'string' || !/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) {
    fail(name === undefined ? [] : ['name'], 'project.yml needs `name:` made of letters, digits and underscores, e.g. `name: my_project`');
    return { diagnostics };
  }
  const paths = (key: string, fallback: string[]): string[] => {
    const v = raw[key];
    if (v === undefined) return fallback;
    if (Array.isArray(v) && v.every((p) => typeof p === 'string')) return v;
    fail([key], `"${key}" must be a list of folders, e.g. [${fallback.join(', ')}]`);
    return fallback;
  };
  const targetPath = typeof raw['target-path'] === 'string' ? raw['target-path'] : 'target';
  let vars: Record<string, unknown> = {};
  if (raw.vars !== undefined) {
    if (isRecord(raw.vars)) vars = flattenProjectVars(raw.vars, name);
    else fail(['vars'], '"vars" must be a mapping of names to values');
  }
  const profile = raw.profile === undefined ? name : raw.profile;
  if (typeof profile !== 'string') fail(['profile'], '"profile" must be the name of a profile in profiles.yml');
  const sections = Object.fromEntries(
    FOLDER_SECTIONS.map(([key, target]) => [key, readFolderSection(yaml, raw[key], [key], name, target, diagnostics)]),
  );
  const project: ProjectConfig = {
    dir,
    file: yaml.file,
    name,
    profile: typeof profile === 'string' ? profile : name,
    modelPaths: paths('model-paths', ['models']),
    seedPaths: paths('seed-paths', ['seeds']),
    testPaths: paths('test-paths', ['tests']),
    macroPaths: paths('macro-paths', ['macros']),
    targetPath,
    cleanTargets: paths('clean-targets', [targetPath]),
    vars,
    models: sections.models!,
    seeds: sections.seeds!,
    dataTests: mergeFolders(sections.tests!, sections.data_tests!),
    sources: sections.sources!,
  };
  return { project, diagnostics };
}

/** dbt lets vars be scoped by project name; ours is the only project, so its scope is merged in. */
function flattenProjectVars(vars: Record<string, unknown>, projectName: string): Record<string, unknown> {
  const { [projectName]: scoped, ...global } = vars;
  return isRecord(scoped) ? { ...global, ...scoped } : vars;
}

function readFolderSection(yaml: YamlFile, raw: unknown, path: YamlPath, projectName: string, target: ConfigTarget, diagnostics: Diagnostic[]): FolderConfig {
  const root: FolderConfig = { config: {}, children: {} };
  if (raw === undefined || raw === null) return root;
  if (!isRecord(raw)) {
    const l = yaml.locate(path);
    diagnostics.push(error(`"${path[0]}" must be a mapping, e.g. ${path[0]}: { ${projectName}: { +enabled: true } }`, yaml.file, l.line, l.col));
    return root;
  }
  const top = readFolder(yaml, raw, path, target, diagnostics, (key) => key === projectName);
  for (const [key, child] of Object.entries(top.children)) {
    if (key !== projectName) {
      const l = yaml.locate([...path, key]);
      diagnostics.push(warning(`"${key}" under ${path[0]}: is not this project's name${didYouMean(key, [projectName])}; its settings are ignored`, yaml.file, l.line, l.col));
      continue;
    }
    root.children = child.children;
    root.config = { ...top.config, ...child.config };
  }
  if (!(projectName in top.children)) root.config = top.config;
  return root;
}

/** `+key` is always config; a bare key is config when it names one (dbt's rule), otherwise a sub-folder. */
function readFolder(yaml: YamlFile, raw: Record<string, unknown>, path: YamlPath, target: ConfigTarget, diagnostics: Diagnostic[], isFolder: (key: string) => boolean = () => false): FolderConfig {
  const configRaw: Record<string, unknown> = {};
  const keyPath: Record<string, YamlPath> = {};
  const children: Record<string, FolderConfig> = {};
  for (const [key, value] of Object.entries(raw)) {
    const name = key.startsWith('+') ? key.slice(1) : key;
    if (key.startsWith('+') || (!isFolder(key) && isConfigKey(target, key) && !isRecord(value))) {
      configRaw[name] = value;
      keyPath[name] = [...path, key];
    } else if (isRecord(value)) {
      children[key] = readFolder(yaml, value, [...path, key], target, diagnostics);
    } else if (value !== null) {
      const l = yaml.locate([...path, key]);
      diagnostics.push(warning(`"${key}" is neither a folder nor a ${target} config — write "+${key}" for a config${didYouMean(key, knownConfigKeys(target))}`, yaml.file, l.line, l.col));
    }
  }
  const { config, diagnostics: ds } = validateConfig(configRaw, target, (key) => ({ file: yaml.file, ...yaml.locate(keyPath[key] ?? path) }));
  diagnostics.push(...ds);
  return { config, children };
}

function mergeFolders(a: FolderConfig, b: FolderConfig): FolderConfig {
  const children: Record<string, FolderConfig> = { ...a.children };
  for (const [k, v] of Object.entries(b.children)) children[k] = children[k] ? mergeFolders(children[k]!, v) : v;
  return { config: { ...a.config, ...b.config }, children };
}

/** The folder layers that apply to a node at `fqnPath` (folders below the resource root, then the node name), outermost first. */
export function folderLayers(root: FolderConfig, fqnPath: readonly string[]): PartialConfig[] {
  const layers = [root.config];
  let node = root;
  for (const part of fqnPath) {
    const next = node.children[part];
    if (!next) break;
    layers.push(next.config);
    node = next;
  }
  return layers;
}
