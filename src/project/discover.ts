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
  const glob = (roots: string[], patterns: string[], ignore: string[] = []) =>
    fg
      .sync(roots.flatMap((root) => patterns.map((p) => `${trimSlash(root)}/${p}`)), {
        cwd: project.dir,
        ignore: ignore.concat(['**/node_modules/**']),
        onlyFiles: true,
        dot: false,
      })
      .sort();
  const genericTestDirs = project.testPaths.map((t) => `${trimSlash(t)}/generic/**`);
  return {
    models: glob(project.modelPaths, ['**/*.sql']),
    schemaFiles: glob([...project.modelPaths, ...project.seedPaths, ...project.macroPaths, ...project.testPaths], ['**/*.yml', '**/*.yaml']),
    seeds: glob(project.seedPaths, ['**/*.csv']),
    singularTests: glob(project.testPaths, ['**/*.sql'], genericTestDirs),
    macros: glob([...project.macroPaths, ...project.testPaths.map((t) => `${trimSlash(t)}/generic`)], ['**/*.sql']),
  };
}

function trimSlash(p: string): string {
  return p.replace(/^\.\//, '').replace(/\/+$/, '');
}

/** Folders between the resource root and the file, e.g. models/staging/a/x.sql → ['staging', 'a']. */
export function foldersBelowRoot(path: string, roots: readonly string[]): string[] {
  const root = roots.map(trimSlash).find((r) => path.startsWith(r + '/'));
  const rest = root ? path.slice(root.length + 1) : path;
  return rest.split('/').slice(0, -1);
}

export function baseName(path: string): string {
  const file = path.slice(path.lastIndexOf('/') + 1);
  return file.replace(/\.[^.]+$/, '');
}
