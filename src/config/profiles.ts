import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { isAbsolute, join, relative, resolve } from 'node:path';
import { error, warning, type Diagnostic } from '../util/diagnostics.js';
import { didYouMean } from '../util/suggest.js';
import { isRecord, parseYamlFile, type YamlFile } from './yaml-file.js';

export interface Target {
  profileName: string;
  name: string;
  type: 'duckdb';
  /** Absolute path of the warehouse file, or ":memory:". */
  path: string;
  schema: string;
  threads: number;
  settings: Record<string, string | number | boolean>;
  extensions: string[];
  /** profiles.yml that defined it. */
  file: string;
}

const OUTPUT_KEYS = ['type', 'path', 'schema', 'threads', 'settings', 'extensions', 'database'];

/** Where profiles.yml may be: the directory given by --profiles-dir alone (as in dbt, naming one is meant), else the project's, then ~/.modelrun. */
export function profileSearchDirs(projectDir: string, profilesDir?: string): string[] {
  return profilesDir ? [profilesDir] : [projectDir, join(homedir(), '.modelrun')];
}

/** Finds profiles.yml, picks the profile and target, and resolves paths against the project directory. */
export function loadTarget(opts: {
  projectDir: string;
  profilesDir?: string;
  profileName: string;
  targetName?: string;
  renderString: (text: string, file: string, line: number) => { value?: string; diagnostics: Diagnostic[] };
}): { target?: Target; diagnostics: Diagnostic[] } {
  const dirs = profileSearchDirs(opts.projectDir, opts.profilesDir);
  const dir = dirs.find((d) => existsSync(join(d, 'profiles.yml')));
  if (!dir && opts.profilesDir) {
    return { diagnostics: [error(`no profiles.yml in ${opts.profilesDir} (given by --profiles-dir) — point --profiles-dir at the directory that holds it, or leave it out to use the project's`)] };
  }
  if (!dir) {
    return { diagnostics: [error(`no profiles.yml found in ${dirs.join(', ')} — create one with a "${opts.profileName}" profile`)] };
  }
  const absFile = join(dir, 'profiles.yml');
  const shown = displayPath(opts.projectDir, absFile);
  const parsed = parseYamlFile(shown, readFileSync(absFile, 'utf8'));
  if (!parsed.yaml) return { diagnostics: parsed.diagnostics };
  return readTarget(parsed.yaml, opts);
}

function readTarget(yaml: YamlFile, opts: Parameters<typeof loadTarget>[0]): { target?: Target; diagnostics: Diagnostic[] } {
  const diagnostics: Diagnostic[] = [];
  const fail = (path: (string | number)[], message: string) => {
    const l = yaml.locate(path);
    diagnostics.push(error(message, yaml.file, l.line, l.col));
    return { diagnostics };
  };
  const root = isRecord(yaml.value) ? yaml.value : {};
  const profile = root[opts.profileName];
  if (!isRecord(profile)) {
    const near = didYouMean(opts.profileName, Object.keys(root));
    return fail([], `profile "${opts.profileName}" is not in ${yaml.file}${near || ' — add it, or set `profile:` in project.yml'}`);
  }
  const outputs = isRecord(profile.outputs) ? profile.outputs : {};
  const targetName = opts.targetName ?? (typeof profile.target === 'string' ? profile.target : Object.keys(outputs)[0]);
  if (targetName === undefined) return fail([opts.profileName], `profile "${opts.profileName}" has no outputs — add outputs: { dev: { type: duckdb, path: data/warehouse.duckdb } }`);
  const out = outputs[targetName];
  if (!isRecord(out)) {
    return fail([opts.profileName, 'outputs'], `target "${targetName}" is not defined in profile "${opts.profileName}"${didYouMean(targetName, Object.keys(outputs))} (targets: ${Object.keys(outputs).join(', ') || 'none'})`);
  }
  const base = [opts.profileName, 'outputs', targetName];
  const str = (key: string): string | undefined => {
    const v = out[key];
    if (v === undefined || v === null) return undefined;
    const line = yaml.locate([...base, key]).line;
    const rendered = opts.renderString(String(v), yaml.file, line);
    diagnostics.push(...rendered.diagnostics);
    return rendered.value;
  };
  for (const key of Object.keys(out)) {
    if (!OUTPUT_KEYS.includes(key)) {
      const l = yaml.locate([...base, key]);
      diagnostics.push(warning(`unknown target setting "${key}"${didYouMean(key, OUTPUT_KEYS)} (ignored)`, yaml.file, l.line, l.col));
    }
  }
  const type = str('type') ?? 'duckdb';
  if (type !== 'duckdb') fail([...base, 'type'], `target type "${type}" is not supported — modelrun runs on duckdb`);
  const rawPath = str('path') ?? ':memory:';
  const threadsText = str('threads') ?? '1';
  const threads = Number(threadsText);
  if (!Number.isInteger(threads) || threads < 1) fail([...base, 'threads'], `threads must be a whole number of at least 1 (got "${threadsText}")`);
  const schema = str('schema') ?? 'main';
  const settings = isRecord(out.settings) ? (out.settings as Target['settings']) : {};
  const extensions = Array.isArray(out.extensions) ? out.extensions.map(String) : [];
  if (diagnostics.some((d) => d.level === 'error')) return { diagnostics };
  return {
    target: {
      profileName: opts.profileName,
      name: targetName,
      type: 'duckdb',
      path: resolveWarehousePath(opts.projectDir, rawPath),
      schema,
      threads,
      settings,
      extensions,
      file: yaml.file,
    },
    diagnostics,
  };
}

export function resolveWarehousePath(projectDir: string, path: string): string {
  if (path === ':memory:' || path.startsWith(':memory:') || path.startsWith('md:')) return path;
  return isAbsolute(path) ? path : resolve(projectDir, path);
}

/** Paths inside the project are shown relative to it; others stay absolute. */
export function displayPath(projectDir: string, absPath: string): string {
  const rel = relative(projectDir, absPath);
  return rel.startsWith('..') || isAbsolute(rel) ? absPath : rel;
}
