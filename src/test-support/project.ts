import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DuckDBInstance } from '@duckdb/node-api';
import { afterAll, expect } from 'vitest';

/** The compiled CLI: tests run what users run (npm test builds it first). */
export const CLI = resolve(dirname(fileURLToPath(import.meta.url)), '../../dist/cli/main.js');

export const DEFAULT_PROFILES = (name = 'test_project') => `${name}:\n  target: dev\n  outputs:\n    dev: { type: duckdb, path: warehouse.duckdb, threads: 1 }\n`;

/** Writes a project into a new temp folder; `project.yml` and `profiles.yml` get defaults unless given. */
export function makeProject(files: Record<string, string>, name = 'test_project'): string {
  const dir = mkdtempSync(join(tmpdir(), 'modelrun-test-'));
  const all: Record<string, string> = { 'project.yml': `name: ${name}\nprofile: ${name}\n`, 'profiles.yml': DEFAULT_PROFILES(name), ...files };
  for (const [path, text] of Object.entries(all)) writeFile(dir, path, text);
  return dir;
}

/** Folders made with `track` (fixture projects by default) are removed after the calling file's tests. */
export function tempFolders(): { project: (files: Record<string, string>) => string; track: (dir: string) => string } {
  const dirs: string[] = [];
  afterAll(() => {
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });
  const track = (dir: string) => {
    dirs.push(dir);
    return dir;
  };
  return { project: (files) => track(makeProject(files)), track };
}

export function warehousePath(dir: string): string {
  return join(dir, 'warehouse.duckdb');
}

export function readProjectFile(dir: string, path: string): string {
  return readFileSync(join(dir, path), 'utf8');
}

export function writeFile(dir: string, path: string, text: string): void {
  const file = join(dir, path);
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, text);
}

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `modelrun <args>` in `cwd` as a child process, with NO_COLOR so output compares as text. */
export function runCli(args: readonly string[], cwd: string, env: Record<string, string> = {}, opts: { killWhen?: Promise<unknown> } = {}): Promise<CliResult> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], { cwd, env: { ...process.env, NO_COLOR: '1', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    // A crash, as the power going or the kernel's OOM killer would make it: no chance to clean up.
    void opts.killWhen?.then(() => child.kill('SIGKILL'));
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolvePromise({ code: code ?? -1, stdout, stderr }));
  });
}

/** Runs SQL on a warehouse file and returns its rows (opened, run and closed again so the CLI can open it next). */
export async function query(dbPath: string, sql: string): Promise<Record<string, unknown>[]> {
  const instance = await DuckDBInstance.create(dbPath);
  try {
    const conn = await instance.connect();
    const reader = await conn.runAndReadAll(sql);
    const rows = reader.getRowObjectsJS() as Record<string, unknown>[];
    conn.closeSync();
    return rows;
  } finally {
    instance.closeSync();
  }
}

/** Rows of a query against the project's warehouse, BIGINTs made numbers. */
export async function rows(dir: string, sql: string): Promise<Record<string, unknown>[]> {
  const raw = await query(warehousePath(dir), sql);
  return raw.map((row) => Object.fromEntries(Object.entries(row).map(([k, v]) => [k, typeof v === 'bigint' ? Number(v) : v])));
}

/** Runs statements against the project's warehouse (to create or change source tables between runs). */
export async function exec(dir: string, ...statements: string[]): Promise<void> {
  for (const s of statements) await query(warehousePath(dir), s);
}

/** A CLI run's stdout and stderr together, for assertion messages. */
export function output(r: CliResult): string {
  return `${r.stdout}\n${r.stderr}`;
}

/** Exit code check that prints the CLI's output when it does not match. */
export function expectExit(r: CliResult, code: number): void {
  expect(r.code, `exit code; output was:\n${output(r)}`).toBe(code);
}

/** stderr is exactly these lines (no stack trace, no extra noise) and the exit code is `code`. */
export function expectStderr(r: CliResult, lines: readonly string[], code: number): void {
  expect(r.stderr, `output was:\n${output(r)}`).toBe(lines.map((l) => l + '\n').join(''));
  expect(r.code).toBe(code);
}

/** The counts of the final "Finished running ... PASS=n WARN=n ERROR=n SKIP=n TOTAL=n" line. */
export function summaryCounts(r: CliResult): Record<string, number> {
  const line = r.stdout.split('\n').find((l) => l.startsWith('Finished running '));
  expect(line, `no summary line in:\n${output(r)}`).toBeDefined();
  const counts: Record<string, number> = {};
  for (const m of (line ?? '').matchAll(/\b([A-Z]+)=(\d+)/g)) counts[m[1]!] = Number(m[2]);
  return counts;
}
