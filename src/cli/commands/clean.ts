import { rmSync } from 'node:fs';
import { relative, resolve } from 'node:path';
import { loadProject } from '../../config/project.js';
import { UserError } from '../../util/diagnostics.js';
import type { CommonOptions } from '../options.js';
import type { Reporter } from '../reporter.js';

/** Deletes the clean-targets (target/ by default); refuses any folder outside the project. */
export async function clean(opts: CommonOptions, reporter: Reporter): Promise<number> {
  const { project, diagnostics } = loadProject(resolve(opts.projectDir));
  if (!project) throw new UserError(diagnostics);
  for (const target of project.cleanTargets) {
    const abs = resolve(project.dir, target);
    const rel = relative(project.dir, abs);
    if (rel === '' || rel.startsWith('..')) {
      reporter.diagnostic({ level: 'warn', message: `not cleaning "${target}": only folders inside the project are cleaned`, file: project.file });
      continue;
    }
    rmSync(abs, { recursive: true, force: true });
    reporter.info(`Cleaned ${rel}/`);
  }
  return 0;
}
