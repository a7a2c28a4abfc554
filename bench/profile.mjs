// CPU profile of one modelrun command on a generated project, summarised as the hottest functions.
//   node bench/profile.mjs [--models 10000] [--cold | --edit] [--top 20] [--keep] [-- <modelrun args, default: compile>]
// --cold: no target/ (no cache); --edit: warm, then one model edited; default: warm, nothing changed.
// --run-project: the run bench's project instead (view models, chain/wide mix), e.g.
//   node bench/profile.mjs --run-project --models 1000 -- run --threads 1
// The warehouse file is deleted before the profiled command, so `run` starts from an empty database.
// Runs `node --cpu-prof dist/cli/main.js <args>` and prints self and inclusive time per function.
import { readdirSync, readFileSync, rmSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { COMPILE_PROJECT, RUN_PROJECT, editModel, generateProject, tempDir } from './generate.mjs';
import { REPO_ROOT, snapshotCli, timeCli, useCli } from './timing.mjs';

const argv = process.argv.slice(2);
const dash = argv.indexOf('--');
const own = dash === -1 ? argv : argv.slice(0, dash);
const cliArgs = dash === -1 ? ['compile'] : argv.slice(dash + 1);
const opt = (name, fallback) => {
  const i = own.indexOf(name);
  return i === -1 ? fallback : Number(own[i + 1]);
};
const models = opt('--models', 10_000);
const top = opt('--top', 20);
const cold = own.includes('--cold');
const edit = own.includes('--edit');
const runProject = own.includes('--run-project');
const keep = own.includes('--keep');

/** Summarises a .cpuprofile: self and inclusive ms per function (recursion counted once per sample). */
export function summarize(profile, root = REPO_ROOT) {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const keyOf = (n) => {
    const f = n.callFrame;
    const url = fileOf(f.url, root);
    return `${f.functionName || '(anonymous)'} ${url ? `${url}:${f.lineNumber + 1}` : ''}`.trim();
  };
  const self = new Map();
  const incl = new Map();
  const files = new Map();
  let total = 0;
  profile.samples.forEach((id, i) => {
    const dt = (profile.timeDeltas[i] ?? 0) / 1000;
    total += dt;
    const leaf = byId.get(id);
    self.set(keyOf(leaf), (self.get(keyOf(leaf)) ?? 0) + dt);
    const file = fileOf(leaf.callFrame.url, root) || `(${leaf.callFrame.functionName || 'native'})`;
    files.set(file, (files.get(file) ?? 0) + dt);
    const seen = new Set();
    for (let cur = id; cur !== undefined; cur = parent.get(cur)) {
      const k = keyOf(byId.get(cur));
      if (seen.has(k)) continue;
      seen.add(k);
      incl.set(k, (incl.get(k) ?? 0) + dt);
    }
  });
  const sorted = (m) => [...m.entries()].sort((a, b) => b[1] - a[1]);
  return { total, self: sorted(self), inclusive: sorted(incl), files: sorted(files) };
}

/** A profile URL as a path relative to `root` (file URLs), or as it is (node:internal/...). */
function fileOf(url, root) {
  if (!url) return '';
  if (!url.startsWith('file://') && !url.startsWith('/')) return url;
  const path = url.startsWith('file://') ? fileURLToPath(url) : url;
  return path.startsWith(root) ? relative(root, path) : path;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const root = tempDir('modelrun-prof-');
  try {
    useCli(snapshotCli(join(root, 'cli')));
    const project = generateProject(runProject ? { dir: join(root, 'project'), models, ...RUN_PROJECT } : { dir: join(root, 'project'), models, ...COMPILE_PROJECT });
    if (!cold) timeCli(cliArgs, { cwd: project.dir }); // leave a target/ behind, as a warm run sees it
    else rmSync(join(project.dir, 'target'), { recursive: true, force: true });
    if (edit) editModel(project, Math.floor(models / 2), 1);
    for (const suffix of ['', '.wal']) rmSync(project.dbPath + suffix, { force: true });
    const profDir = join(root, 'prof');
    const { ms } = timeCli(cliArgs, { cwd: project.dir, nodeArgs: ['--cpu-prof', `--cpu-prof-dir=${profDir}`] });
    const file = readdirSync(profDir).find((f) => f.endsWith('.cpuprofile'));
    const s = summarize(JSON.parse(readFileSync(join(profDir, file), 'utf8')), join(root, 'cli'));
    const pct = (v) => `${((100 * v) / s.total).toFixed(1).padStart(5)}%`;
    const print = (title, list) => {
      console.log(`\n${title}`);
      for (const [k, v] of list.slice(0, top)) console.log(`${v.toFixed(0).padStart(7)} ms ${pct(v)}  ${k}`);
    };
    console.log(`modelrun ${cliArgs.join(' ')} on ${models} models (${cold ? 'cold' : edit ? 'warm, one model edited' : 'warm'}): ${ms.toFixed(0)} ms wall, ${s.total.toFixed(0)} ms profiled`);
    print('Top self time', s.self);
    print('Top inclusive time', s.inclusive);
    print('Self time by file', s.files);
    if (keep) console.log(`\nkept ${root}`);
  } finally {
    if (!keep) rmSync(root, { recursive: true, force: true });
  }
}
