/** End-to-end behaviour of the compiled CLI: commands, options, output formats and configuration lookup. */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CLI, makeProject, query, runCli, writeFile, type CliResult } from '../test-support/project.js';

const REPO_ROOT = resolve(CLI, '../../..');
const VERSION = (JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { version: string }).version;

function ok(r: CliResult): void {
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
}

function lines(text: string): string[] {
  return text.split('\n').filter((l) => l !== '');
}

/**
 * A small graph for listing and selection:
 *   seed raw_customers → staging.stg_customers ─┐
 *   source src.events  → staging.stg_events ────┴→ marts.customers → marts.customer_stats
 * staging: view, tag staging (stg_events also tag a); marts: table, tag a (customer_stats is a view).
 */
const SELECTION_PROJECT: Record<string, string> = {
  'project.yml':
    'name: test_project\nprofile: test_project\nmodels:\n  test_project:\n    staging: { +materialized: view, +tags: [staging] }\n    marts: { +materialized: table, +tags: [a] }\n',
  'seeds/raw_customers.csv': 'id,name\n1,ann\n2,bob\n',
  'models/sources.yml': 'version: 2\nsources:\n  - name: src\n    tables:\n      - name: events\n',
  'models/staging/stg_customers.sql': 'select id as customer_id, name from {{ref "raw_customers"}}\n',
  'models/staging/stg_events.sql': '{{config tags="a"}}\nselect * from {{source "src" "events"}}\n',
  'models/marts/customers.sql':
    'select c.customer_id, count(*) as n\nfrom {{ref "stg_customers"}} c\nleft join {{ref "stg_events"}} e using (customer_id)\ngroup by 1\n',
  'models/marts/customer_stats.sql': '{{config materialized="view"}}\nselect count(*) as n from {{ref "customers"}}\n',
};

// ---------------------------------------------------------------------------------------------
// program-level options
// ---------------------------------------------------------------------------------------------

describe.concurrent('program', () => {
  it('--version prints the version of package.json', async () => {
    const dir = makeProject({});
    const r = await runCli(['--version'], dir);
    ok(r);
    expect(r.stdout).toBe(`${VERSION}\n`);
  });

  it('--help lists the commands', async () => {
    const r = await runCli(['--help'], makeProject({}));
    ok(r);
    expect(r.stdout).toMatch(/^Usage: modelrun \[options\] \[command\]$/m);
    for (const [name, description] of [
      ['build', 'land sources, then seeds, models and their tests in'],
      ['extract', 'land the `loader: supabase` sources into raw'],
      ['test', 'run the data tests (and check source freshness)'],
      ['run', 'build the selected models'],
      ['seed', 'load the CSV files under seeds/'],
      ['compile', 'render every model to target/compiled/'],
      ['ls', "list the project's nodes"],
      ['debug', 'show the resolved project, profile and target'],
      ['clean', 'delete target/'],
    ]) {
      expect(r.stdout).toMatch(new RegExp(`^  ${name}(\\|list)? \\[options\\] +${description!.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}`, 'm'));
    }
  });

  it('an unknown command exits 2', async () => {
    const dir = makeProject({});
    const r = await runCli(['frobnicate'], dir);
    expect(r).toEqual({ code: 2, stdout: '', stderr: "error: unknown command 'frobnicate'\n" });
    const r2 = await runCli(['rnu'], dir);
    expect(r2).toEqual({ code: 2, stdout: '', stderr: "error: unknown command 'rnu'\n(Did you mean run?)\n" });
  });

  it('an unknown option exits 2', async () => {
    const dir = makeProject({ 'models/x.sql': 'select 1 as x\n' });
    const r = await runCli(['ls', '--bogus'], dir);
    expect(r).toEqual({ code: 2, stdout: '', stderr: "error: unknown option '--bogus'\n" });
    const r2 = await runCli(['ls', '--ouput', 'name'], dir);
    expect(r2).toEqual({ code: 2, stdout: '', stderr: "error: unknown option '--ouput'\n(Did you mean --output?)\n" });
    const r3 = await runCli(['ls', '--output', 'xml'], dir);
    expect(r3).toEqual({ code: 2, stdout: '', stderr: "error: option '--output <format>' argument 'xml' is invalid. Allowed choices are selector, name, path, json.\n" });
    const r4 = await runCli(['run', '--threads', '0'], dir);
    expect(r4).toEqual({ code: 2, stdout: '', stderr: 'error: --threads must be a whole number of at least 1 (got "0")\n' });
  });
});

// ---------------------------------------------------------------------------------------------
// ls
// ---------------------------------------------------------------------------------------------

