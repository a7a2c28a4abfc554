import { appendFileSync, mkdirSync, rmSync } from 'node:fs';
import { overwriteFile } from '../artifacts/write.js';
import { join } from 'node:path';
import type { NodeConfig, RefCall, SourceCall } from '../graph/nodes.js';
import type { MacroFile } from '../templating/macros.js';
import type { Diagnostic } from '../util/diagnostics.js';
import { JsonText, jsonStringValue } from './json-text.js';
import { readText } from './read-text.js';

/**
 * What parsing a model (or singular test) file gave, reused while its stamp and the global key
 * are unchanged: its node follows from these (see sqlFileNode), so the cache does not repeat it.
 */
export interface CachedModel {
  stamp: string;
  text: JsonText;
  kind: 'model' | 'test';
  config: NodeConfig;
  description?: string;
  refs: RefCall[];
  sources: SourceCall[];
  volatile: boolean;
  diagnostics: Diagnostic[];
}

/** A node's compiled SQL, reused while its compile key (see compile/compile.ts) is unchanged. */
export interface CachedCompile {
  key: string;
  sql: JsonText;
  /** Only when it differs from `sql` (ephemeral models were inlined). */
  rendered?: JsonText;
  ephemerals: string[];
}

/** A model line's fields as one JSON array: shorter than an object, and quicker to read back. */
type ModelMeta = [path: string, stamp: string, kind: CachedModel['kind'], config: NodeConfig, description: string | null, refs: RefCall[], sources: SourceCall[], volatile: boolean, diagnostics: Diagnostic[]];

export const CACHE_FILE = 'modelrun_cache.tsv';
/** The JSON file format 2 used, removed when the cache is next written. */
const LEGACY_FILE = 'modelrun_cache.json';
const HEADER = 'modelrun build cache 4';
/** Appended records beyond this many per live record make the next write a compacting rewrite. */
const MAX_GARBAGE = 1;

/**
 * target/modelrun_cache.tsv: what parsing and compiling produced last time, so an unchanged
 * model is neither read, parsed nor rendered again. Model parses are reused while the file's
 * mtime and size and everything global (project.yml, the target, vars, schema YAML, macros,
 * modelrun's version: the global key) are unchanged; compiled SQL while its compile key is.
 *
 * One record a line, tab-separated JSON values: the header and global key, the parsed macro
 * files (H), then a line per model parse (M) and per compiled node (C). A text is written as its
 * JSON literal and read back undecoded (see JsonText). A compiled node's line keeps its id, key
 * and ephemeral models in fields of their own, read without JSON.parse when they need no decoding:
 * an edited compile compares 10,000 keys and reads little else. Records changed by a compile are appended,
 * a later line replacing an earlier one, so editing one model writes a few kilobytes; the file is
 * rewritten whole when the global key changes, a record goes away, or appended lines outnumber
 * the live ones.
 */
export class BuildCache {
  private readonly models = new Map<string, CachedModel>();
  /** Each model record's fields but its text, in JSON, as last read or written (see modelMeta). */
  private readonly metas = new Map<string, string>();
  /** A record still as read (its fields after the id) until something needs more than its key. */
  private readonly compiled = new Map<string, CachedCompile | string>();
  private macroFiles: Record<string, MacroFile> = {};
  private readonly appendedModels = new Set<string>();
  private readonly appendedCompiles = new Set<string>();
  private rewrite = true;
  private linesInFile = 0;

  private constructor(readonly globalKey: string) {}

  /** The cache in `targetDir` if it was made under `globalKey`; an empty one otherwise. */
  static read(targetDir: string, globalKey: string): BuildCache {
    const cache = new BuildCache(globalKey);
    let text: string;
    try {
      text = readText(join(targetDir, CACHE_FILE));
    } catch {
      return cache;
    }
    try {
      if (cache.load(text)) return cache;
    } catch {
      // an unreadable cache: start afresh
    }
    return new BuildCache(globalKey);
  }

  /** True when the cache no longer matches what is on disk and should be written again. */
  get changed(): boolean {
    return this.rewrite || this.appendedModels.size > 0 || this.appendedCompiles.size > 0;
  }

  macroFile(path: string): MacroFile | undefined {
    return this.macroFiles[path];
  }

  setMacroFile(path: string, file: MacroFile): void {
    this.macroFiles[path] = file;
    this.rewrite = true;
  }

  model(path: string): CachedModel | undefined {
    return this.models.get(path);
  }

  setModel(path: string, entry: CachedModel): void {
    this.models.set(path, entry);
    this.metas.delete(path);
    this.appendedModels.add(path);
  }

  /**
   * A model's record but its text, as the JSON the cache file holds: the graph snapshot copies
   * it, so that a compile that writes both encodes each record once (see parseModelMeta).
   */
  modelMeta(path: string): string {
    let meta = this.metas.get(path);
    if (meta === undefined) {
      meta = metaJson(path, this.models.get(path)!);
      this.metas.set(path, meta);
    }
    return meta;
  }

  /** Forgets the models whose files are gone (or no longer parse), and the SQL of nodes that are gone. */
  keep(paths: ReadonlySet<string>, nodeIds: ReadonlySet<string>): void {
    for (const path of this.models.keys()) {
      if (paths.has(path)) continue;
      this.models.delete(path);
      this.metas.delete(path);
      this.rewrite = true;
    }
    for (const id of this.compiled.keys()) {
      if (nodeIds.has(id)) continue;
      this.compiled.delete(id);
      this.rewrite = true;
    }
  }

