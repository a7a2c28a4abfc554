import { createHash } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { writeJson } from '../artifacts/write.js';
import type { RefCall, SourceCall, GraphNode } from '../graph/nodes.js';
import type { Diagnostic } from '../util/diagnostics.js';

/**
 * target/modelrun_cache.json: what parsing and compiling produced last time, so an unchanged
 * project compiles without reading, parsing or rendering its models again. Model parses are
 * reused while the file's mtime and size and everything global (project.yml, the target, vars,
 * schema YAML, macros, modelrun's version) are unchanged; compiled SQL while its key (see
 * compile/compile-cache.ts) is unchanged.
 */
export interface CachedModel {
  stamp: string;
  text: string;
  node: GraphNode;
  refs: RefCall[];
  sources: SourceCall[];
  volatile: boolean;
  diagnostics: Diagnostic[];
}

export interface CachedCompile {
  key: string;
  sql: string;
  /** Only when it differs from `sql` (ephemeral models were inlined). */
  rendered?: string;
  ephemerals: string[];
  isIncremental: boolean;
}

export interface BuildCache {
  format: 1;
  globalKey: string;
  models: Record<string, CachedModel>;
  compiled: Record<string, CachedCompile>;
}

const FILE = 'modelrun_cache.json';

export function readBuildCache(targetDir: string, globalKey: string): BuildCache {
  try {
    const cache = JSON.parse(readFileSync(join(targetDir, FILE), 'utf8')) as BuildCache;
    if (cache.format === 1 && cache.globalKey === globalKey) return cache;
  } catch {
    // no cache, or an unreadable one: start afresh
  }
  return { format: 1, globalKey, models: {}, compiled: {} };
}

export function writeBuildCache(targetDir: string, cache: BuildCache): void {
  writeJson(join(targetDir, FILE), cache, false);
}

export function fileStamp(absPath: string): string {
  const s = statSync(absPath);
  return `${s.mtimeMs}:${s.size}`;
}

export function hashOf(...parts: readonly string[]): string {
  const h = createHash('sha1');
  for (const p of parts) h.update(p).update('\0');
  return h.digest('hex');
}