describe.concurrent('ls', () => {
  const project = makeProject(SELECTION_PROJECT);

  it('lists every node as a selector by default, sources as source:...', async () => {
    const r = await runCli(['ls'], project);
    ok(r);
    expect(r.stdout).toBe(
      [
        'test_project.raw_customers',
        'test_project.staging.stg_customers',
        'source:test_project.src.events',
        'test_project.staging.stg_events',
        'test_project.marts.customers',
        'test_project.marts.customer_stats',
        '',
      ].join('\n'),
    );
  });

  it('--output name', async () => {
    const r = await runCli(['ls', '--output', 'name'], project);
    ok(r);
    expect(r.stdout).toBe('raw_customers\nstg_customers\nevents\nstg_events\ncustomers\ncustomer_stats\n');
  });

  it('--output path', async () => {
    const r = await runCli(['ls', '--output', 'path'], project);
    ok(r);
    expect(r.stdout).toBe(
      [
        'seeds/raw_customers.csv',
        'models/staging/stg_customers.sql',
        'models/sources.yml',
        'models/staging/stg_events.sql',
        'models/marts/customers.sql',
        'models/marts/customer_stats.sql',
        '',
      ].join('\n'),
    );
  });

  it('--output json', async () => {
    const r = await runCli(['ls', '--output', 'json'], project);
    ok(r);
    const nodes = lines(r.stdout).map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(nodes.map((n) => n.unique_id)).toEqual([
      'seed.test_project.raw_customers',
      'model.test_project.stg_customers',
      'source.test_project.src.events',
      'model.test_project.stg_events',
      'model.test_project.customers',
      'model.test_project.customer_stats',
    ]);
    expect(nodes[4]).toEqual({
      name: 'customers',
      resource_type: 'model',
      package_name: 'test_project',
      original_file_path: 'models/marts/customers.sql',
      unique_id: 'model.test_project.customers',
      alias: 'customers',
      config: { enabled: true, tags: ['a'], materialized: 'table' },
      tags: ['a'],
      depends_on: { nodes: ['model.test_project.stg_customers', 'model.test_project.stg_events'] },
    });
    expect(nodes[2]).toEqual({
      name: 'events',
      resource_type: 'source',
      package_name: 'test_project',
      original_file_path: 'models/sources.yml',
      unique_id: 'source.test_project.src.events',
      alias: 'events',
      config: { enabled: true, tags: [] },
      tags: [],
      depends_on: { nodes: [] },
    });
    expect(nodes[3]).toMatchObject({ name: 'stg_events', config: { materialized: 'view', tags: ['staging', 'a'] }, depends_on: { nodes: ['source.test_project.src.events'] } });
  });

  it.each([
    ['model', ['stg_customers', 'stg_events', 'customers', 'customer_stats']],
    ['seed', ['raw_customers']],
    ['source', ['events']],
  ])('--resource-type %s', async (type, expected) => {
    const r = await runCli(['ls', '--output', 'name', '--resource-type', type], project);
    ok(r);
    expect(lines(r.stdout)).toEqual(expected);
  });

  it('--resource-type takes several types', async () => {
    const r = await runCli(['ls', '--output', 'name', '--resource-type', 'seed', 'source'], project);
    ok(r);
    expect(lines(r.stdout)).toEqual(['raw_customers', 'events']);
  });

  it.each<[args: string[], expected: string[]]>([
    [['-s', 'customers'], ['customers']],
    [['-s', '+customers'], ['raw_customers', 'stg_customers', 'events', 'stg_events', 'customers']],
    [['-s', '1+customers'], ['stg_customers', 'stg_events', 'customers']],
    [['-s', 'stg_customers+'], ['stg_customers', 'customers', 'customer_stats']],
    [['-s', 'customers+'], ['customers', 'customer_stats']],
    [['-s', '@stg_events'], ['raw_customers', 'stg_customers', 'events', 'stg_events', 'customers', 'customer_stats']],
    [['-s', 'tag:a'], ['stg_events', 'customers', 'customer_stats']],
    [['-s', 'tag:staging'], ['stg_customers', 'stg_events']],
    [['-s', 'path:models/marts'], ['customers', 'customer_stats']],
    [['-s', 'models/staging'], ['stg_customers', 'stg_events']],
    [['-s', 'config.materialized:table'], ['customers']],
    [['-s', 'config.materialized:view'], ['stg_customers', 'stg_events', 'customer_stats']],
    [['-s', 'source:src+'], ['events', 'stg_events', 'customers', 'customer_stats']],
    [['-s', 'source:src.events'], ['events']],
    [['-s', 'stg_*'], ['stg_customers', 'stg_events']],
    [['-s', 'test_project.marts.*'], ['customers', 'customer_stats']],
    [['-s', 'marts'], ['customers', 'customer_stats']],
    [['-s', 'tag:a,config.materialized:view'], ['stg_events', 'customer_stats']],
    [['-s', 'tag:a', 'tag:staging'], ['stg_customers', 'stg_events', 'customers', 'customer_stats']],
    [['-s', 'tag:a tag:staging'], ['stg_customers', 'stg_events', 'customers', 'customer_stats']],
    [['--exclude', 'tag:a'], ['raw_customers', 'stg_customers', 'events']],
    [['-s', '+customer_stats', '--exclude', 'stg_*'], ['raw_customers', 'events', 'customers', 'customer_stats']],
    [['-s', 'resource_type:seed'], ['raw_customers']],
  ])('--select %j', async (args, expected) => {
    const r = await runCli(['ls', '--output', 'name', ...args], project);
    ok(r);
    expect(lines(r.stdout)).toEqual(expected);
  });

  it('a selection that matches nothing prints nothing and still succeeds', async () => {
    const r = await runCli(['ls', '--output', 'name', '-s', 'tag:nope'], project);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('');
  });
});

