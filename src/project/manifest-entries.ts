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

const INDEX_FILE = 'modelrun_manifest_index.tsv';
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

/** The header names the scope and the manifest's stamp: written after the manifest, read before it is replaced. */
function headerLine(targetDir: string, scope: string): string {
  return `${HEADER}\t${scope}\t${optionalStamp(join(targetDir, 'manifest.json'))}`;
}
