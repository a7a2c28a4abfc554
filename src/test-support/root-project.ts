import { cpSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root: the analytics project lives there beside src/. */
export const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

/** What makes up the analytics project (and nothing else: no data/, no target/). */
export const ROOT_PROJECT_FILES = ['project.yml', 'profiles.yml', 'models', 'seeds', 'macros', 'tests', 'sample_queries.sql', 'dashboard.yml'] as const;

/** Copies the repository's analytics project into a new temp folder; the caller removes it. */
export function copyRootProject(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  for (const f of ROOT_PROJECT_FILES) cpSync(join(REPO, f), join(dir, f), { recursive: true });
  return dir;
}

/**
 * Env for a CLI child: runCli merges process.env first, so credentials a developer has exported are
 * blanked (an empty value counts as unset) unless given here.
 */
export function cliEnv(over: Record<string, string>): Record<string, string> {
  return { SUPABASE_URL: '', SUPABASE_SERVICE_ROLE_KEY: '', SUPABASE_SERVICE_KEY: '', MODELRUN_NOW: '', ...over };
}
