import type { GraphNode } from '../graph/nodes.js';
import type { LoadedProject } from '../project/load.js';
import type { RenderContext } from '../templating/render.js';
import { relationName } from '../util/sql.js';

/** What rendering reads of the project: vars, target, its name, and where the nodes a template names are. */
export type RenderProject = Pick<LoadedProject, 'vars' | 'target'> & {
  config: Pick<LoadedProject['config'], 'name'>;
  nodes: ReadonlyMap<string, Pick<GraphNode, 'name' | 'schema' | 'identifier'>>;
};

/**
 * What every template rendered for a node sees: its relation, vars, env, target, model and
 * sources. Callers add how `ref` resolves and whether the run is incremental, which differ
 * between models (ephemeral CTEs, depends_on checks) and generic tests.
 */
export function nodeRenderContext(
  project: RenderProject,
  node: GraphNode,
  runStartedAt: string,
  own: Pick<RenderContext, 'isIncremental' | 'resolveRef'>,
): RenderContext {
  return {
    file: node.path,
    thisRelation: relationName(node.schema, node.identifier),
    vars: project.vars,
    env: process.env,
    target: { name: project.target.name, schema: project.target.schema, type: project.target.type, profile_name: project.target.profileName, threads: project.target.threads },
    model: { name: node.name, unique_id: node.uniqueId, schema: node.schema, alias: node.identifier, config: node.config, path: node.path },
    projectName: project.config.name,
    runStartedAt,
    resolveSource: (source, table) => {
      const target = project.nodes.get(`source.${project.config.name}.${source}.${table}`);
      if (!target) return { error: `source "${source}.${table}" is not declared in any schema YAML` };
      return { relation: relationName(target.schema, target.identifier) };
    },
    ...own,
  };
}
