import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempFolders } from '../test-support/project.js';
import { fileStamp } from './hash.js';
import { readStamped, readText } from './read-text.js';

const temp = tempFolders();

describe('readText', () => {
  it('reads ASCII and UTF-8 text alike', () => {
    const dir = temp.track(mkdtempSync(join(tmpdir(), 'modelrun-read-')));
    for (const text of ['select 1\n', 'select \'é €\' as x -- 😀\n', '']) {
      writeFileSync(join(dir, 'f.sql'), text);
      expect(readText(join(dir, 'f.sql'))).toBe(text);
    }
  });
});

describe('readStamped', () => {
  it('gives the text readText gives and the stamp fileStamp gives, for small and large files', () => {
    const dir = temp.track(mkdtempSync(join(tmpdir(), 'modelrun-read-')));
    for (const text of ['select 1\n', 'select \'é €\' as x -- 😀\n', '', 'x'.repeat(70_000), 'é'.repeat(200_000)]) {
      writeFileSync(join(dir, 'f.sql'), text);
      expect(readStamped(join(dir, 'f.sql'))).toEqual({ text, stamp: fileStamp(join(dir, 'f.sql')) });
    }
  });
});
