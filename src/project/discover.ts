import { readdirSync, realpathSync, statSync, type Dirent } from 'node:fs';
import { join } from 'node:path';
import type { ProjectConfig } from '../config/project.js';

/** Every file the project is made of, relative to the project directory, sorted. */
export interface ProjectFiles {
  models: string[];
  schemaFiles: string[];
  seeds: string[];
  singularTests: string[];
  macros: string[];
}

export function discoverFiles(project: ProjectConfig): ProjectFiles {
  const find = (roots: readonly string[], extensions: readonly string[], exclude: ReadonlySet<string> = new Set()) => {
    const found = new Set<string>();
    for (const root of roots) filesUnder(project.dir, trimSlash(root), extensions, exclude, found);
    return [...found].sort();
  };
  const genericTestDirs = new Set(project.testPaths.map((t) => `${trimSlash(t)}/generic`));
  return {
    models: find(project.modelPaths, ['.sql']),
    schemaFiles: find([...project.modelPaths, ...project.seedPaths, ...project.macroPaths, ...project.testPaths], ['.yml', '.yaml']),
    seeds: find(project.seedPaths, ['.csv']),
    singularTests: find(project.testPaths, ['.sql'], genericTestDirs),
    macros: find([...project.macroPaths, ...genericTestDirs], ['.sql']),
  };
}

/**
 * Adds to `found` the files below `root` whose names end with one of `extensions`, as the glob
 * `root/**\/*.ext` finds them: hidden entries, node_modules and the `exclude` folders left out,
 * symbolic links followed (each linked folder once, so a link to an ancestor cannot loop).
 * A hand-written walk: a fraction of fast-glob's cost, which a compile pays on every run.
 */
function filesUnder(dir: string, root: string, extensions: readonly string[], exclude: ReadonlySet<string>, found: Set<string>): void {
  const linked = new Set<string>();
  const visit = (folder: string) => {
    let entries: Dirent[];
    try {
      entries = readdirSync(join(dir, folder), { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries) {
      if (e.name.startsWith('.')) continue;
      const path = `${folder}/${e.name}`;
      const kind = e.isSymbolicLink() ? linkKind(join(dir, path), linked) : e.isDirectory() ? 'folder' : e.isFile() ? 'file' : undefined;
      if (kind === 'folder' && e.name !== 'node_modules' && !exclude.has(path)) visit(path);
      else if (kind === 'file' && extensions.some((x) => e.name.endsWith(x))) found.add(path);
    }
  };
  visit(root);
}

/** What a symbolic link points to; a folder already reached through a link counts as nothing. */
function linkKind(absPath: string, linked: Set<string>): 'folder' | 'file' | undefined {
  try {
    const stat = statSync(absPath);
    if (stat.isFile()) return 'file';
    if (!stat.isDirectory()) return undefined;
    const real = realpathSync(absPath);
    if (linked.has(real)) return undefined;
    linked.add(real);
    return 'folder';
  } catch {
    return undefined;
  }
}

/** Runs for every node; the roots are few, so their trimmed forms are kept. */
const trimmed = new Map<string, string>();

function trimSlash(p: string): string {
  return trimmed.get(p) ?? trimmed.set(p, p.replace(/^\.\//, '').replace(/\/+$/, '')).get(p)!;
}

/** Folders between the resource root and the file, e.g. models/staging/a/x.sql → ['staging', 'a']. */
export function foldersBelowRoot(path: string, roots: readonly string[]): string[] {
  let rest = path;
  for (const r of roots) {
    const root = trimSlash(r);
    if (path.length > root.length && path[root.length] === '/' && path.startsWith(root)) {
      rest = path.slice(root.length + 1);
      break;
    }
  }
  const folders = rest.split('/');
  folders.pop();
  return folders;
}

export function baseName(path: string): string {
  const file = path.slice(path.lastIndexOf('/') + 1);
  return file.replace(/\.[^.]+$/, '');
}