// ---------------------------------------------------------------------------------------------
// compile
// ---------------------------------------------------------------------------------------------

describe.concurrent('compile', () => {
  const files = {
    'project.yml': 'name: test_project\nprofile: test_project\nvars:\n  min_id: 1\n  label: proj\n',
    'macros/math.sql': '{{#macro "double" col}}({{col}} * 2){{/macro}}\n',
    'models/a.sql': 'select 1 as id, 10 as amount\n',
    'models/sub/b.sql': `{{config materialized="table"}}\nselect id, {{double "amount"}} as twice, '{{var "label"}}' as label\nfrom {{ref "a"}}\nwhere id >= {{var "min_id"}}\n`,
  };

  it('writes target/compiled/ with refs resolved, vars substituted and macros expanded, without creating a warehouse', async () => {
    const dir = makeProject(files);
    const r = await runCli(['compile'], dir);
    ok(r);
    expect(lines(r.stdout)[0]).toBe('Found 2 models, 1 macro');
    expect(lines(r.stdout)[1]).toMatch(/^Compiled 2 nodes to target\/compiled in \d+\.\d\ds$/);
    expect(readFileSync(join(dir, 'target/compiled/test_project/models/a.sql'), 'utf8')).toBe('select 1 as id, 10 as amount\n');
    expect(readFileSync(join(dir, 'target/compiled/test_project/models/sub/b.sql'), 'utf8')).toBe(
      `select id, (amount * 2) as twice, 'proj' as label\nfrom "main"."a"\nwhere id >= 1\n`,
    );
    expect(existsSync(join(dir, 'warehouse.duckdb'))).toBe(false);
    expect(existsSync(join(dir, 'warehouse.duckdb.wal'))).toBe(false);
  });

  it('leaves an existing warehouse as it was', async () => {
    const dir = makeProject(files);
    const db = join(dir, 'warehouse.duckdb');
    await query(db, 'create table main.other as select 42 as v');
    const r = await runCli(['compile'], dir);
    ok(r);
    expect(await query(db, "select table_name from duckdb_tables() where database_name = current_database() and schema_name <> 'modelrun' union all select view_name from duckdb_views() where not internal and database_name = current_database()")).toEqual([{ table_name: 'other' }]);
  });

  it('--select limits what is compiled', async () => {
    const dir = makeProject(files);
    const r = await runCli(['compile', '-s', 'a'], dir);
    ok(r);
    expect(existsSync(join(dir, 'target/compiled/test_project/models/a.sql'))).toBe(true);
    expect(existsSync(join(dir, 'target/compiled/test_project/models/sub/b.sql'))).toBe(false);
  });
});

// ---------------------------------------------------------------------------------------------
// debug and clean
// ---------------------------------------------------------------------------------------------

