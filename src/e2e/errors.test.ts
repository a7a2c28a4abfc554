/**
 * End-to-end error reporting: every user mistake is one line on stderr, `file:line:col: error: message`
 * (or `warning:`), with the right exit code (2 = the project cannot run, 1 = a model failed at runtime),
 * no stack trace, and the warehouse left as it was.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CLI, expectStderr, makeProject, query, runCli, writeFile, type CliResult } from '../test-support/project.js';

const REPO_ROOT = resolve(CLI, '../../..');

function noStackTrace(r: CliResult): void {
  expect(r.stderr).not.toMatch(/^\s+at .+\(.*:\d+:\d+\)$/m);
  expect(r.stdout).not.toMatch(/^\s+at .+\(.*:\d+:\d+\)$/m);
}

const PROFILES_DEV_PROD = 'test_project:\n  target: dev\n  outputs:\n    dev: { type: duckdb, path: warehouse.duckdb }\n    prod: { type: duckdb, path: prod.duckdb }\n';

const CENTS_MACRO = '{{#macro "cents" column scale=2}}round({{column}} / 100.0, {{scale}}){{/macro}}\n';

// ---------------------------------------------------------------------------------------------
// project.yml
// ---------------------------------------------------------------------------------------------

describe.concurrent('project.yml', () => {
  it('invalid YAML syntax is reported at its line and column', async () => {
    const dir = makeProject({ 'project.yml': 'name: test_project\nprofile: test_project\nvars: a: b\n', 'models/x.sql': 'select 1 as x\n' });
    const r = await runCli(['ls'], dir);
    expectStderr(r, ['project.yml:3:7: error: invalid YAML: Nested mappings are not allowed in compact mappings'], 2);
    expect(r.stdout).toBe('');
  });

  it('a missing name is an error', async () => {
    const dir = makeProject({ 'project.yml': 'profile: test_project\n', 'models/x.sql': 'select 1 as x\n' });
    const r = await runCli(['ls'], dir);
    expectStderr(r, ['project.yml:1:1: error: project.yml needs `name:` made of letters, digits and underscores, e.g. `name: my_project`'], 2);
  });

  it('an unknown top-level key is a warning naming the nearest valid key, and the command still succeeds', async () => {
    const dir = makeProject({ 'project.yml': 'name: test_project\nprofile: test_project\nmodel-path: [models]\n', 'models/x.sql': 'select 1 as x\n' });
    const r = await runCli(['ls'], dir);
    expectStderr(r, ['project.yml:3:1: warning: unknown key "model-path" in project.yml — did you mean "model-paths"? (ignored)'], 0);
    expect(r.stdout).toBe('test_project.x\n');
  });

  it('an invalid +materialized in a folder config is an error suggesting "table"', async () => {
    const dir = makeProject({
      'project.yml': 'name: test_project\nprofile: test_project\nmodels:\n  test_project:\n    staging:\n      +materialized: tabel\n',
      'models/staging/x.sql': 'select 1 as x\n',
    });
    const r = await runCli(['ls'], dir);
    expectStderr(r, ['project.yml:6:7: error: config "materialized" must be one of view, table, incremental, ephemeral (got "tabel") — did you mean "table"?'], 2);
  });

  it('--vars that is not a YAML mapping is an error', async () => {
    const dir = makeProject({ 'models/x.sql': 'select 1 as x\n' });
    const r = await runCli(['ls', '--vars', '{x: 1'], dir);
    expectStderr(r, [`error: --vars must be a YAML mapping, e.g. --vars '{lookback_hours: 12}' (got "{x: 1")`], 2);
    const r2 = await runCli(['ls', '--vars', 'just text'], dir);
    expectStderr(r2, [`error: --vars must be a YAML mapping, e.g. --vars '{lookback_hours: 12}' (got "just text")`], 2);
  });
});

// ---------------------------------------------------------------------------------------------
// profiles.yml
// ---------------------------------------------------------------------------------------------

describe.concurrent('profiles.yml', () => {
  it('a missing profile suggests the nearest one', async () => {
    const dir = makeProject({ 'project.yml': 'name: test_project\nprofile: test_projct\n', 'models/x.sql': 'select 1 as x\n' });
    const r = await runCli(['ls'], dir);
    expectStderr(r, ['profiles.yml:1:1: error: profile "test_projct" is not in profiles.yml — did you mean "test_project"?'], 2);
  });

  it('an unknown target given with -t is an error listing the targets', async () => {
    const dir = makeProject({ 'profiles.yml': PROFILES_DEV_PROD, 'models/x.sql': 'select 1 as x\n' });
    const r = await runCli(['ls', '-t', 'prd'], dir);
    expectStderr(r, ['profiles.yml:3:3: error: target "prd" is not defined in profile "test_project" — did you mean "prod"? (targets: dev, prod)'], 2);
    const r2 = await runCli(['ls', '-t', 'staging'], dir);
    expectStderr(r2, ['profiles.yml:3:3: error: target "staging" is not defined in profile "test_project" (targets: dev, prod)'], 2);
  });

  it('threads that are not a whole number of at least 1 are an error', async () => {
    const dir = makeProject({
      'profiles.yml': 'test_project:\n  target: dev\n  outputs:\n    dev:\n      type: duckdb\n      path: warehouse.duckdb\n      threads: many\n',
      'models/x.sql': 'select 1 as x\n',
    });
    const r = await runCli(['ls'], dir);
    expectStderr(r, ['profiles.yml:7:7: error: threads must be a whole number of at least 1 (got "many")'], 2);
  });

  it('{{env_var}} of an unset variable without a default is an error at its line', async () => {
    const dir = makeProject({
      'profiles.yml': 'test_project:\n  target: dev\n  outputs:\n    dev:\n      type: duckdb\n      path: "{{env_var \\"MODELRUN_E2E_UNSET_DB\\"}}"\n',
      'models/x.sql': 'select 1 as x\n',
    });
    const r = await runCli(['ls'], dir);
    expectStderr(r, ['profiles.yml:6: error: environment variable MODELRUN_E2E_UNSET_DB is not set — export it, or give a default: {{env_var "MODELRUN_E2E_UNSET_DB" "default"}}'], 2);
  });
});

// ---------------------------------------------------------------------------------------------
// schema YAML
// ---------------------------------------------------------------------------------------------

describe.concurrent('schema YAML', () => {
  it('an unknown config key is a warning naming the nearest key', async () => {
    const dir = makeProject({
      'models/x.sql': 'select 1 as x\n',
      'models/schema.yml': 'version: 2\nmodels:\n  - name: x\n    config:\n      materialised: table\n',
    });
    const r = await runCli(['ls'], dir);
    expectStderr(r, ['models/schema.yml:5:7: warning: unknown model config "materialised" — did you mean "materialized"? (ignored)'], 0);
    expect(r.stdout).toBe('test_project.x\n');
  });

  it('an invalid materialized value in config: is an error', async () => {
    const dir = makeProject({
      'models/x.sql': 'select 1 as x\n',
      'models/schema.yml': 'version: 2\nmodels:\n  - name: x\n    config:\n      materialized: tabel\n',
    });
    const r = await runCli(['ls'], dir);
    expectStderr(r, ['models/schema.yml:5:7: error: config "materialized" must be one of view, table, incremental, ephemeral (got "tabel") — did you mean "table"?'], 2);
  });

  it('a model described with no .sql file is a warning', async () => {
    const dir = makeProject({
      'models/x.sql': 'select 1 as x\n',
      'models/schema.yml': 'version: 2\nmodels:\n  - name: x\n  - name: ghost\n    description: no such model\n',
    });
    const r = await runCli(['ls'], dir);
    expectStderr(r, ['models/schema.yml:4:5: warning: model "ghost" is described here but has no .sql file'], 0);
    expect(r.stdout).toBe('test_project.x\n');
  });
});

// ---------------------------------------------------------------------------------------------
// templates
// ---------------------------------------------------------------------------------------------

describe.concurrent('templates', () => {
  const compileModel = (sql: string, extra: Record<string, string> = {}) => runCli(['compile'], makeProject({ 'models/m.sql': sql, ...extra }));

  it('an unknown helper is located and suggests "ref"', async () => {
    const r = await compileModel('select 1 as x\nfrom {{reff "x"}}\n');
    expectStderr(r, ['models/m.sql:2:6: error: unknown helper or macro "reff" — did you mean "ref"?'], 2);
  });

  it('an unknown variable is located', async () => {
    const r = await compileModel('select 1 as x\n{{#if is_incremntal}}where 1 = 1{{/if}}\n');
    expectStderr(r, ['models/m.sql:2:7: error: unknown variable "is_incremntal" — did you mean "is_incremental"?'], 2);
    const r2 = await compileModel('select {{colum}} as x\n');
    expectStderr(r2, ['models/m.sql:1:10: error: unknown variable "colum"'], 2);
  });

  it('ref with the wrong number of arguments', async () => {
    const r = await compileModel('select *\nfrom {{ref}}\n');
    expectStderr(r, ['models/m.sql:2:6: error: ref takes 1 or 2 arguments, got 0 — write {{ref "model_name"}}'], 2);
    const r2 = await compileModel('select * from {{ref "a" "b" "c"}}\n');
    expectStderr(r2, ['models/m.sql:1:15: error: ref takes 1 or 2 arguments, got 3 — write {{ref "model_name"}}'], 2);
  });

  it('source with the wrong number of arguments', async () => {
    const r = await compileModel('select * from {{source "raw"}}\n');
    expectStderr(r, ['models/m.sql:1:15: error: source takes 2 arguments, got 1 — write {{source "source_name" "table_name"}}'], 2);
  });

  it('an unclosed {{#if}} is a syntax error at its opening tag', async () => {
    const r = await compileModel('select 1 as x\n{{#if is_incremental}}\nwhere 1 = 1\n');
    expectStderr(r, ['models/m.sql:2:1: error: template syntax error: "{{#if}}" opened here is never closed — add "{{/if}}"'], 2);
  });

  it('a block closed by another name is a syntax error at the close, naming the open block', async () => {
    const r = await compileModel('select 1 as x\n{{#if is_incremental}}\n  {{#each target}}x{{/if}}\n');
    expectStderr(r, ['models/m.sql:3:20: error: template syntax error: "{{/if}}" does not close "{{#each}}" opened at 3:3 — add "{{/each}}" before it, or write "{{/each}}" instead'], 2);
  });

  it('an unclosed "{{" is one error at its opening: the model still exists for the refs to it and its schema entry', async () => {
    // Handlebars notices only at the next tag, {{/if}} on line 4.
    const r = await runCli(['compile'], makeProject({
      'models/stg.sql': 'select 1 as id\n',
      'models/fact.sql': 'select *\n{{#if is_incremental}}from {{ref "stg"}}{{else}}\nfrom {{ref "stg" s\n{{/if}}\n',
      'models/dim.sql': 'select * from {{ref "fact"}}\n',
      'models/schema.yml': 'version: 2\nmodels:\n  - name: fact\n',
    }));
    expectStderr(r, ['models/fact.sql:3:6: error: template syntax error: "{{" opened here is never closed — add "}}"'], 2);
  });

  it('a macro file that does not parse is one error at its place, not one more at each call of its macros and tests', async () => {
    const r = await compileModel('select {{cents "amount" 1 2 3}} as x, {{other}} as y\n', {
      // An example in a comment of the broken file declares nothing: "other" is defined once, in other.sql.
      'macros/money.sql': '{{~!-- e.g. {{#macro "other"}}2{{/macro}} --~}}\n{{!-- {{#test "other"}} --}}\n{{#macro "cents" column scale=2}}round({{column}} / 100.0, {{scale}){{/macro}}\n{{#test "positive" model column_name}}select 1{{/test}}\n',
      'macros/other.sql': '{{#macro "other"}}1{{/macro}}\n',
      'models/schema.yml': 'version: 2\nmodels:\n  - name: m\n    columns:\n      - name: x\n        tests: [positive]\n',
    });
    expectStderr(r, ['macros/money.sql:3:60: error: template syntax error: "{{" opened here is never closed — add "}}"'], 2);
  });

  it('a syntax error in the middle of a line points at its real column', async () => {
    // `=` inside {{ }} is on line 2, column 33.
    const r = await compileModel('select 1 as a, 2 as b, 3 as c\nfrom x where yyyyyyyyyyyyy = {{ = }}\n');
    expectStderr(r, ['models/m.sql:2:33: error: template syntax error: unexpected "=" — a name or a value belongs here'], 2);
  });

  it('{{var}} undefined without a default is a render error at file:line:col', async () => {
    const r = await compileModel('select 1 as x,\n  {{var "nope"}} as y\n');
    expectStderr(r, [`models/m.sql:2:3: error: var "nope" is not defined — set it under vars: in project.yml, pass --vars '{nope: ...}', or give a default: {{var "nope" default}}`], 2);
  });

  it('{{env_var}} unset without a default is a render error at file:line:col', async () => {
    const r = await compileModel('select 1 as x,\n  {{env_var "MODELRUN_E2E_NOPE"}} as y\n');
    expectStderr(r, ['models/m.sql:2:3: error: environment variable MODELRUN_E2E_NOPE is not set — export it, or give a default: {{env_var "MODELRUN_E2E_NOPE" "default"}}'], 2);
  });

  it('a macro called without a required argument', async () => {
    const r = await compileModel('select\n  {{cents}} as x\n', { 'macros/money.sql': CENTS_MACRO });
    expectStderr(r, ['models/m.sql:2:3: error: macro cents is missing argument "column"'], 2);
  });

  it('a macro called with an unknown argument', async () => {
    const r = await compileModel('select\n  {{cents "amount" scal=3}} as x\n', { 'macros/money.sql': CENTS_MACRO });
    expectStderr(r, ['models/m.sql:2:3: error: macro cents has no argument "scal" — did you mean "scale"?'], 2);
  });

  it('two macros with one name', async () => {
    const r = await compileModel('select {{cents "amount"}} as x\n', {
      'macros/money.sql': CENTS_MACRO,
      'macros/other.sql': '\n{{#macro "cents" c}}{{c}}{{/macro}}\n',
    });
    expectStderr(r, ['macros/other.sql:2:1: error: macro "cents" is defined twice: macros/money.sql:1 and here — rename one'], 2);
  });

  it('a macro file with a helper call outside macro blocks', async () => {
    const r = await compileModel('select {{cents "amount"}} as x\n', { 'macros/money.sql': CENTS_MACRO + '{{var "x"}}\n' });
    expectStderr(r, ['macros/money.sql:2:1: error: a macro file may only hold {{#macro "name" arg ...}} ... {{/macro}} blocks'], 2);
  });

  it('a macro file with SQL text outside macro blocks', async () => {
    const r = await compileModel('select {{cents "amount"}} as x\n', { 'macros/money.sql': 'select 1;\n' + CENTS_MACRO });
    expectStderr(r, ['macros/money.sql:1:1: error: a macro file may only hold {{#macro "name" arg ...}} ... {{/macro}} blocks — move SQL into a model'], 2);
  });
});

// ---------------------------------------------------------------------------------------------
// graph
// ---------------------------------------------------------------------------------------------

describe.concurrent('graph', () => {
  it('a ref to a missing model suggests the nearest one, at file:line:col', async () => {
    const dir = makeProject({
      'models/staging/stg_orders.sql': 'select 1 as id\n',
      'models/marts/orders.sql': 'select *\nfrom {{ref "stg_ordrs"}}\n',
    });
    const r = await runCli(['compile'], dir);
    expectStderr(r, ['models/marts/orders.sql:2:6: error: ref "stg_ordrs" does not match any model or seed — did you mean "stg_orders"?'], 2);
  });

  it('a ref made in a macro is by the name the macro gives, at the macro call', async () => {
    const dir = makeProject({
      'macros/rel.sql': '{{#macro "orders"}}{{ref "stg_ordrs"}}{{/macro}}\n',
      'models/stg_orders.sql': 'select 1 as id\n',
      'models/a.sql': 'select *\nfrom {{orders}}\n',
    });
    const r = await runCli(['compile'], dir);
    expectStderr(r, ['models/a.sql:2:6: error: ref "stg_ordrs" does not match any model or seed — did you mean "stg_orders"?'], 2);
  });

  it('a cycle is printed with both files', async () => {
    const dir = makeProject({ 'models/a.sql': 'select * from {{ref "b"}}\n', 'models/b.sql': 'select * from {{ref "a"}}\n' });
    const r = await runCli(['compile'], dir);
    expectStderr(r, ['models/a.sql:1:15: error: dependency cycle: a → b → a (models/a.sql, models/b.sql) — a model cannot depend on itself, directly or through others: remove this ref or another one of the cycle'], 2);
  });

  it('a cycle closed through a macro is reported at the macro call', async () => {
    const dir = makeProject({
      'macros/rel.sql': '{{#macro "from_c"}}{{ref "c"}}{{/macro}}\n',
      'models/a.sql': 'select *\nfrom {{from_c}}\n',
      'models/b.sql': 'select * from {{ref "a"}}\n',
      'models/c.sql': 'select * from {{ref "b"}}\n',
    });
    const r = await runCli(['compile'], dir);
    expectStderr(r, ['models/a.sql:2:6: error: dependency cycle: a → b → c → a (models/a.sql, models/b.sql, models/c.sql) — a model cannot depend on itself, directly or through others: remove this ref or another one of the cycle'], 2);
  });

  it('two models with one name in different folders', async () => {
    const dir = makeProject({ 'models/x/dup.sql': 'select 1 as id\n', 'models/y/dup.sql': 'select 2 as id\n' });
    const r = await runCli(['compile'], dir);
    expectStderr(r, ['models/y/dup.sql:1:1: error: two models are named "dup": models/x/dup.sql:1:1 and models/y/dup.sql:1:1 — rename one of the files (refs name models and seeds by file, so names must be unique; an alias only renames the table)'], 2);
  });

  it('a seed and a model with one name, and two singular tests with one name', async () => {
    const dir = makeProject({ 'seeds/dup.csv': 'id\n1\n', 'models/dup.sql': 'select 2 as id\n', 'tests/x/t.sql': 'select 1 as id where false\n', 'tests/y/t.sql': 'select 1 as id where false\n' });
    const r = await runCli(['compile'], dir);
    expectStderr(r, [
      'models/dup.sql:1:1: error: two nodes are named "dup": seeds/dup.csv:1:1 and models/dup.sql:1:1 — rename one of the files (refs name models and seeds by file, so names must be unique; an alias only renames the table)',
      'tests/y/t.sql:1:1: error: two singular tests are named "t": tests/x/t.sql:1:1 and tests/y/t.sql:1:1 — rename one of the files',
    ], 2);
  });

  it('two nodes that build one table, through alias or schema, or landing', async () => {
    const dir = makeProject({
      'seeds/statuses.csv': 'status\nplaced\n',
      'models/statuses_v2.sql': '{{config alias="Statuses"}}\nselect 1 as id\n',
      'models/a.sql': '{{config materialized="incremental" alias="t"}}\nselect 1 as id\n',
      'models/b.sql': '{{config materialized="table" alias="t"}}\nselect 1 as id\n',
      'models/eph.sql': '{{config materialized="ephemeral" alias="t"}}\nselect 1 as id\n',
      'models/events.sql': '{{config schema="raw"}}\nselect 1 as id\n',
      'models/sources.yml': 'version: 2\nsources:\n  - name: app\n    schema: raw\n    loader: supabase\n    tables:\n      - name: events\n        primary_key: id\n        cursor_field: id\n',
    });
    const r = await runCli(['compile'], dir);
    expectStderr(r, [
      'models/b.sql:1:1: error: model b and model a (models/a.sql) both build the table main.t — give one of them another alias or schema',
      'models/statuses_v2.sql:1:1: error: model statuses_v2 and seed statuses (seeds/statuses.csv) both build the table main.Statuses — give one of them another alias or schema',
      'models/sources.yml:1:1: error: source app.events and model events (models/events.sql) both build the table raw.events — give one of them another alias or schema',
    ], 2);
  });

  it('an undeclared source', async () => {
    const dir = makeProject({ 'models/a.sql': 'select *\nfrom {{source "raw" "orders"}}\n' });
    const r = await runCli(['compile'], dir);
    expectStderr(r, ['models/a.sql:2:6: error: source "raw.orders" is not declared in any schema YAML'], 2);
    writeFile(dir, 'models/sources.yml', 'version: 2\nsources:\n  - name: raw\n    tables:\n      - name: order\n');
    const r2 = await runCli(['compile'], dir);
    expectStderr(r2, ['models/a.sql:2:6: error: source "raw.orders" is not declared in any schema YAML — did you mean "raw.order"?'], 2);
  });
});

// ---------------------------------------------------------------------------------------------
// SQL
// ---------------------------------------------------------------------------------------------

describe.concurrent('SQL', () => {
  it('a model that does not parse names the template file, the TEMPLATE line and the column', async () => {
    // Rendered, {{config}} leaves nothing and the macro spans three lines: the bad line is 5 of the
    // rendered SQL, 4 of the template.
    const dir = makeProject({
      'macros/money.sql': '{{#macro "cents" column scale=2}}round(\n  {{column}}\n  / 100.0, {{scale}}){{/macro}}\n',
      'models/bad.sql': '{{config materialized="table"}}\nselect 1 as a,\n  {{cents "amount"}} as dollars\nfrom where\n',
    });
    const r = await runCli(['compile'], dir);
    expectStderr(r, ['models/bad.sql:4:6: error: SQL does not parse: syntax error at or near "where"'], 2);
    expect(existsSync(join(dir, 'target/compiled/test_project/models/bad.sql'))).toBe(false);
  });

  it('a model with two statements', async () => {
    const dir = makeProject({ 'models/two.sql': 'select 1 as a;\nselect 2 as b\n' });
    const r = await runCli(['compile'], dir);
    expectStderr(r, ['models/two.sql: error: model two holds 2 statements — a model is exactly one SELECT query'], 2);
  });

  it('a model that is not a SELECT', async () => {
    const dir = makeProject({ 'models/ddl.sql': '{{config materialized="table"}}\ncreate table x as select 1 as a\n' });
    const r = await runCli(['compile'], dir);
    expectStderr(r, ['models/ddl.sql:2: error: model ddl must be a SELECT query, not CREATE — modelrun writes the CREATE statement itself'], 2);
  });

  it('a model that is not a SELECT, after a comment, points at the CREATE line', async () => {
    const dir = makeProject({ 'models/ddl.sql': '{{config materialized="table"}}\n-- builds x\ncreate table x as select 1 as a\n' });
    const r = await runCli(['compile'], dir);
    expectStderr(r, ['models/ddl.sql:3: error: model ddl must be a SELECT query, not CREATE — modelrun writes the CREATE statement itself'], 2);
  });

  it('a runtime error exits 1 and names the model file and the template line', async () => {
    const dir = makeProject({
      'models/base.sql': 'select 1 as id, 2 as amount\n',
      'models/x.sql': '{{config materialized="table"}}\nselect id,\n  amout * 2 as doubled\nfrom {{ref "base"}}\n',
    });
    const r = await runCli(['run'], dir);
    expect(r.code).toBe(1);
    noStackTrace(r);
    expect(r.stdout).toMatch(/^2 of 2 ERROR sql table model main\.x \.+ \[ERROR in \d+\.\d\ds\]$/m);
    expect(r.stdout).toContain('\nmodels/x.sql:3: error: model x: Binder Error: Referenced column "amout" not found in FROM clause! Candidate bindings: "amount"\n');
    expect(r.stdout).toMatch(/^Finished running 2 models in \d+\.\d\ds\.  PASS=1 WARN=0 ERROR=1 SKIP=0 TOTAL=2$/m);
  });
});

// ---------------------------------------------------------------------------------------------
// lock
// ---------------------------------------------------------------------------------------------

describe('lock', () => {
  it('a warehouse held by another process stops run at once with exit 2 and no stack trace', async () => {
    const dir = makeProject({ 'models/x.sql': 'select 1 as x\n' });
    const db = join(dir, 'warehouse.duckdb');
    const script = [
      "import { DuckDBInstance } from '@duckdb/node-api';",
      'const instance = await DuckDBInstance.create(process.argv[1]);',
      'await instance.connect();',
      "console.log('ready');",
      'setInterval(() => {}, 1000);',
    ].join('\n');
    // Run from the repository so the holder resolves @duckdb/node-api like the CLI does.
    const holder = spawn(process.execPath, ['--input-type=module', '-e', script, db], { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    try {
      await new Promise<void>((resolveReady, reject) => {
        let out = '';
        let err = '';
        holder.stdout.on('data', (d: Buffer) => {
          out += d.toString();
          if (out.includes('ready')) resolveReady();
        });
        holder.stderr.on('data', (d: Buffer) => (err += d.toString()));
        holder.on('exit', (code) => reject(new Error(`lock holder exited with ${String(code)}: ${err}`)));
      });
      const r = await runCli(['run'], dir);
      expect(r.code).toBe(2);
      noStackTrace(r);
      const lines = r.stderr.split('\n').filter((l) => l !== '');
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(
        new RegExp(`^error: warehouse warehouse\\.duckdb is locked by another process \\(PID ${holder.pid!}, [^)]+\\) — wait for it to finish or stop it, then run again$`),
      );
    } finally {
      holder.kill('SIGKILL');
    }
  });
});

// ---------------------------------------------------------------------------------------------
// the warehouse is left untouched
// ---------------------------------------------------------------------------------------------

describe.concurrent('errors leave the warehouse untouched', () => {
  const KEEP = { 'models/keep.sql': '{{config materialized="table"}}\nselect * from range(10) t(n)\n' };
  const RELATIONS =
    "select table_name as name from duckdb_tables() where database_name = current_database() and schema_name <> 'modelrun' union all select view_name from duckdb_views() where not internal and database_name = current_database() order by 1";

  /** A project whose warehouse already holds main.keep with 3 rows (the model would now build 10). */
  async function projectWithWarehouse(files: Record<string, string>): Promise<{ dir: string; db: string }> {
    const dir = makeProject({ ...KEEP, ...files });
    const db = join(dir, 'warehouse.duckdb');
    await query(db, 'create table main.keep as select * from range(3) t(n)');
    return { dir, db };
  }

  const broken: [what: string, command: string, files: Record<string, string>][] = [
    ['a project.yml error', 'run', { 'project.yml': 'name: test_project\nprofile: test_project\nvars: a: b\n' }],
    ['a profiles.yml error', 'build', { 'profiles.yml': 'test_project:\n  target: dev\n  outputs:\n    dev: { type: duckdb, path: warehouse.duckdb, threads: 0 }\n' }],
    ['a schema YAML error', 'run', { 'models/schema.yml': 'version: 2\nmodels:\n  - name: keep\n    config:\n      materialized: tabel\n' }],
    ['a template error', 'run', { 'models/broken.sql': 'select * from {{reff "keep"}}\n' }],
    ['a render error', 'build', { 'models/broken.sql': 'select {{var "nope"}} as x\n' }],
    ['a missing ref', 'run', { 'models/broken.sql': 'select * from {{ref "kep"}}\n' }],
    ['a SQL parse error', 'run', { 'models/broken.sql': 'select from where\n' }],
    ['a SQL parse error (compile)', 'compile', { 'models/broken.sql': 'select from where\n' }],
    ['a non-SELECT model', 'run', { 'models/broken.sql': 'drop table keep\n' }],
  ];

  it.each(broken)('%s stops `%s` before anything is built', async (_what, command, files) => {
    const { dir, db } = await projectWithWarehouse(files);
    const r = await runCli([command], dir);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^(\S+: )?error: /);
    noStackTrace(r);
    expect(await query(db, 'select count(*)::int as n from main.keep')).toEqual([{ n: 3 }]);
    expect(await query(db, RELATIONS)).toEqual([{ name: 'keep' }]);
  });

  it('a runtime failure leaves the previous table and its rows in place', async () => {
    const { dir, db } = await projectWithWarehouse({ 'models/keep.sql': '{{config materialized="table"}}\nselect n, no_such_column\nfrom range(10) t(n)\n' });
    const r = await runCli(['run'], dir);
    expect(r.code).toBe(1);
    noStackTrace(r);
    expect(r.stdout).toContain('\nmodels/keep.sql:2: error: model keep: Binder Error: Referenced column "no_such_column" not found in FROM clause!');
    expect(await query(db, 'select count(*)::int as n from main.keep')).toEqual([{ n: 3 }]);
    expect(await query(db, RELATIONS)).toEqual([{ name: 'keep' }]);
  });

  it('a run stopped by a compile error does not create a warehouse that did not exist', async () => {
    const dir = makeProject({ 'models/broken.sql': 'select from where\n' });
    const r = await runCli(['run'], dir);
    expectStderr(r, ['models/broken.sql:1:13: error: SQL does not parse: syntax error at or near "where"'], 2);
    expect(existsSync(join(dir, 'warehouse.duckdb'))).toBe(false);
  });
});
