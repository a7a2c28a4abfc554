// Timing helpers for benchmarks: run a child process, time it, take medians, format a table.
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, symlinkSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';

export const REPO_ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
export const CLI = join(REPO_ROOT, 'dist', 'cli', 'main.js');

let cliPath = CLI;

/** The CLI that timeCli runs (dist/cli/main.js unless useCli changed it). */
export function currentCli() {
  return cliPath;
}

export function useCli(path) {
  cliPath = path;
}

/**
 * Copies dist/, src/docs/assets/ (the browser code the CLI reads at run time, shipped beside
 * dist/) and package.json into `dir` (node_modules linked, not copied) and returns the snapshot's
 * main.js, so a rebuild of dist/ while the bench runs cannot change what is measured.
 */
export function snapshotCli(dir) {
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing — build first: npx tsc -p tsconfig.build.json`);
  mkdirSync(dir, { recursive: true });
  cpSync(join(REPO_ROOT, 'dist'), join(dir, 'dist'), { recursive: true });
  cpSync(join(REPO_ROOT, 'src', 'docs', 'assets'), join(dir, 'src', 'docs', 'assets'), { recursive: true });
  cpSync(join(REPO_ROOT, 'package.json'), join(dir, 'package.json'));
  symlinkSync(join(REPO_ROOT, 'node_modules'), join(dir, 'node_modules'), 'dir');
  return join(dir, 'dist', 'cli', 'main.js');
}

/** A child process exited non-zero (or could not start). */
export class ChildFailure extends Error {
  constructor(what, result) {
    const stderr = String(result.stderr ?? '').trim();
    const stdout = String(result.stdout ?? '').trim();
    const how = result.error ? `could not run: ${result.error.message}` : result.signal ? `killed by ${result.signal}` : `exit code ${result.status}`;
    super(`${what} failed (${how})`);
    this.stderr = stderr;
    this.stdout = stdout;
    this.status = result.status;
  }
}

/**
 * Runs `node <args>` synchronously in `cwd` and returns its wall time in ms (spawn to exit,
 * so it includes process start-up). Throws ChildFailure on a non-zero exit.
 */
export function timeNode(args, { cwd, env, label } = {}) {
  const started = process.hrtime.bigint();
  const result = spawnSync(process.execPath, args, {
    cwd,
    env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0', ...env },
    encoding: 'utf8',
    maxBuffer: 256 * 1024 * 1024,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  if (result.error || result.status !== 0) throw new ChildFailure(label ?? `node ${args.join(' ')} (in ${cwd})`, result);
  return { ms, stdout: result.stdout, stderr: result.stderr };
}

/** Runs the compiled modelrun CLI; returns its wall time in ms. */
export function timeCli(args, { cwd, env, nodeArgs = [] } = {}) {
  return timeNode([...nodeArgs, cliPath, ...args], { cwd, env, label: `modelrun ${args.join(' ')} (in ${cwd})` });
}

export function median(values) {
  const s = [...values].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

/** How many runs a metric gets: at least 5 when one run is fast, 3 when it is slow. */
export function runsFor(oneRunMs, { slowMs = 2000, fast = 5, slow = 3 } = {}) {
  return oneRunMs > slowMs ? slow : fast;
}

export function machine() {
  const c = cpus();
  return `${c.length} CPU${c.length === 1 ? '' : 's'} (${c[0]?.model?.trim() ?? 'unknown'}), Node ${process.version}, ${process.platform}/${process.arch}`;
}

/** The 1-minute load average, a hint that other work shared the CPUs. */
export function load1() {
  return loadavg()[0].toFixed(2);
}

export function fmtMs(ms, digits = 0) {
  return ms === undefined || Number.isNaN(ms) ? '—' : ms.toFixed(digits);
}

/** A markdown table with padded columns; cells longer than `maxPad` do not widen their column. */
export function markdownTable(header, rows, { maxPad = 90 } = {}) {
  const fit = (c) => String(c ?? '').length;
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => fit(r[i])).filter((w) => w <= maxPad)));
  const line = (cells) => `| ${cells.map((c, i) => String(c ?? '').padEnd(widths[i])).join(' | ')} |`;
  return [line(header), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...rows.map(line)].join('\n');
}
