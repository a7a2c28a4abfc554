import { mkdtempSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempFolders } from '../test-support/project.js';
import { ManifestEntries, patchManifest } from './manifest-entries.js';

const temp = tempFolders();
const HEAD = '{"nodes":{';
const A = '"model.p.a":{"sql":"é"}';
const B = '"model.p.b":{"sql":"b"}';

/** A target folder with a manifest of two entries and its index: a written under key k1, b under none. */
function written(scope = 's1'): string {
  const dir = temp.track(mkdtempSync(join(tmpdir(), 'modelrun-entries-')));
  writeFileSync(join(dir, 'manifest.json'), `${HEAD}${A},${B}}}\n`);
  ManifestEntries.write(dir, scope, HEAD.length, [
    { id: 'model.p.a', key: 'k1', bytes: Buffer.byteLength(A) },
    { id: 'model.p.b', key: undefined, bytes: Buffer.byteLength(B) },
  ]);
  return dir;
}

describe('manifest entries', () => {
  it('gives back the bytes of an entry written under the same compile key, and nothing else', () => {
    const entries = ManifestEntries.read(written(), 's1');
    const a = entries.reusable('model.p.a', 'k1')!;
    expect(entries.bytes(a).toString()).toBe(A);
    expect(entries.reusable('model.p.a', 'k2')).toBeUndefined();
    expect(entries.reusable('model.p.a', undefined)).toBeUndefined();
    expect(entries.reusable('model.p.b', '')).toBeUndefined();
  });

  it('holds nothing under another scope (global inputs or manifest code)', () => {
    expect(ManifestEntries.read(written(), 's2').reusable('model.p.a', 'k1')).toBeUndefined();
  });

  it('holds nothing once another command rewrote the manifest', () => {
    const dir = written();
    writeFileSync(join(dir, 'manifest.json'), `${HEAD}${B},${A}}}\n`);
    const later = Date.now() / 1000 + 5;
    utimesSync(join(dir, 'manifest.json'), later, later);
    expect(ManifestEntries.read(dir, 's1').reusable('model.p.a', 'k1')).toBeUndefined();
  });

  it('holds nothing without an index', () => {
    const dir = temp.track(mkdtempSync(join(tmpdir(), 'modelrun-entries-')));
    expect(ManifestEntries.read(dir, 's1').reusable('model.p.a', 'k1')).toBeUndefined();
  });
});

describe('patchManifest', () => {
  it('rewrites the entries asked for and the head, copies the rest, and indexes the new manifest under the same scope', () => {
    const dir = written();
    const patch = patchManifest(dir, new Map([['model.p.a', { key: 'k2', rewrite: (old: string) => old.replace('é', 'é, and more') }]]), (head) => `{"v":2,${head.slice(1)}`);
    patch!.write();
    const A2 = '"model.p.a":{"sql":"é, and more"}';
    expect(readFileSync(join(dir, 'manifest.json'), 'utf8')).toBe(`{"v":2,"nodes":{${A2},${B}}}\n`);
    const entries = ManifestEntries.read(dir, 's1');
    expect(entries.bytes(entries.reusable('model.p.a', 'k2')!).toString()).toBe(A2);
    expect(entries.reusable('model.p.a', 'k1')).toBeUndefined();
  });

  it('gives nothing for an entry written without a compile key, or not written at all', () => {
    const rewrite = { key: 'k', rewrite: (old: string) => old };
    expect(patchManifest(written(), new Map([['model.p.b', rewrite]]), (h) => h)).toBeUndefined();
    expect(patchManifest(written(), new Map([['model.p.c', rewrite]]), (h) => h)).toBeUndefined();
  });
});
