import { createHash } from 'node:crypto';
import { existsSync, readFileSync, symlinkSync, utimesSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compileNodes } from '../compile/compile.js';
import { makeProject, runCli, writeFile } from '../test-support/project.js';
import { hashOf, optionalStamp, quickHash, readNoopRecord, removeNoopRecord, writeBuildCache, writeNoopRecord } from './build-cache.js';
import { discoverFiles } from './discover.js';
import { loadFullProject, loadSettings, projectFingerprint, type LoadedProject } from './load.js';

const MACROS = '{{#macro "cents" column scale=2}}round({{column}} / 100.0, {{scale}}){{/macro}}\n';

function load(dir: string, vars?: string): LoadedProject {
  const { project, diagnostics } = loadFullProject({ projectDir: dir, vars });
  if (!project) throw new Error(diagnostics.map((d) => d.message).join('\n'));
  return project;
}

function compileAll(project: LoadedProject) {
  const ids = new Set([...project.nodes.values()].filter((n) => n.resourceType === 'model').map((n) => n.uniqueId));
  return compileNodes(project, ids, { fullRefresh: false, existing: new Map(), runStartedAt: '2024-01-01T00:00:00Z' });
}

const fingerprintOf = (dir: string, vars?: string) => projectFingerprint(loadSettings({ projectDir: dir, vars }).settings!, []);

/** Moves a file's mtime, as an edit a moment later would. */
function touchLater(file: string, seconds: number): void {
  const t = Date.now() / 1000 + seconds;
  utimesSync(file, t, t);
}

describe('build cache', () => {
  it('hashes parts as sha1 of each part followed by NUL, so keys of existing caches stay valid', () => {
    const h = createHash('sha1');
    for (const p of ['a', '', 'b\0c']) h.update(p).update('\0');
    expect(hashOf('a', '', 'b\0c')).toBe(h.digest('hex'));
  });

  it('gives compile keys that tell parts apart and change with any character', () => {
    const keys = [quickHash('a', 'b'), quickHash('ab'), quickHash('a', 'b', ''), quickHash('a', 'c'), quickHash('b', 'a')];
    expect(new Set(keys).size).toBe(keys.length);
    expect(quickHash('a', 'b')).toBe(quickHash('a', 'b'));
    expect(quickHash('x')).toMatch(/^[0-9a-f]{16}$/);
  });

  it('keeps parsed macro files, and renders with them as with a fresh parse', () => {
    const dir = makeProject({ 'macros/money.sql': MACROS, 'models/a.sql': 'select {{cents "x"}} as usd, {{cents "y" scale=4}} as fine from t\n' });
    const first = load(dir);
    const fresh = compileAll(first).compiled.get('model.test_project.a')!.sql;
    writeBuildCache(join(dir, 'target'), first.cache);
    touchLater(join(dir, 'models/a.sql'), 5); // renders again, with the macro from the cache
    const second = load(dir);
    expect(second.cache.macroFiles['macros/money.sql']).toBeDefined();
    expect(second.macros.get('cents')?.params).toEqual(['column', 'scale']);
    expect(compileAll(second).compiled.get('model.test_project.a')!.sql).toBe(fresh);
  });

  it('parses macro files again when one changes', () => {
    const dir = makeProject({ 'macros/money.sql': MACROS, 'models/a.sql': 'select {{cents "x"}} as usd\n' });
    writeBuildCache(join(dir, 'target'), load(dir).cache);
    writeFile(dir, 'macros/money.sql', MACROS.replace('100.0', '1000.0'));
    const project = load(dir);
    expect(project.cacheChanged).toBe(true);
    expect(compileAll(project).compiled.get('model.test_project.a')!.sql).toBe('select round(x / 1000.0, 2) as usd');
  });
});

describe('project fingerprint', () => {
  it('is stable while nothing changes, and changes with any model, macro, schema YAML, project.yml or vars', () => {
    const dir = makeProject({ 'macros/m.sql': MACROS, 'models/a.sql': 'select 1 as x\n', 'models/schema.yml': 'version: 2\nmodels: []\n' });
    const base = fingerprintOf(dir);
    expect(fingerprintOf(dir)).toBe(base);
    const edits: [string, () => void][] = [
      ['model', () => touchLater(join(dir, 'models/a.sql'), 10)],
      ['macro', () => touchLater(join(dir, 'macros/m.sql'), 20)],
      ['schema YAML', () => touchLater(join(dir, 'models/schema.yml'), 30)],
      ['new model', () => writeFile(dir, 'models/b.sql', 'select 2 as x\n')],
      ['project.yml', () => writeFile(dir, 'project.yml', 'name: test_project\nprofile: test_project\nvars: { v: 1 }\n')],
    ];
    const seen = new Set([base]);
    for (const [what, edit] of edits) {
      edit();
      const now = fingerprintOf(dir);
      expect(seen.has(now), what).toBe(false);
      seen.add(now);
    }
    expect(fingerprintOf(dir, '{v: 2}')).not.toBe(fingerprintOf(dir));
  });

  it('keeps a record of the last compile, gone once removed', () => {
    const dir = makeProject({});
    const record = { key: 'k', warehouse: false, warnings: [], found: 'Found 1 model', compiledTo: 'Compiled 1 node to target/compiled' };
    expect(readNoopRecord(join(dir, 'target'))).toBeUndefined();
    writeNoopRecord(join(dir, 'target'), record);
    expect(readNoopRecord(join(dir, 'target'))).toEqual(record);
    removeNoopRecord(join(dir, 'target'));
    expect(readNoopRecord(join(dir, 'target'))).toBeUndefined();
    expect(optionalStamp(join(dir, 'target', 'nothing'))).toBe('-');
  });
});

