import { createHash } from 'node:crypto';
import { existsSync, readFileSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compileNodes } from '../compile/compile.js';
import { makeProject, runCli, tempFolders, writeFile } from '../test-support/project.js';
import { BuildCache, CACHE_FILE, type CachedCompile, type CachedModel } from './build-cache.js';
import { hashOf, optionalStamp, quickHash } from './hash.js';
import { JsonText } from './json-text.js';
import { readNoopRecord, removeNoopRecord, writeNoopRecord } from './noop-record.js';
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
    first.cache.write(join(dir, 'target'));
    touchLater(join(dir, 'models/a.sql'), 5); // renders again, with the macro from the cache
    const second = load(dir);
    expect(second.cache.macroFile('macros/money.sql')).toBeDefined();
    expect(second.macros.get('cents')?.params).toEqual(['column', 'scale']);
    expect(compileAll(second).compiled.get('model.test_project.a')!.sql).toBe(fresh);
  });

  it('parses macro files again when one changes', () => {
    const dir = makeProject({ 'macros/money.sql': MACROS, 'models/a.sql': 'select {{cents "x"}} as usd\n' });
    load(dir).cache.write(join(dir, 'target'));
    writeFile(dir, 'macros/money.sql', MACROS.replace('100.0', '1000.0'));
    const project = load(dir);
    expect(project.cache.changed).toBe(true);
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

  it('compiles again when MODELRUN_NOW moves the clock that recency tests compile in', async () => {
    const dir = makeProject({
      'models/a.sql': 'select current_date as d\n',
      'models/schema.yml': 'version: 2\nmodels:\n  - name: a\n    tests:\n      - recency: { datepart: day, interval: 1, field: d }\n',
    });
    const test = () => readFileSync(join(dir, 'target/compiled/test_project/models/schema.yml/recency_a_day__d__1.sql'), 'utf8');
    expect((await runCli(['compile'], dir, { MODELRUN_NOW: '2024-01-01T00:00:00Z' })).code).toBe(0);
    expect(test()).toContain('2024-01-01');
    expect((await runCli(['compile'], dir, { MODELRUN_NOW: '2025-06-30T00:00:00Z' })).code).toBe(0);
    expect(test()).toContain('2025-06-30');
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

describe('build cache file', () => {
  const temp = tempFolders();
  const modelEntry = (name: string, stamp: string, text: string): CachedModel => ({
    stamp,
    text: JsonText.of(text),
    kind: 'model',
    config: { tags: [], enabled: true, materialized: 'view', alias: `${name}_v1` },
    description: name === 'a' ? undefined : `model ${name}`,
    refs: [{ name: 'x', line: 1, col: 2 }],
    sources: [],
    volatile: false,
    diagnostics: [],
  });
  const compiledEntry = (sql: string): CachedCompile => ({ key: 'k1', sql: JsonText.of(sql), ephemerals: [] });
  const cacheFile = (target: string) => join(target, CACHE_FILE);
  /** A cache of models a and b and a's SQL, written to a new project's target/; returns the folder. */
  const writeTwoModels = (aText: string, aSql: string) => {
    const target = join(temp.project({}), 'target');
    const cache = BuildCache.read(target, 'key');
    cache.setModel('models/a.sql', modelEntry('a', '1:10', aText));
    cache.setModel('models/b.sql', modelEntry('b', '1:20', 'select 2\n'));
    cache.setCompiled('model.p.a', compiledEntry(aSql));
    cache.write(target);
    return target;
  };

  it('reads back texts exactly, appends what changed, and takes the latest record of each node', () => {
    const target = writeTwoModels('select 1 as "x\ty"\n-- é ✓\r\n', 'select 1 as "x\ty"');
    const written = readFileSync(cacheFile(target), 'utf8');

    const again = BuildCache.read(target, 'key');
    expect(again.changed).toBe(false);
    expect(again.model('models/a.sql')!.text.text).toBe('select 1 as "x\ty"\n-- é ✓\r\n');
    expect(again.model('models/a.sql')).toMatchObject({ kind: 'model', refs: [{ name: 'x', line: 1, col: 2 }], config: { alias: 'a_v1' }, description: undefined });
    expect(again.model('models/b.sql')!.description).toBe('model b');
    expect(again.compiledNode('model.p.a')!.sql.text).toBe('select 1 as "x\ty"');
    again.setModel('models/a.sql', modelEntry('a', '2:11', 'select 3\n'));
    again.setCompiled('model.p.a', compiledEntry('select 3'));
    expect(again.changed).toBe(true);
    again.write(target);
    expect(readFileSync(cacheFile(target), 'utf8').startsWith(written)).toBe(true);

    const third = BuildCache.read(target, 'key');
    expect(third.model('models/a.sql')!.stamp).toBe('2:11');
    expect(third.model('models/b.sql')!.stamp).toBe('1:20');
    expect(third.compiledNode('model.p.a')!.sql.text).toBe('select 3');
  });

  it('starts empty under another global key, or when the last write was cut short', () => {
    const target = join(temp.project({}), 'target');
    const cache = BuildCache.read(target, 'key');
    cache.setModel('models/a.sql', modelEntry('a', '1:10', 'select 1\n'));
    cache.write(target);
    expect(BuildCache.read(target, 'other').model('models/a.sql')).toBeUndefined();
    writeFileSync(cacheFile(target), readFileSync(cacheFile(target), 'utf8').slice(0, -5));
    const cut = BuildCache.read(target, 'key');
    expect(cut.model('models/a.sql')).toBeUndefined();
    expect(cut.changed).toBe(true);
  });

  it('rewrites the file without the models that went away and their SQL', () => {
    const target = writeTwoModels('select 1\n', 'select 1');
    const again = BuildCache.read(target, 'key');
    again.keep(new Set(['models/b.sql']), new Set(['model.p.b']));
    expect(again.changed).toBe(true);
    again.write(target);
    const text = readFileSync(cacheFile(target), 'utf8');
    expect(text).not.toContain('models/a.sql');
    expect(text).not.toContain('model.p.a"');
    expect(BuildCache.read(target, 'key').model('models/b.sql')!.stamp).toBe('1:20');
  });

  it('compacts once appended records outnumber the live ones', () => {
    const target = join(temp.project({}), 'target');
    const lines = () => readFileSync(cacheFile(target), 'utf8').split('\n').length;
    const first = BuildCache.read(target, 'key');
    first.setModel('models/a.sql', modelEntry('a', '0:1', 'select 0\n'));
    first.write(target);
    const sizes: number[] = [];
    for (let i = 1; i <= 6; i++) {
      const cache = BuildCache.read(target, 'key');
      cache.setModel('models/a.sql', modelEntry('a', `${i}:1`, `select ${i}\n`));
      cache.write(target);
      sizes.push(lines());
    }
    expect(Math.max(...sizes)).toBeLessThanOrEqual(5);
    expect(BuildCache.read(target, 'key').model('models/a.sql')!.text.text).toBe('select 6\n');
  });
});
