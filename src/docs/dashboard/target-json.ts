import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { warning, type Diagnostic } from '../../util/diagnostics.js';
import { isRecord } from '../../config/yaml-file.js';

/** An artifact in target/ (run_results.json, sources.json), or undefined when it is absent or unreadable (then said in a warning). */
export function readTargetJson(targetDir: string, name: string, diagnostics: Diagnostic[]): { metadata?: Record<string, unknown>; results: Record<string, unknown>[] } | undefined {
  const file = join(targetDir, name);
  if (!existsSync(file)) return undefined;
  try {
    const parsed: unknown = JSON.parse(readFileSync(file, 'utf8'));
    if (isRecord(parsed) && Array.isArray(parsed.results)) {
      return { metadata: isRecord(parsed.metadata) ? parsed.metadata : undefined, results: parsed.results.filter(isRecord) };
    }
  } catch {
    // reported below
  }
  diagnostics.push(warning(`${name} is not a modelrun artifact (no results list) — the dashboard leaves it out; run modelrun build to write it again`, file));
  return undefined;
}

export function text(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}
