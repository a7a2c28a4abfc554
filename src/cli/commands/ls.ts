import type { GraphNode, ResourceType } from '../../graph/nodes.js';
import type { CommonOptions } from '../options.js';
import { loadOrFail, selectInOrder } from '../pipeline.js';
import type { Reporter } from '../reporter.js';

const ALL: ResourceType[] = ['model', 'seed', 'test', 'source'];

/** Lists the selected nodes; needs no warehouse. */
export async function ls(opts: CommonOptions, reporter: Reporter): Promise<number> {
  const project = loadOrFail(opts, reporter);
  const types = !opts.resourceType || opts.resourceType.includes('all') ? ALL : (opts.resourceType as ResourceType[]);
  const ids = selectInOrder(project, opts, reporter, types);
  for (const id of ids) reporter.info(formatNode(project.nodes.get(id)!, opts.output ?? 'selector'));
  return 0;
}

function formatNode(node: GraphNode, output: NonNullable<CommonOptions['output']>): string {
  switch (output) {
    case 'name':
      return node.name;
    case 'path':
      return node.path;
    case 'json':
      return JSON.stringify({
        name: node.name,
        resource_type: node.resourceType,
        package_name: node.packageName,
        original_file_path: node.path,
        unique_id: node.uniqueId,
        alias: node.identifier,
        config: node.config,
        tags: node.tags,
        depends_on: { nodes: node.dependsOn },
      });
    default:
      return node.resourceType === 'source' ? `source:${node.fqn.join('.')}` : node.fqn.join('.');
  }
}