describe.concurrent('debug and clean', () => {
  it('debug prints the project, profile, target, path and tests the connection', async () => {
    const dir = makeProject({ 'project.yml': 'name: test_project\nprofile: test_project\nvars: { x: 1 }\n', 'models/x.sql': 'select 1 as x\n' });
    const r = await runCli(['debug'], dir);
    ok(r);
    const out = lines(r.stdout);
    expect(out.slice(0, 9)).toEqual([
      `modelrun project:  test_project (${realpathSync(dir)}/project.yml)`,
      'profile:           test_project (profiles.yml)',
      'target:            dev',
      '  type:            duckdb',
      '  path:            warehouse.duckdb',
      '  schema:          main',
      '  threads:         1',
      'paths:             models=models seeds=seeds tests=tests macros=macros target=target',
      'vars:              {"x":1}',
    ]);
    // Checking the connection leaves no empty warehouse behind; once there is one, it opens it.
    expect(out[9]).toMatch(/^connection: {8}OK \(DuckDB v\d+\.\d+\.\d+; warehouse.duckdb does not exist yet, `modelrun build` creates it\)$/);
    expect(out[10]).toBe('All checks passed!');
    expect(out).toHaveLength(11);
    expect(existsSync(join(dir, 'warehouse.duckdb'))).toBe(false);
    ok(await runCli(['run'], dir));
    expect(lines((await runCli(['debug'], dir)).stdout)[9]).toMatch(/^connection: {8}OK \(DuckDB v\d+\.\d+\.\d+\)$/);
  });

  it('a MODELRUN_NOW that is not a timestamp stops the command before it runs anything', async () => {
    const dir = makeProject({ 'models/x.sql': 'select 1 as id\n' });
    expect(await runCli(['build'], dir, { MODELRUN_NOW: 'yesterday' })).toEqual({
      code: 2,
      stdout: '',
      stderr: 'error: MODELRUN_NOW="yesterday" is not a timestamp — set an ISO 8601 instant such as 2026-10-31T11:00:00Z, or unset it to use the clock\n',
    });
    expect(existsSync(join(dir, 'warehouse.duckdb'))).toBe(false);
    ok(await runCli(['build'], dir, { MODELRUN_NOW: '2026-10-31 11:00:00+00' }));
  });

  it('bad landing settings stop compile and ls too, every one at its own line', async () => {
    const table = (name: string, mode: string) => `      - name: ${name}\n        primary_key: id\n        cursor_field: updated_at\n        mode: ${mode}\n`;
    const dir = makeProject({ 'models/sources.yml': `version: 2\nsources:\n  - name: app\n    loader: supabase\n    tables:\n${table('orders', 'upsertt')}${table('users', 'upsert')}${table('jobs', 'merge')}` });
    for (const command of ['compile', 'ls']) {
      expect(await runCli([command], dir)).toEqual({
        code: 2,
        stdout: '',
        stderr: [
          'models/sources.yml:9:9: error: source app.orders: "mode" must be append or upsert (got "upsertt")',
          'models/sources.yml:17:9: error: source app.jobs: "mode" must be append or upsert (got "merge")',
          '',
        ].join('\n'),
      });
    }
  });

  it('debug and run say when the warehouse cannot be created where the target puts it', async () => {
    const dir = makeProject({ 'profiles.yml': 'test_project:\n  target: dev\n  outputs:\n    dev: { type: duckdb, path: afile/w.duckdb }\n', 'models/x.sql': 'select 1 as x\n', afile: '' });
    const message = `error: cannot create warehouse afile/w.duckdb: ${join(realpathSync(dir), 'afile')} is a file, not a folder — fix the target's path in profiles.yml\n`;
    expect(await runCli(['debug'], dir)).toMatchObject({ code: 2, stderr: message });
    expect(await runCli(['run'], dir)).toMatchObject({ code: 2, stderr: message });
    // A symbolic link to nowhere does not exist, but no folder can be made through it either.
    rmSync(join(dir, 'afile'));
    symlinkSync('nowhere', join(dir, 'afile'));
    const broken = `error: cannot create warehouse afile/w.duckdb: ${join(realpathSync(dir), 'afile')} is a broken symbolic link — fix the target's path in profiles.yml\n`;
    expect(await runCli(['debug'], dir)).toMatchObject({ code: 2, stderr: broken });
    expect(await runCli(['run'], dir)).toMatchObject({ code: 2, stderr: broken });
  });

  it('test and source freshness on a warehouse never built say so once, exit 2 and create nothing', async () => {
    const sources = 'sources:\n  - name: app\n    freshness: { warn_after: { count: 1, period: day } }\n    loaded_at_field: at\n    tables: [{ name: events }]\n';
    const dir = makeProject({ 'models/x.sql': 'select 1 as id\n', 'models/schema.yml': `version: 2\nmodels:\n  - name: x\n    columns:\n      - name: id\n        tests: [not_null]\n${sources}` });
    for (const command of [['test'], ['source', 'freshness']]) {
      const r = await runCli(command, dir);
      expect(r.code).toBe(2);
      expect(r.stderr.trim()).toBe("error: warehouse warehouse.duckdb does not exist yet — run `modelrun build` first, or point the target's path in profiles.yml at a built warehouse");
    }
    // A selector that matches nothing is still a warning, and nothing to do.
    for (const command of [['test'], ['source', 'freshness']]) {
      const none = await runCli([...command, '--select', 'nomatch'], dir);
      expect(none.code).toBe(0);
      expect(none.stdout).toContain('Nothing to do');
    }
    expect(existsSync(join(dir, 'warehouse.duckdb'))).toBe(false);
  });

  it('clean removes target/', async () => {
    const dir = makeProject({ 'models/x.sql': 'select 1 as x\n' });
    ok(await runCli(['compile'], dir));
    expect(existsSync(join(dir, 'target/compiled/test_project/models/x.sql'))).toBe(true);
    const r = await runCli(['clean'], dir);
    ok(r);
    expect(r.stdout).toBe('Cleaned target/\n');
    expect(existsSync(join(dir, 'target'))).toBe(false);
    expect(existsSync(join(dir, 'models/x.sql'))).toBe(true);
  });
});

