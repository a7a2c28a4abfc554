import { readFileSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { artifacts, coldArtifacts, coldCopy, SHOP as FILES } from '../../compile/test-support/compile-fixtures.js';
import { runCli, tempFolders, writeFile } from '../../test-support/project.js';

const temp = tempFolders();

/** Compiled files that compile, as dbt, leaves where they were when their model goes away or moves. */
const LEFT_BEHIND = ['compiled/test_project/models/marts/extra.sql', 'compiled/test_project/models/marts/totals.sql'];

describe.concurrent('compile after edits', () => {
  it('leaves the same artifacts, byte for byte, as a cold compile of the same project', async () => {
    const dir = temp.project(FILES);
    expect((await runCli(['compile'], dir)).code).toBe(0);
    const edits: [string, () => void][] = [
      // Edits that change no ref, source or config: only the edited files are compiled again (see compileEdits).
      ['a model\'s query', () => writeFile(dir, 'models/marts/totals.sql', FILES['models/marts/totals.sql']!.replace('count(*) as n', 'count(*) as n, max(usd) as top'))],
      ['the same model again, lines moved', () => writeFile(dir, 'models/marts/totals.sql', `-- totals\n\n${FILES['models/marts/totals.sql']!}`)],
      ['a singular test', () => writeFile(dir, 'tests/no_negative.sql', 'select * from {{ref "orders"}} where usd < -1\n')],
      ['a model and a staging model', () => {
        writeFile(dir, 'models/marts/totals.sql', FILES['models/marts/totals.sql']!);
        writeFile(dir, 'models/staging/stg_orders.sql', 'select id, amount, code from {{source "shop" "orders"}} where id > 0\n');
      }],
      ['a model\'s refs', () => writeFile(dir, 'models/marts/totals.sql', 'select count(*) as n from {{ref "orders"}} join {{ref "stg_orders"}} using (id)\n')],
      ['a model\'s config', () => writeFile(dir, 'models/marts/totals.sql', '{{config materialized="table"}}\nselect count(*) as n from {{ref "orders"}}\n')],
      ['a model', () => writeFile(dir, 'models/marts/orders.sql', FILES['models/marts/orders.sql']!.replace('as usd', 'as usd, 1 as one'))],
      ['an ephemeral parent', () => writeFile(dir, 'models/staging/eph_rates.sql', '{{config materialized="ephemeral"}}\nselect *, 2 as two from {{ref "rates"}}\n')],
      ['a parent\'s alias', () => writeFile(dir, 'models/staging/stg_orders.sql', '{{config alias="orders_v2"}}\nselect id, amount, code from {{source "shop" "orders"}}\n')],
      ['a new model', () => writeFile(dir, 'models/marts/extra.sql', 'select * from {{ref "totals"}}\n')],
      ['a removed model', () => rmSync(join(dir, 'models/marts/extra.sql'))],
      // A rename keeps the file's mtime and size: only its path tells it moved.
      ['a moved model', () => renameSync(join(dir, 'models/marts/totals.sql'), join(dir, 'models/staging/totals.sql'))],
      ['a macro', () => writeFile(dir, 'macros/money.sql', '{{#macro "cents" column scale=3}}round({{column}} / 100.0, {{scale}}){{/macro}}\n')],
      ['schema YAML', () => writeFile(dir, 'models/schema.yml', FILES['models/schema.yml']!.replace('One row per order', 'Orders'))],
    ];
    for (const [what, edit] of edits) {
      edit();
      // The cold compile works on a copy taken before the warm one starts: the two can run side by side.
      const [cold, result] = await Promise.all([coldArtifacts(dir, temp.track), runCli(['compile'], dir)]);
      expect(result.code, `${what}: ${result.stderr}`).toBe(0);
      const warm = artifacts(dir);
      for (const path of LEFT_BEHIND) if (!cold.has(path)) warm.delete(path);
      expect([...warm.keys()].sort(), what).toEqual([...cold.keys()].sort());
      for (const [path, text] of cold) expect(warm.get(path), `${what}: ${path}`).toBe(text);
    }
  });
});

describe.concurrent('compile after edits, under other vars or another environment', () => {
  const edited = (n: number) => FILES['models/marts/totals.sql']!.replace('count(*) as n', `count(*) as n, ${n} as edit`);

  it('leaves what a cold compile with the same --vars leaves', async () => {
    const dir = temp.project(FILES);
    expect((await runCli(['compile'], dir)).code).toBe(0);
    for (const [n, args] of [[1, ['--vars', '{label: some}']], [2, []], [3, []]] as const) {
      writeFile(dir, 'models/marts/totals.sql', edited(n));
      const [cold, warm] = await Promise.all([coldArtifacts(dir, temp.track, args), runCli(['compile', ...args], dir)]);
      expect(warm.code).toBe(0);
      expect(artifacts(dir)).toEqual(cold);
    }
  });

  it('leaves what a cold compile in the same environment leaves, for templates that read it', async () => {
    const dir = temp.project({ ...FILES, 'models/marts/who.sql': 'select \'{{env_var "WHO" "me"}}\' as who\n' });
    expect((await runCli(['compile'], dir, { WHO: 'ann' })).code).toBe(0);
    for (const [n, who] of [[1, 'bob'], [2, 'bob'], [3, 'cy']] as const) {
      writeFile(dir, 'models/marts/totals.sql', edited(n));
      const [cold, warm] = await Promise.all([coldArtifacts(dir, temp.track, [], { WHO: who }), runCli(['compile'], dir, { WHO: who })]);
      expect(warm.code).toBe(0);
      expect(artifacts(dir)).toEqual(cold);
    }
  });
});

describe.concurrent('compile after an edit of queries alone', () => {
  it('compiles the edited files without the rest: the graph snapshot counts the build cache records it appended', async () => {
    const dir = temp.project(FILES);
    const appended = () => readFileSync(join(dir, 'target/modelrun_graph.tsv'), 'utf8').split('\n')[0]!.split('\t')[3];
    expect((await runCli(['compile'], dir)).code).toBe(0);
    expect(appended()).toBe('0');
    writeFile(dir, 'models/marts/totals.sql', FILES['models/marts/totals.sql']!.replace('count(*) as n', 'count(*) as n, 2 as two'));
    expect((await runCli(['compile'], dir)).code).toBe(0);
    expect(appended()).toBe('2');
  });

  it('compiles in full, as a cold compile does, when a crash tore the graph snapshot', async () => {
    // A crash while the snapshot is rewritten in place leaves a new stamp followed by the old line's bytes.
    const tears: [string, (line: string) => string][] = [
      ['a stamp run into its record, the length unchanged', (line) => line.replace('\t', '1')],
      ['a longer stamp over the old bytes', (line) => `9${line.replace('\t', '1')}`],
    ];
    for (const [what, tear] of tears) {
      const dir = temp.project(FILES);
      expect((await runCli(['compile'], dir)).code).toBe(0);
      const file = join(dir, 'target/modelrun_graph.tsv');
      const lines = readFileSync(file, 'utf8').split('\n');
      const at = lines.findIndex((l) => l.includes('totals.sql'));
      lines[at] = tear(lines[at]!);
      writeFile(dir, 'target/modelrun_graph.tsv', lines.join('\n'));
      writeFile(dir, 'models/marts/totals.sql', FILES['models/marts/totals.sql']!.replace('count(*) as n', 'count(*) as n, 2 as two'));
      const [cold, result] = await Promise.all([coldArtifacts(dir, temp.track), runCli(['compile'], dir)]);
      expect(result, what).toMatchObject({ code: 0, stderr: '' });
      expect(artifacts(dir), what).toEqual(cold);
    }
  });

  it('reports SQL that no longer parses as a full compile does, and writes nothing', async () => {
    const dir = temp.project(FILES);
    expect((await runCli(['compile'], dir)).code).toBe(0);
    const manifest = readFileSync(join(dir, 'target/manifest.json'), 'utf8');
    writeFile(dir, 'models/marts/totals.sql', FILES['models/marts/totals.sql']!.replace('count(*) as n', 'count(*) as n,, 2'));
    const edited = await runCli(['compile'], dir);
    const cold = await runCli(['compile'], coldCopy(dir, temp.track));
    expect(edited.code).toBe(2);
    expect(edited.stderr).toContain('models/marts/totals.sql:1:');
    expect(edited.stderr).toBe(cold.stderr);
    expect(readFileSync(join(dir, 'target/manifest.json'), 'utf8')).toBe(manifest);
  });
});

describe.concurrent('compile after another selection', () => {
  it('writes a manifest that says what this compile compiled, even when the cache held every node', async () => {
    const dir = temp.project({ 'models/a.sql': 'select 1 as x\n', 'models/b.sql': 'select * from {{ref "a"}}\n' });
    const compiledFlags = () => {
      const nodes = (JSON.parse(readFileSync(join(dir, 'target/manifest.json'), 'utf8')) as { nodes: Record<string, { compiled: boolean }> }).nodes;
      return Object.fromEntries(Object.entries(nodes).map(([id, n]) => [id, n.compiled]));
    };
    expect((await runCli(['compile'], dir)).code).toBe(0);
    expect((await runCli(['compile', '--select', 'a'], dir)).code).toBe(0);
    expect(compiledFlags()).toEqual({ 'model.test_project.a': true, 'model.test_project.b': false });
    expect((await runCli(['compile'], dir)).code).toBe(0);
    expect(compiledFlags()).toEqual({ 'model.test_project.a': true, 'model.test_project.b': true });
  });
});
