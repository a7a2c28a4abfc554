import { cpSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { Writable } from 'node:stream';
import { pathToFileURL } from 'node:url';
import { expect } from 'vitest';
import { CLI, runCli } from '../../test-support/project.js';

/** A small project with a macro, a seed, a source, an ephemeral model, a table, a view, schema YAML and a singular test. */
export const SHOP: Readonly<Record<string, string>> = {
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
export function artifacts(dir: string): Map<string, string> {
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

/**
 * A copy of the project without its target/, in a folder `track` removes later. target/ is left
 * out as it is copied, not removed after: a compile may be writing it meanwhile.
 */
export function coldCopy(dir: string, track: (dir: string) => string): string {
  const copy = track(mkdtempSync(`${dir}-cold-`));
  const target = join(dir, 'target');
  cpSync(dir, copy, { recursive: true, filter: (path) => path !== target });
  return copy;
}

const fromDist = <T>(path: string): Promise<T> => import(pathToFileURL(join(CLI, '../..', path)).href) as Promise<T>;

/**
 * `modelrun compile [--vars <yaml>]` in `dir`, run in this process by the compile command of the
 * built CLI that runCli starts: the same code and the same scope (the build of modelrun is part of
 * it), without the most of a second that a process spends starting and loading its modules.
 */
export async function compileHere(dir: string, args: readonly string[] = []): Promise<void> {
  const vars = args[0] === '--vars' && args.length === 2 ? args[1] : undefined;
  if (args.length > 0 && vars === undefined) throw new Error(`compileHere takes --vars alone, not ${args.join(' ')}`);
  const [{ compile }, { createReporter }] = await Promise.all([
    fromDist<typeof import('../../cli/commands/compile.js')>('cli/commands/compile.js'),
    fromDist<typeof import('../../cli/reporter.js')>('cli/reporter.js'),
  ]);
  let output = '';
  const sink = new Writable({ write: (chunk, _encoding, done) => ((output += String(chunk)), done()) });
  expect(await compile({ projectDir: dir, vars, logFormat: 'text', debug: false }, createReporter('text', sink, sink)), output).toBe(0);
}

/** The artifacts of a cold compile of a copy of the project, with these options and environment. */
export async function coldArtifacts(dir: string, track: (dir: string) => string, args: readonly string[] = [], env: Record<string, string> = {}): Promise<Map<string, string>> {
  const copy = coldCopy(dir, track);
  // A template's env_var reads process.env, which every test in this process shares: a CLI process gets its own.
  if (Object.keys(env).length > 0) expect((await runCli(['compile', ...args], copy, env)).code).toBe(0);
  else await compileHere(copy, args);
  return artifacts(copy);
}
