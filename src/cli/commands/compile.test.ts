import { cpSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli, tempFolders, writeFile } from '../../test-support/project.js';

const temp = tempFolders();

const FILES: Record<string, string> = {
  'macros/money.sql': '{{#macro "cents" column scale=2}}round({{column}} / 100.0, {{scale}}){{/macro}}\n',
  'seeds/rates.csv': 'code,rate\nEUR,1.1\n',
  'models/staging/stg_orders.sql': 'select id, amount, code from {{source "shop" "orders"}}\n',
  'models/staging/eph_rates.sql': '{{config materialized="ephemeral"}}\nselect * from {{ref "rates"}}\n',
  'models/marts/orders.sql': '{{config materialized="table" tags="[marts]"}}\nselect o.id, {{cents "o.amount"}} as usd, r.rate\nfrom {{ref "stg_orders"}} o join {{ref "eph_rates"}} r using (code)\n',
  'models/marts/totals.sql': 'select count(*) as n, \'{{var "label" "all"}}\' as label from {{ref "orders"}}\n',
  'models/schema.yml': [
    'version: 2',
    'sources:',
    '  - name: shop',
    '    tables:',
    '      - name: orders',
    'models:',
    '  - name: orders',
    '    description: "One row per order"',
    '    columns:',
    '      - name: id',
    '        tests: [unique, not_null]',
    '',
  ].join('\n'),
  'tests/no_negative.sql': 'select * from {{ref "orders"}} where usd < 0\n',
};

/** Every file compile writes that a reader may use, by path under target/; the manifest without its per-run metadata. */
function artifacts(dir: string): Map<string, string> {
  const target = join(dir, 'target');
  const out = new Map<string, string>();
  const walk = (folder: string) => {
    for (const e of readdirSync(folder, { withFileTypes: true })) {
      const path = join(folder, e.name);
      if (e.isDirectory()) walk(path);
      else out.set(relative(target, path), readFileSync(path, 'utf8'));
    }
  };
  walk(join(target, 'compiled'));
  const manifest = readFileSync(join(target, 'manifest.json'), 'utf8');
  out.set('manifest.json', manifest.replace(/"generated_at":"[^"]*","invocation_id":"[^"]*"/, ''));
  return out;
}

/** A cold compile of a copy of the project, with no target/. */
async function coldArtifacts(dir: string): Promise<Map<string, string>> {
  const copy = temp.track(mkdtempSync(`${dir}-cold-`));
  cpSync(dir, copy, { recursive: true });
  rmSync(join(copy, 'target'), { recursive: true, force: true });
  expect((await runCli(['compile'], copy)).code).toBe(0);
  return artifacts(copy);
}

/** Compiled files that compile, as dbt, leaves where they were when their model goes away or moves. */
const LEFT_BEHIND = ['compiled/test_project/models/marts/extra.sql', 'compiled/test_project/models/marts/totals.sql'];

describe('compile after edits', () => {
  it('leaves the same artifacts, byte for byte, as a cold compile of the same project', async () => {
    const dir = temp.project(FILES);
    expect((await runCli(['compile'], dir)).code).toBe(0);
    const edits: [string, () => void][] = [
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
      const result = await runCli(['compile'], dir);
      expect(result.code, `${what}: ${result.stderr}`).toBe(0);
      const warm = artifacts(dir);
      const cold = await coldArtifacts(dir);
      for (const path of LEFT_BEHIND) if (!cold.has(path)) warm.delete(path);
      expect([...warm.keys()].sort(), what).toEqual([...cold.keys()].sort());
      for (const [path, text] of cold) expect(warm.get(path), `${what}: ${path}`).toBe(text);
    }
  });
});

describe('compile after another selection', () => {
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
