import { symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempFolders } from '../test-support/project.js';
import { filesBelow } from './walk.js';

const temp = tempFolders();

describe('filesBelow', () => {
  it('follows a link to a folder once, not round a loop back to a folder it is inside', () => {
    const dir = temp.project({ 'models/a.sql': '', 'models/sub/b.sql': '' });
    symlinkSync(join(dir, 'models'), join(dir, 'models/sub/up'));
    symlinkSync(join(dir, 'models/sub'), join(dir, 'models/again'));
    expect(filesBelow(dir, 'models', ['.sql']).sort()).toEqual(['models/a.sql', 'models/again/b.sql', 'models/sub/b.sql']);
  });

  it('lists a linked file, and passes over a broken link', () => {
    const dir = temp.project({ 'models/a.sql': '', 'elsewhere/c.sql': '' });
    symlinkSync(join(dir, 'elsewhere/c.sql'), join(dir, 'models/c.sql'));
    symlinkSync(join(dir, 'models/gone.sql'), join(dir, 'models/broken.sql'));
    expect(filesBelow(dir, 'models', ['.sql']).sort()).toEqual(['models/a.sql', 'models/c.sql']);
  });

  it('finds nothing under a root that is missing or is a file', () => {
    const dir = temp.project({ 'models.sql': '' });
    expect(filesBelow(dir, 'models', ['.sql'])).toEqual([]);
    expect(filesBelow(dir, 'models.sql', ['.sql'])).toEqual([]);
  });
});
