import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { overwriteFile } from '../artifacts/write.js';
import type { NodeConfig } from '../graph/nodes.js';
import type { MacroFile } from '../templating/macros.js';
import { CACHE_FILE, parseModelMeta, type CachedModel } from './build-cache.js';
import { optionalStamp } from './hash.js';
import { INDEX_FILE } from './manifest-entries.js';
import type { CompileReport } from './noop-record.js';
import { readText } from './read-text.js';

/** Where a seed's or source's relation is. */
export interface SnapshotRelation {
  schema: string;
  identifier: string;
  materialized: NodeConfig['materialized'];
}

/** A model's entry in schema YAML, as far as its parse reads it. */
export interface SnapshotSpec {
  config: Partial<NodeConfig>;
  description?: string;
}

/** What the last full compile knew of one SQL file (a model, or a singular test). */
export interface SnapshotFile {
  stamp: string;
  /** Its parse, as the build cache keeps it: the file's node follows from it (see sqlFileNode). */
  model: Omit<CachedModel, 'text'>;
  spec?: SnapshotSpec;
}

export interface SnapshotContents {
  /** Every input of the compile but the SQL files' stamps: project.yml, target, vars, options, global files, the list of files. */
  scope: string;
  /** Records appended to the build cache since it was last written whole. */
  appended: number;
  report: CompileReport;
  macroFiles: Record<string, MacroFile>;
  /** The project's SQL files, models then singular tests, as discovered: the stamp, the build cache's record in JSON (see BuildCache.modelMeta), the spec. */
  files: readonly { stamp: string; meta: string; spec?: SnapshotSpec }[];
  /** The relation of every seed and source, by id. */
  others: ReadonlyMap<string, SnapshotRelation>;
}

const FILE = 'modelrun_graph.tsv';
const HEADER = 'modelrun graph snapshot 2';
const OUTPUTS = ['manifest.json', INDEX_FILE, CACHE_FILE];

interface Decoded {
  report: CompileReport;
  macroFiles: Record<string, MacroFile>;
  others: Map<string, SnapshotRelation>;
}

/**
 * target/modelrun_graph.tsv: the last full compile's project graph, reduced to what a compile of
 * a few edited models needs (see compile/compile-edits.ts), so that it can do without loading
 * 10,000 models again. A line per SQL file, in discovery order, with the file's stamp and its
 * parse: only the lines of the files an edited file names are decoded.
 *
 * It holds while the scope (every input but the SQL files' contents) and the outputs it was
 * written with are unchanged. Each full compile writes it anew, or removes it when templates read
 * the clock or the environment.
 */
export class GraphSnapshot {
  private decodedContents?: Decoded;
  /** Where each SQL file's line starts in `body`, and, last, where the body ends. */
  private readonly starts: Int32Array;

  private constructor(
    private readonly projectName: string,
    private readonly scope: string,
    readonly appended: number,
    /** The second line, as written: the report, macro files and other relations, in JSON. */
    private readonly contents: string,
    /** A line per SQL file, each ended by a newline: looked into where needed, never split whole. */
    private readonly body: string,
  ) {
    const starts = [0];
    for (let at = body.indexOf('\n'); at >= 0; at = body.indexOf('\n', at + 1)) starts.push(at + 1);
    this.starts = Int32Array.from(starts);
  }

  /** The snapshot in `targetDir` if it was written under `scope` and the outputs are as it left them. */
  static read(targetDir: string, projectName: string, scope: string): GraphSnapshot | undefined {
    let text: string;
    try {
      text = readText(join(targetDir, FILE));
    } catch {
      return undefined;
    }
    const headerEnd = text.indexOf('\n');
    const contentsEnd = text.indexOf('\n', headerEnd + 1);
    const [header, scopeKey, outputs, appended, bodyLength] = text.slice(0, headerEnd).split('\t');
    if (header !== HEADER || scopeKey !== scope || contentsEnd < 0 || !text.endsWith('\n') || outputs !== outputsKey(targetDir, projectName)) return undefined;
    // The file is rewritten in place: one cut short, or a longer one torn by a crash midway, has another length.
    if (text.length - contentsEnd - 1 !== Number(bodyLength)) return undefined;
    return new GraphSnapshot(projectName, scope, Number(appended), text.slice(headerEnd + 1, contentsEnd), text.slice(contentsEnd + 1));
  }

