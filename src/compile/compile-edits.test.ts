import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { editsScope } from '../cli/commands/compile.js';
import { loadFullProject, loadSettings } from '../project/load.js';
import { runCli, tempFolders, writeFile } from '../test-support/project.js';
import { compileEdits, writeGraphSnapshot } from './compile-edits.js';
import { artifacts, coldArtifacts, compileHere, SHOP } from './test-support/compile-fixtures.js';

const temp = tempFolders();

/** The shop, with an incremental model and a model that schema YAML configures. */
const FILES: Record<string, string> = {
  ...SHOP,
  'models/marts/events.sql': '{{config materialized="incremental"}}\nselect * from {{ref "stg_orders"}}\n',
  'models/schema.yml': `${SHOP['models/schema.yml']}  - name: totals\n    description: "All orders"\n    config: { alias: order_totals }\n`,
};
const TOTALS = SHOP['models/marts/totals.sql']!;
const withTotals = (from: string, to: string) => TOTALS.replace(from, to);

/** Parses as DuckDB would for these tests: one statement per query sent. */
const parser = { parse: async (sql: string) => ({ statements: sql.split('\n;\n').length }) };

const REPORT = { warehouse: true, warnings: [], found: 'Found 5 models', compiledTo: 'Compiled 9 nodes to target/compiled' };

/** compileEdits on the project as it is now. */
async function compileEditsOf(dir: string, opts: Parameters<typeof editsScope>[1] = {}) {
  const { settings } = loadSettings({ projectDir: dir });
  return compileEdits({ settings: settings!, scope: editsScope(settings!, opts), checker: parser, generatedAt: '2024-01-01T00:00:00.000Z', invocationId: 'id' });
}

/**
 * A project compiled in full by the CLI's compile, with the graph snapshot written again by this
 * process: the scope covers the build of modelrun, which here is the TypeScript source, not dist/.
 */
async function compiledProject(): Promise<string> {
  const dir = temp.project(FILES);
  await compileHere(dir);
  const { project } = loadFullProject({ projectDir: dir });
  writeGraphSnapshot(project!, REPORT, editsScope(loadSettings({ projectDir: dir }).settings!, {}));
  return dir;
}

describe('compileEdits', () => {
  it('compiles edited queries alone, leaving what a full compile leaves, and again on top of that', async () => {
    const dir = await compiledProject();
    writeFile(dir, 'models/marts/totals.sql', `-- how many\n${withTotals('count(*) as n', 'count(*) as n, max(usd) as top')}`);
    writeFile(dir, 'tests/no_negative.sql', 'select * from {{ref "orders"}} where usd < -1\n');
    expect(await compileEditsOf(dir)).toEqual(REPORT);
    expect(artifacts(dir)).toEqual(await coldArtifacts(dir, temp.track));
    writeFile(dir, 'models/staging/stg_orders.sql', 'select id, amount, code from {{source "shop" "orders"}} where id > 0\n');
    expect(await compileEditsOf(dir)).toBeDefined();
    expect(artifacts(dir)).toEqual(await coldArtifacts(dir, temp.track));
    // A full compile reads the records the compiles of edits appended to the build cache.
    writeFile(dir, 'models/marts/more.sql', 'select * from {{ref "totals"}}\n');
    expect(await compileEditsOf(dir)).toBeUndefined();
    expect((await runCli(['compile'], dir)).code).toBe(0);
    expect(artifacts(dir)).toEqual(await coldArtifacts(dir, temp.track));
    expect(readFileSync(join(dir, 'target/modelrun_cache.tsv'), 'utf8')).toContain('where usd < -1');
  });

  const fallbacks: [string, string, string][] = [
    ['a ref more', 'models/marts/totals.sql', withTotals('from {{ref "orders"}}', 'from {{ref "orders"}} join {{ref "rates"}} on true')],
    ['a ref to something else', 'models/marts/totals.sql', withTotals('{{ref "orders"}}', '{{ref "stg_orders"}}')],
    ['its config', 'models/marts/totals.sql', `{{config materialized="table"}}\n${TOTALS}`],
    ['a new warning', 'models/marts/totals.sql', `{{config colour="red"}}\n${TOTALS}`],
    ['the environment read', 'models/marts/totals.sql', withTotals('count(*) as n', 'count(*) as n, \'{{env_var "WHO" "me"}}\' as who')],
    ['a template error', 'models/marts/totals.sql', withTotals('count(*) as n', '{{nope}} as n')],
    ['a template syntax error', 'models/marts/totals.sql', withTotals('count(*) as n', '{{nope as n')],
    ['an ephemeral model', 'models/staging/eph_rates.sql', '{{config materialized="ephemeral"}}\nselect *, 1 as one from {{ref "rates"}}\n'],
    ['a model with an ephemeral parent', 'models/marts/orders.sql', SHOP['models/marts/orders.sql']!.replace('r.rate', 'r.rate, 1 as one')],
    ['an incremental model', 'models/marts/events.sql', '{{config materialized="incremental"}}\nselect *, 1 as one from {{ref "stg_orders"}}\n'],
    ['a macro', 'macros/money.sql', SHOP['macros/money.sql']!.replace('scale=2', 'scale=3')],
    ['schema YAML', 'models/schema.yml', FILES['models/schema.yml']!.replace('All orders', 'Every order')],
    ['a new model', 'models/marts/more.sql', 'select 1 as x\n'],
  ];
  for (const [what, path, text] of fallbacks) {
    it(`leaves to a full compile an edit of ${what}, and writes nothing`, async () => {
      const dir = await compiledProject();
      const before = readdirSync(join(dir, 'target')).map((f) => [f, statSync(join(dir, 'target', f)).mtimeMs]);
      writeFile(dir, path, text);
      expect(await compileEditsOf(dir)).toBeUndefined();
      expect(readdirSync(join(dir, 'target')).map((f) => [f, statSync(join(dir, 'target', f)).mtimeMs])).toEqual(before);
    });
  }

  it('is not used once another command rewrote the outputs, nor with other options', async () => {
    const dir = await compiledProject();
    writeFile(dir, 'models/marts/totals.sql', withTotals('count(*) as n', 'count(*) as n, 2 as two'));
    expect(await compileEditsOf(dir, { select: ['totals'] })).toBeUndefined();
    writeFile(dir, 'target/manifest.json', readFileSync(join(dir, 'target/manifest.json'), 'utf8'));
    expect(await compileEditsOf(dir)).toBeUndefined();
  });
});
