import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { writeJson } from '../artifacts/write.js';
import type { Diagnostic } from '../util/diagnostics.js';

/**
 * target/modelrun_noop.json: the fingerprint of the last successful compile (see
 * projectFingerprint) and what it reported, so that a compile of an unchanged project only
 * checks file stamps and repeats that report, without reading the build cache.
 */
export interface NoopRecord extends CompileReport {
  key: string;
}

/** What a compile reported, to be said again by a compile that changes nothing it depends on. */
export interface CompileReport {
  /** Whether its SQL depends on the warehouse file: is_incremental does when incremental models are selected. */
  warehouse: boolean;
  warnings: Diagnostic[];
  /** The "Found ..." line. */
  found: string;
  /** The "Compiled N nodes to dir" line, without its time. */
  compiledTo: string;
}

const NOOP_FILE = 'modelrun_noop.json';

export function readNoopRecord(targetDir: string): NoopRecord | undefined {
  try {
    return JSON.parse(readFileSync(join(targetDir, NOOP_FILE), 'utf8')) as NoopRecord;
  } catch {
    return undefined;
  }
}

export function writeNoopRecord(targetDir: string, record: NoopRecord): void {
  writeJson(join(targetDir, NOOP_FILE), record, false);
}

/** Deleted before anything else in target/ changes, so a record never outlives the outputs it describes. */
export function removeNoopRecord(targetDir: string): void {
  rmSync(join(targetDir, NOOP_FILE), { force: true });
}
