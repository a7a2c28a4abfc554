import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

export function writeJson(file: string, value: unknown, pretty = true): void {
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, (pretty ? JSON.stringify(value, null, 2) : JSON.stringify(value)) + '\n');
}

export function writeText(file: string, text: string): void {
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, text);
}

/** Writes only when the content differs: rewriting thousands of unchanged files costs more than reading them. */
export function writeIfChanged(file: string, text: string, knownDirs: Set<string>): void {
  const dir = dirname(file);
  if (!knownDirs.has(dir)) {
    mkdirSync(dir, { recursive: true });
    knownDirs.add(dir);
  }
  try {
    if (readFileSync(file, 'utf8') === text) return;
  } catch {
    // not there yet
  }
  writeFileSync(file, text);
}

/** target/compiled/<project>/<file>; a generic test, declared in YAML, gets <yaml path>/<test name>.sql as dbt does. */
export function compiledFileFor(targetDir: string, projectName: string, node: { path: string; name: string; testType?: string }): string {
  const file = node.testType === 'generic' ? `${node.path}/${node.name}.sql` : node.path;
  return join(targetDir, 'compiled', projectName, file);
}
