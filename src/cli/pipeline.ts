import type { GraphNode, ResourceType } from '../graph/nodes.js';
import { selectNodes } from '../graph/select.js';
import { supabaseTables } from '../extract/table-config.js';
import { loadFullProject, type LoadedProject } from '../project/load.js';
import { hasErrors, UserError, type Diagnostic } from '../util/diagnostics.js';
import type { CommonOptions } from './options.js';
import type { Reporter } from './reporter.js';
import { counted } from '../util/counted.js';

/** Loads the project, printing warnings; every error together stops the command (exit 2). */
export function loadOrFail(opts: CommonOptions, reporter: Reporter): LoadedProject {
  const { project, diagnostics } = loadFullProject({ projectDir: opts.projectDir, profilesDir: opts.profilesDir, target: opts.target, vars: opts.vars });
  const errors = projectErrors(project, diagnostics);
  diagnostics.filter((d) => d.level === 'warn').forEach((d) => reporter.diagnostic(d));
  if (!project || errors.length > 0) throw new UserError(errors);
  return project;
}

/** The errors that stop a command: the project's, and its landing settings' (so compile and ls report those too, not only extract). */
export function projectErrors(project: LoadedProject | undefined, diagnostics: readonly Diagnostic[]): Diagnostic[] {
  const landing = project ? supabaseTables(project.config.name, project.sourceSpecs).diagnostics : [];
  return [...diagnostics, ...landing].filter((d) => d.level === 'error');
}

/** The selected nodes of the given types, in dependency order. */
export function selectInOrder(project: LoadedProject, opts: CommonOptions, reporter: Reporter, types: readonly ResourceType[]): string[] {
  const { selected, diagnostics } = selectNodes(project, opts.select, opts.exclude);
  diagnostics.filter((d) => d.level === 'warn').forEach((d) => reporter.diagnostic(d));
  if (hasErrors(diagnostics)) throw new UserError(diagnostics.filter((d) => d.level === 'error'));
  return project.order.filter((id) => selected.has(id) && types.includes(project.nodes.get(id)!.resourceType));
}

export function countByType(nodes: Iterable<GraphNode>): string {
  const counts = new Map<string, number>();
  for (const n of nodes) counts.set(n.resourceType, (counts.get(n.resourceType) ?? 0) + 1);
  const order: [ResourceType, string][] = [['model', 'model'], ['seed', 'seed'], ['test', 'data test'], ['source', 'source']];
  return order
    .filter(([t]) => counts.has(t))
    .map(([t, label]) => counted(counts.get(t)!, label, 'plain'))
    .join(', ');
}