// ---------------------------------------------------------------------------------------------
// run output
// ---------------------------------------------------------------------------------------------

describe.concurrent('run output', () => {
  const files = {
    'models/a.sql': 'select 1 as id\n',
    'models/b.sql': '{{config materialized="table"}}\nselect * from {{ref "a"}}\n',
  };

  it('text: START / OK lines, aligned status column and a summary', async () => {
    const dir = makeProject(files);
    const r = await runCli(['run'], dir);
    ok(r);
    const t = String.raw`\d+\.\d\ds`;
    const expected = [
      /^Found 2 models, 0 macros$/,
      /^Concurrency: 1 threads \(target='dev'\)$/,
      /^$/,
      /^1 of 2 START sql view model main\.a \.+ \[RUN\]$/,
      new RegExp(`^1 of 2 OK created sql view model main\\.a \\.+ \\[OK in ${t}\\]$`),
      /^2 of 2 START sql table model main\.b \.+ \[RUN\]$/,
      new RegExp(`^2 of 2 OK created sql table model main\\.b \\.+ \\[OK in ${t}\\]$`),
      /^$/,
      new RegExp(`^Finished running 2 models in ${t}\\.  PASS=2 WARN=0 ERROR=0 SKIP=0 TOTAL=2$`),
      /^$/,
    ];
    const out = r.stdout.split('\n');
    expect(out).toHaveLength(expected.length);
    expected.forEach((re, i) => expect(out[i]).toMatch(re));
    // Every node line has its [status] in the same column.
    const columns = out.filter((l) => / of 2 /.test(l)).map((l) => l.lastIndexOf(' ['));
    expect(new Set(columns).size).toBe(1);
    expect(await query(join(dir, 'warehouse.duckdb'), 'select * from main.b')).toEqual([{ id: 1 }]);
  });

  it('build: seeds load first, failures skip descendants', async () => {
    const dir = makeProject({
      'seeds/raw.csv': 'id\n1\n2\n',
      'models/a.sql': 'select * from {{ref "raw"}}\n',
      'models/b.sql': 'select nope from {{ref "a"}}\n',
      'models/c.sql': 'select * from {{ref "b"}}\n',
    });
    const r = await runCli(['build'], dir);
    expect(r.code).toBe(1);
    const out = lines(r.stdout);
    const t = String.raw`\d+\.\d\ds`;
    expect(out[0]).toBe('Found 3 models, 1 seed, 0 macros');
    expect(out[2]).toMatch(/^1 of 4 START seed file main\.raw \.+ \[RUN\]$/);
    expect(out[3]).toMatch(new RegExp(`^1 of 4 OK loaded seed file main\\.raw \\.+ \\[INSERT 2 in ${t}\\]$`));
    expect(out[6]).toMatch(/^3 of 4 START sql view model main\.b \.+ \[RUN\]$/);
    expect(out[7]).toMatch(new RegExp(`^3 of 4 ERROR sql view model main\\.b \\.+ \\[ERROR in ${t}\\]$`));
    expect(out[8]).toMatch(/^4 of 4 SKIP relation main\.c \.+ \[SKIP\]$/);
    expect(out[9]).toBe('Completed with 1 error:');
    expect(out[10]).toBe('models/b.sql:1: error: model b: Binder Error: Referenced column "nope" not found in FROM clause! Candidate bindings: "id"');
    expect(out[11]).toMatch(new RegExp(`^Finished running 3 models, 1 seed in ${t}\\.  PASS=2 WARN=0 ERROR=1 SKIP=1 TOTAL=4$`));
  });

  it('--log-format json: every stdout line is a JSON event', async () => {
    const dir = makeProject(files);
    const r = await runCli(['run', '--log-format', 'json'], dir);
    ok(r);
    const events = lines(r.stdout).map((l) => JSON.parse(l) as Record<string, unknown>);
    for (const e of events) expect(typeof e.event).toBe('string');
    const kinds = events.map((e) => e.event);
    expect(kinds.filter((k) => k === 'node_start')).toHaveLength(2);
    expect(kinds.filter((k) => k === 'node_finished')).toHaveLength(2);
    expect(kinds[kinds.length - 1]).toBe('summary');
    const finished = events.filter((e) => e.event === 'node_finished');
    expect(finished.map((e) => [e.unique_id, e.status, e.index, e.total])).toEqual([
      ['model.test_project.a', 'success', 1, 2],
      ['model.test_project.b', 'success', 2, 2],
    ]);
    const starts = events.filter((e) => e.event === 'node_start');
    expect(starts.map((e) => e.msg)).toEqual(['1 of 2 START sql view model main.a', '2 of 2 START sql table model main.b']);
    expect(events[events.length - 1]).toMatchObject({ event: 'summary', PASS: 2, WARN: 0, ERROR: 0, SKIP: 0, TOTAL: 2 });
  });

  it('--log-format json: warnings and a failed run are JSON too', async () => {
    const dir = makeProject({
      ...files,
      'models/schema.yml': 'version: 2\nmodels:\n  - name: a\n    descripton: typo\n',
      'models/c.sql': 'select nope from {{ref "a"}}\n',
    });
    const r = await runCli(['run', '--log-format', 'json'], dir);
    expect(r.code).toBe(1);
    const events = lines(r.stdout).map((l) => JSON.parse(l) as Record<string, unknown>);
    for (const e of events) expect(typeof e.event).toBe('string');
    expect(events.find((e) => e.event === 'diagnostic')).toMatchObject({
      level: 'warn',
      file: 'models/schema.yml',
      line: 4,
      col: 5,
      message: 'unknown model property "descripton" — did you mean "description"? (ignored)',
    });
    expect(events.find((e) => e.event === 'node_finished' && e.status === 'error')).toMatchObject({ unique_id: 'model.test_project.c', file: 'models/c.sql', line: 1 });
    // The closing list of errors: an error event with its place, not text in an info event.
    expect(events.filter((e) => e.event === 'diagnostic' && e.level === 'error')).toEqual([
      expect.objectContaining({ file: 'models/c.sql', line: 1, message: expect.stringMatching(/^model c: Binder Error: Referenced column "nope" not found/) }),
    ]);
    expect(events[events.length - 1]).toMatchObject({ event: 'summary', PASS: 2, ERROR: 1, TOTAL: 3 });
  });

  /** Every stdout line is a JSON object with an "event" field. */
  function expectJsonEvents(command: string, stdout: string): void {
    const out = lines(stdout);
    expect(out.length).toBeGreaterThan(0);
    for (const l of out) {
      let parsed: unknown;
      expect(() => (parsed = JSON.parse(l)), `${command} printed a non-JSON line: ${l}`).not.toThrow();
      expect(parsed, `${command} printed a JSON line without "event": ${l}`).toHaveProperty('event');
    }
  }

  it('--log-format json: compile prints JSON events only', async () => {
    const r = await runCli(['compile', '--log-format', 'json'], makeProject(files));
    ok(r);
    expectJsonEvents('compile', r.stdout);
  });

  it('--log-format json: ls prints JSON events only', async () => {
    const r = await runCli(['ls', '--log-format', 'json'], makeProject(files));
    ok(r);
    expectJsonEvents('ls', r.stdout);
  });
});

