import { readFileSync } from 'node:fs';
import { overwriteFile } from '../artifacts/write.js';
import { join } from 'node:path';
import { optionalStamp } from './hash.js';
import { jsonStringValue } from './json-text.js';
import { readText } from './read-text.js';

/** Where a node's entry in manifest.json's nodes, `"<id>":{...}`, sits: from byte `start` to `end`. */
export interface EntryRange {
  start: number;
  end: number;
}

/** A node's entry as written: its compile key (none: it cannot be reused) and its length in bytes. */
export interface WrittenEntry {
  id: string;
  key: string | undefined;
  bytes: number;
}

export const INDEX_FILE = 'modelrun_manifest_index.tsv';
const HEADER = 'modelrun manifest index 1';

/**
 * The node entries of the last manifest.json, found through target/modelrun_manifest_index.tsv:
 * each entry's compile key and length, in the manifest's order. An entry is copied, as bytes, into
 * the next manifest while its node's compile key is unchanged, instead of being built again: the
 * key fixes the node's file, configuration, parents and compiled SQL, `scope` everything global
 * (the build cache's global key and the manifest code). The index holds only for the manifest it
 * was written with (its stamp), so a manifest that another command rewrote is not copied from.
 */
export class ManifestEntries {
  private constructor(
    private readonly manifest: Buffer,
    private readonly entries: ReadonlyMap<string, EntryRange & { key: string }>,
  ) {}

  static none(): ManifestEntries {
    return new ManifestEntries(Buffer.alloc(0), new Map());
  }

  static read(targetDir: string, scope: string): ManifestEntries {
    try {
      return ManifestEntries.parse(targetDir, scope) ?? ManifestEntries.none();
    } catch {
      return ManifestEntries.none();
    }
  }

  /** Where the entry last written for `id` sits, if it was written under the same compile key. */
  reusable(id: string, key: string | undefined): EntryRange | undefined {
    const found = key === undefined ? undefined : this.entries.get(id);
    return found !== undefined && found.key === key ? found : undefined;
  }

  /** Bytes of the last manifest: an entry, or a run of entries with the commas between them. */
  bytes(range: EntryRange): Buffer {
    return this.manifest.subarray(range.start, range.end);
  }

  /** Records the entries of the manifest just written: joined by commas from byte `start` on. */
  static write(targetDir: string, scope: string, start: number, entries: readonly WrittenEntry[]): void {
    const lines = entries.map((e) => `${e.key ?? ''}\t${e.bytes}\t${JSON.stringify(e.id)}\n`);
    overwriteFile(join(targetDir, INDEX_FILE), [`${headerLine(targetDir, scope)}\t${start}\n${lines.join('')}`]);
  }

  private static parse(targetDir: string, scope: string): ManifestEntries | undefined {
    const index = readText(join(targetDir, INDEX_FILE));
    const headerEnd = index.indexOf('\n');
    const header = headerLine(targetDir, scope);
    if (!index.startsWith(`${header}\t`) || headerEnd === -1 || !index.endsWith('\n')) return undefined;
    const manifest = readFileSync(join(targetDir, 'manifest.json'));
    const entries = new Map<string, EntryRange & { key: string }>();
    for (const l of indexLines(index, headerEnd, Number(index.slice(header.length + 1, headerEnd)))) {
      // An entry starts with its id (compared as latin1: an id beyond ASCII only costs the reuse).
      if (manifest.toString('latin1', l.start, l.start + l.idJson.length + 2) !== `${l.idJson}:{`) return undefined;
      if (l.key !== '') entries.set(jsonStringValue(l.idJson), { key: l.key, start: l.start, end: l.end });
    }
    return new ManifestEntries(manifest, entries);
  }
}

/** An entry to write anew, in place of the one the last manifest holds: its new compile key and text. */
export interface EntryEdit {
  key: string;
  rewrite: (old: string) => string;
}

/** A manifest.json and its index, both ready to be written over the last ones. */
export interface ManifestPatch {
  write(): void;
}

/**
 * The last manifest with the entries of `edits` rewritten and its head (what comes before the
 * first entry) passed through `head`, copied around them byte for byte; and its index, which
 * keeps its scope: the caller knows that nothing but these entries changed. None when the index
 * does not describe the manifest, or an entry to rewrite is not in it with a compile key.
 */
export function patchManifest(targetDir: string, edits: ReadonlyMap<string, EntryEdit>, head: (old: string) => string): ManifestPatch | undefined {
  const manifestFile = join(targetDir, 'manifest.json');
  const indexFile = join(targetDir, INDEX_FILE);
  let index: string;
  let manifest: Buffer;
  try {
    index = readText(indexFile);
    manifest = readFileSync(manifestFile);
  } catch {
    return undefined;
  }
  const headerEnd = index.indexOf('\n');
  const [header, scope, stamp, start] = index.slice(0, headerEnd).split('\t');
  if (header !== HEADER || stamp !== optionalStamp(manifestFile) || !index.endsWith('\n')) return undefined;
  const chunks: (string | Buffer)[] = [head(manifest.toString('utf8', 0, Number(start)))];
  const lines: string[] = [];
  let copiedFrom = Number(start);
  let linesFrom = headerEnd + 1;
  let found = 0;
  for (const l of indexLines(index, headerEnd, copiedFrom)) {
    const edit = edits.get(jsonStringValue(l.idJson));
    if (!edit) continue;
    if (l.key === '') return undefined;
    const text = edit.rewrite(manifest.toString('utf8', l.start, l.end));
    chunks.push(manifest.subarray(copiedFrom, l.start), text);
    lines.push(index.slice(linesFrom, l.lineStart), `${edit.key}\t${Buffer.byteLength(text)}\t${l.idJson}\n`);
    copiedFrom = l.end;
    linesFrom = l.lineEnd + 1;
    found++;
  }
  if (found !== edits.size) return undefined;
  chunks.push(manifest.subarray(copiedFrom));
  lines.push(index.slice(linesFrom));
  return {
    write: () => {
      overwriteFile(manifestFile, chunks);
      const newStart = Buffer.byteLength(chunks[0] as string);
      overwriteFile(indexFile, [`${HEADER}\t${scope}\t${optionalStamp(manifestFile)}\t${newStart}\n`, ...lines]);
    },
  };
}

/** A line of the index: an entry's compile key ('' for none) and id (a JSON literal), where the entry sits in the manifest, where the line sits in the index. */
interface IndexLine {
  key: string;
  idJson: string;
  start: number;
  end: number;
  lineStart: number;
  lineEnd: number;
}

/** The lines of an index whose header ends at `headerEnd`, for a manifest whose entries, joined by commas, begin at byte `start`. */
function* indexLines(index: string, headerEnd: number, start: number): Generator<IndexLine> {
  let at = start;
  for (let lineStart = headerEnd + 1; lineStart < index.length; ) {
    const keyEnd = index.indexOf('\t', lineStart);
    const lengthEnd = index.indexOf('\t', keyEnd + 1);
    const lineEnd = index.indexOf('\n', lengthEnd);
    const end = at + Number(index.slice(keyEnd + 1, lengthEnd));
    yield { key: index.slice(lineStart, keyEnd), idJson: index.slice(lengthEnd + 1, lineEnd), start: at, end, lineStart, lineEnd };
    at = end + 1;
    lineStart = lineEnd + 1;
  }
}

/** The header names the scope and the manifest's stamp: written after the manifest, read before it is replaced. */
function headerLine(targetDir: string, scope: string): string {
  return `${HEADER}\t${scope}\t${optionalStamp(join(targetDir, 'manifest.json'))}`;
}
