import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempFolders } from '../test-support/project.js';

// The compiled module, whose worker is a .js file next to it (npm test builds it first).
const { FileWriter } = (await import(new URL('../../dist/artifacts/file-writer.js', import.meta.url).href)) as typeof import('./file-writer.js');
const temp = tempFolders();

describe('FileWriter', () => {
  it('writes many files on another thread, creating their folders, and leaves equal files alone', async () => {
    const dir = temp.project({});
    const writer = new FileWriter(1500);
    for (let i = 0; i < 1500; i++) writer.add(join(dir, 'out', `g${i % 7}`, `f${i}.sql`), `select ${i}\n`);
    await writer.close();
    expect(readdirSync(join(dir, 'out'))).toHaveLength(7);
    expect(readFileSync(join(dir, 'out', 'g3', 'f10.sql'), 'utf8')).toBe('select 10\n');

    const few = new FileWriter(2);
    few.add(join(dir, 'out', 'g3', 'f10.sql'), 'select 10\n');
    few.add(join(dir, 'out', 'new', 'x.sql'), 'select 1\n');
    await few.close();
    expect(readFileSync(join(dir, 'out', 'new', 'x.sql'), 'utf8')).toBe('select 1\n');
  });

  it('fails with the first write that failed', async () => {
    const dir = temp.project({});
    writeFileSync(join(dir, 'blocker'), '');
    const writer = new FileWriter(1000);
    for (let i = 0; i < 1000; i++) writer.add(join(dir, i === 600 ? 'blocker' : 'ok', `f${i}.sql`), 'select 1\n');
    await expect(writer.close()).rejects.toThrow(/ENOTDIR|EEXIST/);
  });
});