describe('compile of an unchanged project', () => {
  it('repeats the last report, warnings included, and sees every kind of edit', async () => {
    const dir = makeProject({
      'macros/money.sql': MACROS,
      'models/a.sql': '{{config materialized="view" colour="red"}}\nselect {{cents "x"}} as usd, {{var "n" 1}} as n from range(3) t(x)\n',
      'models/b.sql': 'select * from {{ref "a"}}\n',
      'models/schema.yml': 'version: 2\nmodels:\n  - name: b\n    config: { alias: b_alias }\n',
    });
    const compiled = (file: string) => readFileSync(join(dir, 'target/compiled/test_project/models', file), 'utf8');
    const first = await runCli(['compile'], dir);
    expect(first.code).toBe(0);
    expect(existsSync(join(dir, 'target/modelrun_noop.json'))).toBe(true);
    const again = await runCli(['compile'], dir);
    expect(again.code).toBe(0);
    expect(again.stderr).toBe(first.stderr);
    expect(again.stderr).toContain('colour');
    expect(again.stdout.replace(/in \S+s/, '')).toBe(first.stdout.replace(/in \S+s/, ''));

    writeFile(dir, 'macros/money.sql', MACROS.replace('100.0', '1000.0'));
    expect((await runCli(['compile'], dir)).code).toBe(0);
    expect(compiled('a.sql')).toContain('1000.0');

    writeFile(dir, 'models/schema.yml', 'version: 2\nmodels:\n  - name: a\n    config: { alias: a_alias }\n');
    expect((await runCli(['compile'], dir)).code).toBe(0);
    expect(compiled('b.sql')).toContain('"a_alias"');

    expect((await runCli(['compile', '--vars', '{n: 7}'], dir)).code).toBe(0);
    expect(compiled('a.sql')).toContain('7 as n');
    expect((await runCli(['compile'], dir)).code).toBe(0);
    expect(compiled('a.sql')).toContain('1 as n');

    writeFile(dir, 'models/b.sql', 'select * from {{ref "a"}} where usd > 0\n');
    expect((await runCli(['compile'], dir)).code).toBe(0);
    expect(compiled('b.sql')).toContain('where usd > 0');
  });

  it('writes no record for templates that read the environment', async () => {
    const dir = makeProject({ 'models/a.sql': 'select \'{{env_var "WHO" "me"}}\' as who\n' });
    expect((await runCli(['compile'], dir, { WHO: 'ann' })).code).toBe(0);
    expect(existsSync(join(dir, 'target/modelrun_noop.json'))).toBe(false);
    expect((await runCli(['compile'], dir, { WHO: 'bob' })).code).toBe(0);
    expect(readFileSync(join(dir, 'target/compiled/test_project/models/a.sql'), 'utf8')).toContain("'bob'");
  });
});

describe('discoverFiles', () => {
  it('lists files by extension under each root, leaving out hidden folders, node_modules and tests/generic', () => {
    const dir = makeProject({
      'models/a.sql': '',
      'models/sub/b.sql': '',
      'models/sub/s.yaml': '',
      'models/x.yml': '',
      'models/.hidden/c.sql': '',
      'models/.d.sql': '',
      'models/node_modules/e.sql': '',
      'models/notes.txt': '',
      'seeds/s.csv': '',
      'tests/t.sql': '',
      'tests/generic/g.sql': '',
      'macros/m.sql': '',
    });
    symlinkSync(join(dir, 'models/sub'), join(dir, 'models/linked'));
    const files = discoverFiles(loadSettings({ projectDir: dir }).settings!.config);
    expect(files.models).toEqual(['models/a.sql', 'models/linked/b.sql', 'models/sub/b.sql']);
    expect(files.schemaFiles).toEqual(['models/linked/s.yaml', 'models/sub/s.yaml', 'models/x.yml']);
    expect(files.seeds).toEqual(['seeds/s.csv']);
    expect(files.singularTests).toEqual(['tests/t.sql']);
    expect(files.macros).toEqual(['macros/m.sql', 'tests/generic/g.sql']);
  });
});
