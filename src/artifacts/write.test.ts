import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempFolders } from '../test-support/project.js';
import { overwriteFile } from './write.js';

const temp = tempFolders();

describe('overwriteFile', () => {
  it('leaves exactly the chunks given, whether the file was longer, shorter or missing', () => {
    const dir = temp.track(mkdtempSync(join(tmpdir(), 'modelrun-write-')));
    const file = join(dir, 'sub', 'manifest.json');
    overwriteFile(file, ['{"a":', Buffer.from('"é"'), '}\n']);
    expect(readFileSync(file, 'utf8')).toBe('{"a":"é"}\n');
    writeFileSync(file, 'x'.repeat(1000));
    overwriteFile(file, [Buffer.from('short\n')]);
    expect(readFileSync(file, 'utf8')).toBe('short\n');
    overwriteFile(file, ['y'.repeat(1000), '', 'y'.repeat(1000)]);
    expect(readFileSync(file, 'utf8')).toBe('y'.repeat(2000));
  });
});
