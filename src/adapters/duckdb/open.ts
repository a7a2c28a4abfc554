import { accessSync, constants, existsSync, lstatSync, mkdirSync, statSync, type Stats } from 'node:fs';
import { dirname } from 'node:path';
import { duckdbApi } from './node-api.js';
import type { Target } from '../../config/profiles.js';
import { error, UserError, type Diagnostic } from '../../util/diagnostics.js';
import { DuckDBWarehouse } from './warehouse.js';

/** Opens the target's warehouse; a file held by another process is a user error, not a crash. */
export async function openWarehouse(target: Target, displayPath: string, mode: 'write' | 'read' = 'write'): Promise<DuckDBWarehouse> {
  // Reading a warehouse that does not exist yet must not create it: an empty in-memory one answers the same.
  const inMemory = target.path.startsWith(':memory:') || (mode === 'read' && !existsSync(target.path));
  if (!inMemory) {
    const problem = cannotCreate(target, displayPath);
    if (problem) throw new UserError([problem]);
    try {
      mkdirSync(dirname(target.path), { recursive: true });
    } catch (e) {
      throw new UserError([error(`cannot create warehouse ${displayPath}: ${e instanceof Error ? e.message : String(e)} — fix the target's path in ${target.file}`)]);
    }
  }
  const options = Object.fromEntries(Object.entries(target.settings).map(([k, v]) => [k, String(v)]));
  if (mode === 'read' && !inMemory) options.access_mode = 'READ_ONLY';
  try {
    const instance = await duckdbApi.DuckDBInstance.create(inMemory ? ':memory:' : target.path, options);
    const warehouse = new DuckDBWarehouse(instance, inMemory ? ':memory:' : displayPath);
    // Dates and hours in the warehouse are UTC, whatever the machine's zone.
    await warehouse.run("SET GLOBAL TimeZone = 'UTC'");
    for (const ext of target.extensions) await warehouse.run(`LOAD ${ext.replace(/[^A-Za-z0-9_]/g, '')}`);
    return warehouse;
  } catch (e) {
    throw new UserError([error(describeOpenFailure(e, inMemory ? ':memory:' : displayPath))]);
  }
}

/** Why the target's warehouse file could not be created (the nearest existing entry on its path is a file, a broken symbolic link, or a read-only folder), if it could not. */
export function cannotCreate(target: Target, displayPath: string): Diagnostic | undefined {
  if (existsSync(target.path)) return undefined;
  let dir = dirname(target.path);
  // lstat, not exists: a symbolic link to nowhere (or to itself) does not exist, but mkdir cannot pass it.
  while (!lstatIfAny(dir)) dir = dirname(dir);
  const fail = (why: string) => error(`cannot create warehouse ${displayPath}: ${dir} ${why} — fix the target's path in ${target.file}`);
  if (!existsSync(dir)) return fail('is a broken symbolic link');
  if (!statSync(dir).isDirectory()) return fail('is a file, not a folder');
  try {
    accessSync(dir, constants.W_OK);
    return undefined;
  } catch {
    return fail('is not writable');
  }
}

function lstatIfAny(path: string): Stats | undefined {
  try {
    return lstatSync(path);
  } catch {
    return undefined;
  }
}

export function describeOpenFailure(e: unknown, display: string): string {
  const message = e instanceof Error ? e.message : String(e);
  const lock = /Conflicting lock is held in (.*?) \(PID (\d+)\)/.exec(message);
  if (lock) {
    return `warehouse ${display} is locked by another process (PID ${lock[2]}, ${lock[1]}) — wait for it to finish or stop it, then run again`;
  }
  return `cannot open warehouse ${display}: ${message.split('\n')[0]}`;
}
