import { createHash } from 'node:crypto';
import { readFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { writeJson } from '../artifacts/write.js';
import type { RefCall, SourceCall, GraphNode } from '../graph/nodes.js';
import type { MacroFile } from '../templating/macros.js';
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
  format: 2;
  globalKey: string;
  /** Parsed macro files: the global key covers their text, and reusing them spares loading Handlebars, whose parser block macros need. */
  macroFiles: Record<string, MacroFile>;
  models: Record<string, CachedModel>;
  compiled: Record<string, CachedCompile>;
}

const FILE = 'modelrun_cache.json';

export function readBuildCache(targetDir: string, globalKey: string): BuildCache {
  try {
    const cache = JSON.parse(readFileSync(join(targetDir, FILE), 'utf8')) as BuildCache;
    if (cache.format === 2 && cache.globalKey === globalKey) return cache;
  } catch {
    // no cache, or an unreadable one: start afresh
  }
  return { format: 2, globalKey, macroFiles: {}, models: {}, compiled: {} };
}

export function writeBuildCache(targetDir: string, cache: BuildCache): void {
  writeJson(join(targetDir, FILE), cache, false);
}

export function fileStamp(absPath: string): string {
  const s = statSync(absPath);
  return `${s.mtimeMs}:${s.size}`;
}

/**
 * A 64-bit hash (two 32-bit multiply-xorshift lanes, as in cyrb53) of the parts, each followed by
 * NUL: a tenth of sha1's cost on short keys computed for every node on every compile, and ample to
 * tell one set of inputs from another (these are not adversarial).
 */
export function quickHash(...parts: readonly string[]): string {
  const text = parts.join('\0') + '\0';
  let h1 = 0xdeadbeef;
  let h2 = 0x41c6ce57;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    h1 = Math.imul(h1 ^ c, 2654435761);
    h2 = Math.imul(h2 ^ c, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return (h2 >>> 0).toString(16).padStart(8, '0') + (h1 >>> 0).toString(16).padStart(8, '0');
}

/** sha1 of the parts, each followed by NUL; one update call, as the per-call cost dominates for short parts. */
export function hashOf(...parts: readonly string[]): string {
  return createHash('sha1').update(parts.join('\0') + '\0').digest('hex');
}

/**
 * target/modelrun_noop.json: the fingerprint of the last successful compile (see
 * projectFingerprint) and what it reported, so that a compile of an unchanged project only
 * checks file stamps and repeats that report, without reading the 10 MB build cache.
 */
export interface NoopRecord {
  key: string;
  /** Whether the key covers the warehouse file: is_incremental depends on it when incremental models exist. */
  warehouse: boolean;
  warnings: Diagnostic[];
  /** The "Found ..." line. */
  found: string;
  /** The "Compiled N nodes to dir" line, without its time. */
  compiledTo: string;
}

const NOOP_FILE = 'modelrun_noop.json';

export function readNoopRecord(targetDir: string): NoopRecord | undefined {
  try {
    return JSON.parse(readFileSync(join(targetDir, NOOP_FILE), 'utf8')) as NoopRecord;
  } catch {
    return undefined;
  }
}

export function writeNoopRecord(targetDir: string, record: NoopRecord): void {
  writeJson(join(targetDir, NOOP_FILE), record, false);
}

/** Deleted before anything else in target/ changes, so a record never outlives the outputs it describes. */
export function removeNoopRecord(targetDir: string): void {
  rmSync(join(targetDir, NOOP_FILE), { force: true });
}

/** A file's stamp, or "-" when it does not exist: the key of a file that may come and go. */
export function optionalStamp(absPath: string): string {
  try {
    return fileStamp(absPath);
  } catch {
    return '-';
  }
}