// ---------------------------------------------------------------------------------------------
// vars and env_var
// ---------------------------------------------------------------------------------------------

describe.concurrent('vars', () => {
  const model = `select {{var "x"}} as x, '{{var "who" "nobody"}}' as who, '{{env_var "MODELRUN_E2E_FOO" "d"}}' as foo\n`;
  const compiled = (dir: string) => readFileSync(join(dir, 'target/compiled/test_project/models/v.sql'), 'utf8');

  it('project.yml vars, defaults, and env_var defaults', async () => {
    expect(process.env.MODELRUN_E2E_FOO).toBeUndefined();
    const dir = makeProject({ 'project.yml': 'name: test_project\nprofile: test_project\nvars:\n  x: 3\n', 'models/v.sql': model });
    ok(await runCli(['compile'], dir));
    expect(compiled(dir)).toBe(`select 3 as x, 'nobody' as who, 'd' as foo\n`);
  });

  it('--vars overrides project.yml vars', async () => {
    const dir = makeProject({ 'project.yml': 'name: test_project\nprofile: test_project\nvars:\n  x: 3\n', 'models/v.sql': model });
    ok(await runCli(['compile', '--vars', '{x: 5, who: cli}'], dir));
    expect(compiled(dir)).toBe(`select 5 as x, 'cli' as who, 'd' as foo\n`);
  });

  it('vars scoped under the project name apply', async () => {
    const dir = makeProject({ 'project.yml': 'name: test_project\nprofile: test_project\nvars:\n  x: 3\n  test_project:\n    x: 4\n', 'models/v.sql': model });
    ok(await runCli(['compile'], dir));
    expect(compiled(dir)).toBe(`select 4 as x, 'nobody' as who, 'd' as foo\n`);
  });

  it('env_var reads the environment when the variable is set', async () => {
    const dir = makeProject({ 'models/v.sql': model });
    ok(await runCli(['compile', '--vars', '{x: 1}'], dir, { MODELRUN_E2E_FOO: 'from_env' }));
    expect(compiled(dir)).toBe(`select 1 as x, 'nobody' as who, 'from_env' as foo\n`);
  });

  it('env_var in profiles.yml: the environment, or the default', async () => {
    const profiles = 'test_project:\n  target: dev\n  outputs:\n    dev:\n      type: duckdb\n      path: "{{env_var \\"MODELRUN_E2E_DB\\" \\"default.duckdb\\"}}"\n';
    const dir = makeProject({ 'profiles.yml': profiles, 'models/x.sql': 'select 1 as x\n' });
    const unset = await runCli(['debug'], dir);
    ok(unset);
    expect(unset.stdout).toContain('\n  path:            default.duckdb\n');
    const set = await runCli(['debug'], dir, { MODELRUN_E2E_DB: 'env.duckdb' });
    ok(set);
    expect(set.stdout).toContain('\n  path:            env.duckdb\n');
    ok(await runCli(['run'], dir, { MODELRUN_E2E_DB: 'env.duckdb' }));
    expect(existsSync(join(dir, 'env.duckdb'))).toBe(true);
  });
});