  /** Written once everything else in target/ is: the snapshot holds for the outputs as they are now. */
  static write(targetDir: string, projectName: string, s: SnapshotContents): void {
    const contents = JSON.stringify({ report: s.report, macroFiles: s.macroFiles, others: [...s.others] });
    const body = s.files.map((f) => `${f.stamp}\t${f.meta}\t${f.spec ? JSON.stringify(f.spec) : ''}\n`).join('');
    save(targetDir, projectName, { scope: s.scope, appended: s.appended, contents }, [body]);
  }

  static remove(targetDir: string): void {
    rmSync(join(targetDir, FILE), { force: true });
  }

  /** Writes it again with new stamps for some files (by index), after a compile of those files changed the outputs. */
  restamp(targetDir: string, stamps: ReadonlyMap<number, string>, appended: number): void {
    const chunks: string[] = [];
    let copied = 0;
    for (const i of [...stamps.keys()].sort((a, b) => a - b)) {
      const start = this.starts[i]!;
      chunks.push(this.body.slice(copied, start), stamps.get(i)!);
      copied = this.body.indexOf('\t', start);
    }
    chunks.push(this.body.slice(copied));
    save(targetDir, this.projectName, { scope: this.scope, appended, contents: this.contents }, chunks);
  }

  private get decoded(): Decoded {
    if (!this.decodedContents) {
      const { report, macroFiles, others } = JSON.parse(this.contents) as Omit<Decoded, 'others'> & { others: [string, SnapshotRelation][] };
      this.decodedContents = { report, macroFiles, others: new Map(others) };
    }
    return this.decodedContents;
  }

  get report(): CompileReport {
    return this.decoded.report;
  }

  get macroFiles(): Record<string, MacroFile> {
    return this.decoded.macroFiles;
  }

  /** The relation of a seed or source. */
  other(id: string): SnapshotRelation | undefined {
    return this.decoded.others.get(id);
  }

  /** How many SQL files it knows: as many as there are now, since their paths are part of the scope. */
  get fileCount(): number {
    return this.starts.length - 1;
  }

  /** Whether SQL file `i` had this stamp: a look at the start of its line. */
  hasStamp(i: number, stamp: string): boolean {
    const start = this.starts[i]!;
    return this.body.startsWith(stamp, start) && this.body[start + stamp.length] === '\t';
  }

  file(i: number): SnapshotFile {
    const [stamp, meta, spec] = this.body.slice(this.starts[i], this.starts[i + 1]! - 1).split('\t') as [string, string, string];
    return { stamp, model: parseModelMeta(meta), spec: spec === '' ? undefined : (JSON.parse(spec) as SnapshotSpec) };
  }
}

/** Writes the snapshot file: its header, then the SQL files' lines in `body`'s chunks. */
function save(targetDir: string, projectName: string, head: { scope: string; appended: number; contents: string }, body: readonly string[]): void {
  const bodyLength = body.reduce((n, chunk) => n + chunk.length, 0);
  const header = `${HEADER}\t${head.scope}\t${outputsKey(targetDir, projectName)}\t${head.appended}\t${bodyLength}\n${head.contents}\n`;
  overwriteFile(join(targetDir, FILE), [header, ...body]);
}

/**
 * The stamps of what a compile leaves in target/ and the next one reads: the manifest and its
 * index, the build cache, the compiled folder. Another command that rewrites one of them (run,
 * build, docs generate) or a user who deletes it changes the key.
 */
export function outputsKey(targetDir: string, projectName: string): string {
  return [...OUTPUTS, join('compiled', projectName)].map((f) => optionalStamp(join(targetDir, f))).join(',');
}

/**
 * What the rest of the project sees of a SQL file's parse: its kind, configuration, description,
 * the names it references and whether it is volatile, and its warnings. While the shape of an
 * edited file is unchanged, so are the graph, every other node and their compiled SQL; only its
 * own SQL changes. Positions of refs are left out (an edit above a ref moves it), warnings keep
 * theirs (they are printed).
 */
export function shapeOf(m: Omit<CachedModel, 'text' | 'stamp'>): string {
  const refs = m.refs.map((r) => r.name);
  const sources = m.sources.map((s) => [s.source, s.table]);
  return JSON.stringify([m.kind, m.config, m.description ?? null, refs, sources, m.volatile, m.diagnostics]);
}
