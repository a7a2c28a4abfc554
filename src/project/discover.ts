import fg from 'fast-glob';
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
  const roots = (paths: readonly string[]) => paths.map(trimSlash);
  const modelRoots = roots(project.modelPaths);
  const seedRoots = roots(project.seedPaths);
  const macroRoots = roots(project.macroPaths);
  const testRoots = roots(project.testPaths);
  const genericTestRoots = testRoots.map((t) => `${t}/generic`);
  // One walk of every resource folder (fast-glob, once), then each file sorted into its kinds.
  const all = fg
    .sync(
      [...new Set([...modelRoots, ...seedRoots, ...macroRoots, ...testRoots])].map((r) => `${r}/**/*.{sql,yml,yaml,csv}`),
      { cwd: project.dir, ignore: ['**/node_modules/**'], onlyFiles: true, dot: false, followSymbolicLinks: true },
    )
    .sort();
  const below = (path: string, rs: readonly string[]) => rs.some((r) => isBelow(path, r));
  const ofType = (ext: RegExp, rs: readonly string[], unless: readonly string[] = []) => all.filter((f) => ext.test(f) && below(f, rs) && !below(f, unless));
  return {
    models: ofType(/\.sql$/, modelRoots),
    schemaFiles: ofType(/\.ya?ml$/, [...modelRoots, ...seedRoots, ...macroRoots, ...testRoots]),
    seeds: ofType(/\.csv$/, seedRoots),
    singularTests: ofType(/\.sql$/, testRoots, genericTestRoots),
    macros: ofType(/\.sql$/, [...macroRoots, ...genericTestRoots]),
  };
}

/** Runs for every node; the roots are few, so their trimmed forms are kept. */
const trimmed = new Map<string, string>();

function trimSlash(p: string): string {
  return trimmed.get(p) ?? trimmed.set(p, p.replace(/^\.\//, '').replace(/\/+$/, '')).get(p)!;
}

/** Whether `path` is inside the folder `root` (both relative, trimmed): `root/…`, without building `root + '/'`. */
function isBelow(path: string, root: string): boolean {
  return path.length > root.length && path[root.length] === '/' && path.startsWith(root);
}

/** Folders between the resource root and the file, e.g. models/staging/a/x.sql → ['staging', 'a']. */
export function foldersBelowRoot(path: string, roots: readonly string[]): string[] {
  let rest = path;
  for (const r of roots) {
    const root = trimSlash(r);
    if (isBelow(path, root)) {
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