// ---------------------------------------------------------------------------------------------
// profiles lookup
// ---------------------------------------------------------------------------------------------

describe.concurrent('profiles lookup', () => {
  const CI_PROFILES = 'test_project:\n  target: ci\n  outputs:\n    ci: { type: duckdb, path: ci.duckdb, threads: 2 }\n';

  it('--profiles-dir is the only place looked at when given; without it, the project dir', async () => {
    const dir = makeProject({ 'models/x.sql': 'select 1 as x\n' });
    const other = mkdtempSync(join(tmpdir(), 'modelrun-profiles-'));
    writeFile(other, 'profiles.yml', CI_PROFILES);
    const withDir = await runCli(['debug', '--profiles-dir', other], dir);
    ok(withDir);
    expect(lines(withDir.stdout).slice(1, 7)).toEqual([
      `profile:           test_project (${join(other, 'profiles.yml')})`,
      'target:            ci',
      '  type:            duckdb',
      '  path:            ci.duckdb',
      '  schema:          main',
      '  threads:         2',
    ]);
    // ci.duckdb is relative: it lands in the project, not next to the profiles.yml that named it.
    ok(await runCli(['run', '--profiles-dir', other], dir));
    expect(existsSync(join(dir, 'ci.duckdb'))).toBe(true);
    expect(existsSync(join(other, 'ci.duckdb'))).toBe(false);
    const without = await runCli(['debug'], dir);
    ok(without);
    expect(lines(without.stdout).slice(1, 4)).toEqual(['profile:           test_project (profiles.yml)', 'target:            dev', '  type:            duckdb']);
    // A --profiles-dir without one is a mistake to report, not a reason to use the project's.
    const empty = mkdtempSync(join(tmpdir(), 'modelrun-profiles-'));
    expect(await runCli(['debug', '--profiles-dir', empty], dir)).toEqual({
      code: 2,
      stdout: '',
      stderr: `error: no profiles.yml in ${empty} (given by --profiles-dir) — point --profiles-dir at the directory that holds it, or leave it out to use the project's\n`,
    });
  });

  it('reports every bad target setting of profiles.yml together', async () => {
    const dir = makeProject({ 'profiles.yml': 'test_project:\n  target: dev\n  outputs:\n    dev:\n      type: postgres\n      threads: many\n' });
    expect(await runCli(['ls'], dir)).toEqual({
      code: 2,
      stdout: '',
      stderr: 'profiles.yml:5:7: error: target type "postgres" is not supported — modelrun runs on duckdb\nprofiles.yml:6:7: error: threads must be a whole number of at least 1 (got "many")\n',
    });
  });

  it('without profiles.yml in either place, ~/.modelrun is used last', async () => {
    const dir = makeProject({ 'models/x.sql': 'select 1 as x\n' });
    rmSync(join(dir, 'profiles.yml'));
    const home = mkdtempSync(join(tmpdir(), 'modelrun-home-'));
    const missing = await runCli(['ls'], dir, { HOME: home });
    expect(missing).toEqual({
      code: 2,
      stdout: '',
      stderr: `error: no profiles.yml found in ${realpathSync(dir)}, ${join(home, '.modelrun')} — create one with a "test_project" profile\n`,
    });
    writeFile(home, '.modelrun/profiles.yml', CI_PROFILES);
    const found = await runCli(['debug'], dir, { HOME: home });
    ok(found);
    expect(lines(found.stdout).slice(1, 3)).toEqual([`profile:           test_project (${join(home, '.modelrun/profiles.yml')})`, 'target:            ci']);
    ok(await runCli(['run'], dir, { HOME: home }));
    expect(existsSync(join(dir, 'ci.duckdb'))).toBe(true);
  });

  it('with --project-dir from another cwd, relative paths resolve against the project dir', async () => {
    // The cwd holds a project of its own, with a profiles.yml naming another warehouse: neither must be used.
    const root = makeProject({
      'profiles.yml': 'test_project:\n  target: dev\n  outputs:\n    dev: { type: duckdb, path: cwd.duckdb }\n',
      'proj/project.yml': 'name: test_project\nprofile: test_project\n',
      'proj/profiles.yml': 'test_project:\n  target: dev\n  outputs:\n    dev: { type: duckdb, path: data/wh.duckdb }\n',
      'proj/models/x.sql': '{{config materialized="table"}}\nselect 7 as x\n',
    });
    const r = await runCli(['run', '--project-dir', 'proj'], root);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const db = join(root, 'proj/data/wh.duckdb');
    expect(existsSync(db)).toBe(true);
    expect(existsSync(join(root, 'cwd.duckdb'))).toBe(false);
    expect(existsSync(join(root, 'data'))).toBe(false);
    expect(existsSync(join(root, 'proj/target/run_results.json'))).toBe(true);
    expect(existsSync(join(root, 'target'))).toBe(false);
    expect(await query(db, 'select x from main.x')).toEqual([{ x: 7 }]);
  });

  it('with --project-dir and a relative --profiles-dir, the warehouse path still resolves against the project dir', async () => {
    const root = mkdtempSync(join(tmpdir(), 'modelrun-cwd-'));
    mkdirSync(join(root, 'profiles'));
    writeFile(root, 'profiles/profiles.yml', CI_PROFILES);
    const proj = makeProject({ 'models/x.sql': 'select 1 as x\n' });
    const r = await runCli(['run', '--project-dir', proj, '--profiles-dir', 'profiles'], root);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("Concurrency: 2 threads (target='ci')");
    expect(existsSync(join(proj, 'ci.duckdb'))).toBe(true);
    expect(existsSync(join(root, 'ci.duckdb'))).toBe(false);
    expect(existsSync(join(root, 'profiles/ci.duckdb'))).toBe(false);
  });
});