  compiledNode(id: string): CachedCompile | undefined {
    const c = this.compiled.get(id);
    if (typeof c !== 'string') return c;
    const [key, ephemerals, sql, rendered] = c.split('\t') as [string, string, string, string];
    const entry: CachedCompile = { key, sql: JsonText.fromJson(sql), rendered: rendered ? JsonText.fromJson(rendered) : undefined, ephemerals: ephemerals ? (JSON.parse(ephemerals) as string[]) : [] };
    this.compiled.set(id, entry);
    return entry;
  }

  /** The compile key of a node's cached SQL: all that a compile reads of the nodes it does not render again. */
  compiledKey(id: string): string | undefined {
    const c = this.compiled.get(id);
    return typeof c === 'string' ? c.slice(0, c.indexOf('\t')) : c?.key;
  }

  setCompiled(id: string, entry: CachedCompile): void {
    this.compiled.set(id, entry);
    this.appendedCompiles.add(id);
  }

  write(targetDir: string): void {
    mkdirSync(targetDir, { recursive: true });
    const file = join(targetDir, CACHE_FILE);
    const live = this.models.size + this.compiled.size;
    const lines = this.linesInFile + this.appendedModels.size + this.appendedCompiles.size;
    if (this.rewrite || lines > live * (1 + MAX_GARBAGE)) {
      this.writeWhole(file);
      rmSync(join(targetDir, LEGACY_FILE), { force: true });
    } else if (this.changed) {
      appendFileSync(file, this.lines([...this.appendedModels], [...this.appendedCompiles]));
      this.linesInFile = lines;
    }
    this.appendedModels.clear();
    this.appendedCompiles.clear();
  }

  private writeWhole(file: string): void {
    const header = `${HEADER}\t${JSON.stringify(this.globalKey)}\nH\t${JSON.stringify(this.macroFiles)}\n`;
    overwriteFile(file, [header, this.lines([...this.models.keys()], [...this.compiled.keys()])]);
    this.linesInFile = this.models.size + this.compiled.size;
    this.rewrite = false;
  }

  /**
   * Appends records to the cache in `targetDir` without reading it, as a compile of a few edited
   * models does (see compile/compile-edits.ts): later lines replace earlier ones when it is read.
   */
  static append(targetDir: string, models: ReadonlyMap<string, CachedModel>, compiles: ReadonlyMap<string, CachedCompile>): void {
    const lines = [...[...models].map(([path, m]) => modelLine(path, m)), ...[...compiles].map(([id, c]) => compiledLine(id, c))];
    appendFileSync(join(targetDir, CACHE_FILE), lines.join(''));
  }

  private lines(paths: readonly string[], ids: readonly string[]): string {
    const out: string[] = [];
    for (const path of paths) out.push(`M\t${this.modelMeta(path)}\t${this.models.get(path)!.text.json}\n`);
    for (const id of ids) {
      const c = this.compiled.get(id)!;
      out.push(typeof c === 'string' ? `C\t${JSON.stringify(id)}\t${c}\n` : compiledLine(id, c));
    }
    return out.join('');
  }

  /** Fills the cache from a file's text; false when it was made under another key or its last write was cut short. */
  private load(text: string): boolean {
    const firstEnd = text.indexOf('\n');
    if (text.slice(0, firstEnd) !== `${HEADER}\t${JSON.stringify(this.globalKey)}` || !text.endsWith('\n')) return false;
    let lines = 0;
    for (let start = firstEnd + 1; start < text.length; ) {
      const end = text.indexOf('\n', start);
      const kind = text[start];
      const fieldsStart = start + 2;
      start = end + 1;
      if (kind === 'C') {
        const idEnd = text.indexOf('\t', fieldsStart);
        this.compiled.set(jsonStringValue(text.slice(fieldsStart, idEnd)), text.slice(idEnd + 1, end));
        lines++;
        continue;
      }
      const fields = text.slice(fieldsStart, end).split('\t');
      if (kind === 'H') {
        this.macroFiles = JSON.parse(fields[0]!) as Record<string, MacroFile>;
        continue;
      }
      lines++;
      if (kind === 'M') {
        const { path, ...model } = parseModelMeta(fields[0]!);
        this.models.set(path, { ...model, text: JsonText.fromJson(fields[1]!) });
        this.metas.set(path, fields[0]!);
      } else {
        return false;
      }
    }
    this.linesInFile = lines;
    this.rewrite = false;
    return true;
  }
}

function modelLine(path: string, m: CachedModel): string {
  return `M\t${metaJson(path, m)}\t${m.text.json}\n`;
}

function metaJson(path: string, m: CachedModel): string {
  const meta: ModelMeta = [path, m.stamp, m.kind, m.config, m.description ?? null, m.refs, m.sources, m.volatile, m.diagnostics];
  return JSON.stringify(meta);
}

/** A model record but its text, from its JSON (see BuildCache.modelMeta). */
export function parseModelMeta(json: string): Omit<CachedModel, 'text'> & { path: string } {
  const [path, stamp, kind, config, description, refs, sources, volatile, diagnostics] = JSON.parse(json) as ModelMeta;
  return { path, stamp, kind, config, description: description ?? undefined, refs, sources, volatile, diagnostics };
}

function compiledLine(id: string, c: CachedCompile): string {
  const ephemerals = c.ephemerals.length > 0 ? JSON.stringify(c.ephemerals) : '';
  return `C\t${JSON.stringify(id)}\t${c.key}\t${ephemerals}\t${c.sql.json}\t${c.rendered?.json ?? ''}\n`;
}
