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
const HEADER = 'modelrun graph snapshot 1';
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

  private constructor(
    private readonly projectName: string,
    private readonly scope: string,
    readonly appended: number,
    /** The second line, as written: the report, macro files and other relations, in JSON. */
    private readonly contents: string,
    private readonly lines: readonly string[],
  ) {}

  /** The snapshot in `targetDir` if it was written under `scope` and the outputs are as it left them. */
  static read(targetDir: string, projectName: string, scope: string): GraphSnapshot | undefined {
    let text: string;
    try {
      text = readText(join(targetDir, FILE));
    } catch {
      return undefined;
    }
    const lines = text.split('\n');
    const [header, scopeKey, outputs, appended] = lines[0]!.split('\t');
    if (header !== HEADER || scopeKey !== scope || outputs !== outputsKey(targetDir, projectName) || lines.pop() !== '') return undefined;
    return new GraphSnapshot(projectName, scope, Number(appended), lines[1]!, lines.slice(2));
  }

  /** Written once everything else in target/ is: the snapshot holds for the outputs as they are now. */
  static write(targetDir: string, projectName: string, s: SnapshotContents): void {
    const contents = JSON.stringify({ report: s.report, macroFiles: s.macroFiles, others: [...s.others] });
    const lines = s.files.map((f) => `${f.stamp}\t${f.meta}\t${f.spec ? JSON.stringify(f.spec) : ''}`);
    new GraphSnapshot(projectName, s.scope, s.appended, contents, lines).save(targetDir);
  }

  static remove(targetDir: string): void {
    rmSync(join(targetDir, FILE), { force: true });
  }

  /** Writes it again with new stamps for some files (by index), after a compile of those files changed the outputs. */
  restamp(targetDir: string, stamps: ReadonlyMap<number, string>, appended: number): void {
    const lines = this.lines.map((line, i) => {
      const stamp = stamps.get(i);
      return stamp === undefined ? line : stamp + line.slice(line.indexOf('\t'));
    });
    new GraphSnapshot(this.projectName, this.scope, appended, this.contents, lines).save(targetDir);
  }

  private save(targetDir: string): void {
    const header = `${HEADER}\t${this.scope}\t${outputsKey(targetDir, this.projectName)}\t${this.appended}\n${this.contents}\n`;
    overwriteFile(join(targetDir, FILE), [header, this.lines.join('\n'), this.lines.length > 0 ? '\n' : '']);
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
    return this.lines.length;
  }

  /** Whether SQL file `i` had this stamp: a look at the start of its line. */
  hasStamp(i: number, stamp: string): boolean {
    const line = this.lines[i]!;
    return line.length > stamp.length && line[stamp.length] === '\t' && line.startsWith(stamp);
  }

  file(i: number): SnapshotFile {
    const [stamp, meta, spec] = this.lines[i]!.split('\t') as [string, string, string];
    return { stamp, model: parseModelMeta(meta), spec: spec === '' ? undefined : (JSON.parse(spec) as SnapshotSpec) };
  }
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
