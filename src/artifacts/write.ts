import { closeSync, constants, ftruncateSync, mkdirSync, openSync, readFileSync, writeFileSync, writeSync } from 'node:fs';
import { dirname, join } from 'node:path';

export function writeJson(file: string, value: unknown, pretty = true): void {
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, (pretty ? JSON.stringify(value, null, 2) : JSON.stringify(value)) + '\n');
}

export function writeText(file: string, text: string): void {
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, text);
}

/**
 * Replaces a file's content with `chunks`, one after the other, by writing over it, then cutting
 * it to the new length, instead of emptying it first: on a disk mounted with `discard` (as this
 * VM's is), freeing a 12 MB file's blocks before writing it again costs 20-30 ms; writing over
 * them, 5. Chunks are written as they come, not joined first.
 */
export function overwriteFile(file: string, chunks: readonly (string | Uint8Array)[]): void {
  mkdirSync(dirname(file), { recursive: true });
  const fd = openSync(file, constants.O_WRONLY | constants.O_CREAT);
  try {
    let at = 0;
    for (const chunk of chunks) {
      const bytes = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
      for (let done = 0; done < bytes.length; ) done += writeSync(fd, bytes, done, bytes.length - done, at + done);
      at += bytes.length;
    }
    ftruncateSync(fd, at);
  } finally {
    closeSync(fd);
  }
}

/**
 * Writes only when the content differs: rewriting thousands of unchanged files costs more than reading them.
 * `dirs` remembers each folder seen, and whether this run created it: a file in a new folder cannot exist yet, so it is not read.
 */
export function writeIfChanged(file: string, text: string, dirs: Map<string, 'created' | 'existing'>): void {
  const dir = dirname(file);
  let state = dirs.get(dir);
  if (state === undefined) {
    // mkdirSync returns the first folder it made, so a result means `dir` itself is new.
    state = mkdirSync(dir, { recursive: true }) === undefined ? 'existing' : 'created';
    dirs.set(dir, state);
  }
  if (state === 'existing') {
    try {
      if (readFileSync(file, 'utf8') === text) return;
    } catch {
      // not there yet
    }
  }
  writeFileSync(file, text);
}

/** target/compiled/<project>/<file>; a generic test, declared in YAML, gets <yaml path>/<test name>.sql as dbt does. */
export function compiledFileFor(targetDir: string, projectName: string, node: { path: string; name: string; testType?: string }): string {
  const file = node.testType === 'generic' ? `${node.path}/${node.name}.sql` : node.path;
  return join(targetDir, 'compiled', projectName, file);
}