// ---------------------------------------------------------------------------------------------
// config precedence
// ---------------------------------------------------------------------------------------------

describe.concurrent('config precedence', () => {
  // Folder says table; schema YAML says view for p2 and p3; p3's own {{config}} says table again.
  const files = {
    'project.yml': 'name: test_project\nprofile: test_project\nmodels:\n  test_project:\n    marts:\n      +materialized: table\n',
    'models/marts/p1.sql': 'select 1 as v\n',
    'models/marts/p2.sql': 'select 2 as v\n',
    'models/marts/p3.sql': '{{config materialized="table"}}\nselect 3 as v\n',
    'models/marts/schema.yml': 'version: 2\nmodels:\n  - name: p2\n    config: { materialized: view }\n  - name: p3\n    config: { materialized: view }\n',
    'models/p0.sql': 'select 0 as v\n',
  };

  it('folder < schema YAML < {{config}}, seen in ls --output json', async () => {
    const dir = makeProject(files);
    const r = await runCli(['ls', '--output', 'json'], dir);
    ok(r);
    const byName = Object.fromEntries(
      lines(r.stdout)
        .map((l) => JSON.parse(l) as { name: string; config: { materialized: string } })
        .map((n) => [n.name, n.config.materialized]),
    );
    expect(byName).toEqual({ p0: 'view', p1: 'table', p2: 'view', p3: 'table' });
  });

  it('folder < schema YAML < {{config}}, seen in the relations built', async () => {
    const dir = makeProject(files);
    const r = await runCli(['run'], dir);
    ok(r);
    const kinds = await query(
      join(dir, 'warehouse.duckdb'),
      "select table_name as name, 'table' as kind from duckdb_tables() where database_name = current_database() and schema_name <> 'modelrun' union all select view_name, 'view' from duckdb_views() where not internal and database_name = current_database() order by 1",
    );
    expect(kinds).toEqual([
      { name: 'p0', kind: 'view' },
      { name: 'p1', kind: 'table' },
      { name: 'p2', kind: 'view' },
      { name: 'p3', kind: 'table' },
    ]);
  });
});
