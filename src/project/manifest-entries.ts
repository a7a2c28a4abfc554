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
    let at = Number(index.slice(header.length + 1, headerEnd));
    for (let line = headerEnd + 1; line < index.length; ) {
      const keyEnd = index.indexOf('\t', line);
      const lengthEnd = index.indexOf('\t', keyEnd + 1);
      const lineEnd = index.indexOf('\n', lengthEnd);
      const key = index.slice(line, keyEnd);
      const end = at + Number(index.slice(keyEnd + 1, lengthEnd));
      const idJson = index.slice(lengthEnd + 1, lineEnd);
      // An entry starts with its id (compared as latin1: an id beyond ASCII only costs the reuse).
      if (manifest.toString('latin1', at, at + idJson.length + 2) !== `${idJson}:{`) return undefined;
      if (key !== '') entries.set(jsonStringValue(idJson), { key, start: at, end });
      at = end + 1;
      line = lineEnd + 1;
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
  let at = copiedFrom;
  let lineStart = headerEnd + 1;
  let found = 0;
  for (let line = lineStart; line < index.length; ) {
    const keyEnd = index.indexOf('\t', line);
    const lengthEnd = index.indexOf('\t', keyEnd + 1);
    const lineEnd = index.indexOf('\n', lengthEnd);
    const end = at + Number(index.slice(keyEnd + 1, lengthEnd));
    const idJson = index.slice(lengthEnd + 1, lineEnd);
    const edit = edits.get(jsonStringValue(idJson));
    if (edit) {
      if (keyEnd === line) return undefined;
      const text = edit.rewrite(manifest.toString('utf8', at, end));
      chunks.push(manifest.subarray(copiedFrom, at), text);
      lines.push(index.slice(lineStart, line), `${edit.key}\t${Buffer.byteLength(text)}\t${idJson}\n`);
      copiedFrom = end;
      lineStart = lineEnd + 1;
      found++;
    }
    at = end + 1;
    line = lineEnd + 1;
  }
  if (found !== edits.size) return undefined;
  chunks.push(manifest.subarray(copiedFrom));
  lines.push(index.slice(lineStart));
  return {
    write: () => {
      overwriteFile(manifestFile, chunks);
      const newStart = Buffer.byteLength(chunks[0] as string);
      overwriteFile(indexFile, [`${HEADER}\t${scope}\t${optionalStamp(manifestFile)}\t${newStart}\n`, ...lines]);
    },
  };
}

/** The header names the scope and the manifest's stamp: written after the manifest, read before it is replaced. */
function headerLine(targetDir: string, scope: string): string {
  return `${HEADER}\t${scope}\t${optionalStamp(join(targetDir, 'manifest.json'))}`;
}
