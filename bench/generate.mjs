// Deterministic (seeded) generator of modelrun projects for benchmarks.
//
//   import { generateProject } from './generate.mjs';
//   const p = generateProject({ dir, models: 10_000, seed: 42 });
//
// Every model outputs the same three columns (id, amount, amount_usd), so any model
// can ref any earlier one and the generated SQL also binds in DuckDB (not only parses).
import { mkdirSync, rmSync, writeFileSync, readFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** mulberry32: small, fast, seedable PRNG returning floats in [0, 1). */
export function rng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A fresh, empty folder under os.tmpdir(). */
export function tempDir(prefix = 'modelrun-bench-') {
  return mkdtempSync(join(tmpdir(), prefix));
}

export const MACROS = `{{#macro "cents_to_dollars" column scale=2}}round({{column}} / 100.0, {{scale}}){{/macro}}
{{#macro "safe_add" a b}}coalesce({{a}}, 0) + coalesce({{b}}, 0){{/macro}}
`;

/**
 * Plans a DAG of `models` models. Model i refs 1–3 models with a smaller index (roots ref none).
 *
 * shape:
 *  - 'random': refs are uniformly chosen among all earlier models (deep, wide DAG);
 *  - 'mix': a chain/wide mix — about half the models continue a chain (ref the previous model,
 *    sometimes plus one more), the others fan out from random earlier models.
 *
 * maxExpansion bounds the size of each model's fully inlined view tree (1 + sum over refs),
 * which is what DuckDB binds when it creates a view on top of views; keep it finite for
 * projects that are actually run, Infinity when they are only compiled.
 */
export function planGraph({ models, seed = 1, shape = 'random', roots = 10, maxExpansion = Infinity, tableShare = 0.1 }) {
  const rand = rng(seed);
  const int = (n) => Math.floor(rand() * n);
  const width = Math.max(4, String(models).length);
  const name = (i) => `m_${String(i).padStart(width, '0')}`;
  const expansion = new Array(models).fill(1);
  const nodes = [];
  for (let i = 0; i < models; i++) {
    const refs = [];
    if (i >= Math.min(roots, models)) {
      const want = 1 + int(3); // 1..3 refs
      const fits = (j) => !refs.includes(j) && refs.reduce((s, r) => s + expansion[r], 1) + expansion[j] <= maxExpansion;
      if (shape === 'mix' && rand() < 0.5 && fits(i - 1)) refs.push(i - 1);
      for (let tries = 0; refs.length < want && tries < 20; tries++) {
        const j = int(i);
        if (fits(j)) refs.push(j);
      }
      if (refs.length === 0) refs.push(int(Math.min(roots, i))); // a root always fits
      expansion[i] = refs.reduce((s, r) => s + expansion[r], 1);
    }
    const materialized = rand() < tableShare ? 'table' : 'view';
    const scale = rand() < 0.5 ? undefined : 2 + int(3);
    nodes.push({ index: i, name: name(i), folder: `group_${String(Math.floor(i / 500)).padStart(3, '0')}`, refs: refs.map(name), materialized, scale });
  }
  return nodes;
}

/** The Handlebars SQL of one planned model. */
export function modelSql(node, { configInFile = true, edit = 0 } = {}) {
  const lines = [];
  if (configInFile) lines.push(`{{config materialized="${node.materialized}"}}`);
  const usd = (col) => (node.scale === undefined ? `{{cents_to_dollars "${col}"}}` : `{{cents_to_dollars "${col}" scale=${node.scale}}}`);
  if (node.refs.length === 0) {
    lines.push(
      `-- ${node.name}: a root model`,
      'select',
      '  range as id,',
      '  range * 100 as amount,',
      `  ${usd('range * 100')} as amount_usd`,
      `from range({{var "rows" 100}})`,
    );
  } else {
    const aliases = node.refs.map((_, k) => `r${k}`);
    const amount =
      aliases.length === 1 ? 'r0.amount' : aliases.length === 2 ? '{{safe_add "r0.amount" "r1.amount"}}' : aliases.map((a) => `coalesce(${a}.amount, 0)`).join(' + ');
    lines.push(`-- ${node.name}: depends on ${node.refs.join(', ')}`, 'select', '  r0.id,', `  ${amount} as amount,`, `  ${usd('r0.amount')} as amount_usd`);
    lines.push(`from {{ref "${node.refs[0]}"}} as r0`);
    for (let k = 1; k < node.refs.length; k++) lines.push(`left join {{ref "${node.refs[k]}"}} as ${aliases[k]} using (id)`);
    lines.push(`where r0.id >= {{var "min_id" 0}}`);
  }
  if (edit) lines.push(`-- edit ${edit}`);
  return lines.join('\n') + '\n';
}

/** The graphs bench/run.mjs uses: pass with `models` (and `dir`) to generateProject. */
export const COMPILE_PROJECT = Object.freeze({ seed: 20240601, shape: 'random', tableShare: 0.1 });
export const RUN_PROJECT = Object.freeze({ seed: 20240602, shape: 'mix', tableShare: 0, maxExpansion: 16 });

/** Path (relative to the project) of a planned model's file. */
export function modelPath(node) {
  return join('models', node.folder, `${node.name}.sql`);
}

/**
 * Writes a complete project into `dir` (emptied first) and returns its plan.
 * Options: models, seed, shape, roots, maxExpansion, tableShare (see planGraph), name,
 * threads, materialized (project-level default), dbPath.
 */
export function generateProject({ dir = tempDir(), name = 'bench', threads = 1, materialized = 'view', dbPath = 'warehouse.duckdb', configInFile = true, ...graph }) {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(join(dir, 'macros'), { recursive: true });
  writeFileSync(join(dir, 'project.yml'), `name: ${name}\nprofile: ${name}\nmodels:\n  ${name}:\n    +materialized: ${materialized}\n`);
  writeFileSync(
    join(dir, 'profiles.yml'),
    `${name}:\n  target: dev\n  outputs:\n    dev:\n      type: duckdb\n      path: ${dbPath}\n      threads: ${threads}\n`,
  );
  writeFileSync(join(dir, 'macros', 'money.sql'), MACROS);
  const nodes = planGraph(graph);
  const folders = new Set(nodes.map((n) => n.folder));
  for (const f of folders) mkdirSync(join(dir, 'models', f), { recursive: true });
  for (const n of nodes) writeFileSync(join(dir, modelPath(n)), modelSql(n, { configInFile }));
  return { dir, name, dbPath: join(dir, dbPath), nodes, configInFile };
}

/** Rewrites one model with a visible change (a trailing comment); returns its path. */
export function editModel(project, index, edit) {
  const node = project.nodes[index];
  const path = join(project.dir, modelPath(node));
  writeFileSync(path, modelSql(node, { edit, configInFile: project.configInFile ?? true }));
  return path;
}

/** Reads a generated model back (handy for tests of the generator). */
export function readModel(project, index) {
  return readFileSync(join(project.dir, modelPath(project.nodes[index])), 'utf8');
}
