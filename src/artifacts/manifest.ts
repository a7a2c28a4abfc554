import { join } from 'node:path';
import type { CompiledNode } from '../compile/compile.js';
import type { GraphNode } from '../graph/nodes.js';
import type { LoadedProject } from '../project/load.js';
import { relationName } from '../util/sql.js';
import { writeJson } from './write.js';

export interface InvocationInfo {
  invocationId: string;
  generatedAt: string;
  command: string;
}

/** manifest.json in dbt's shape: nodes, sources, macros, parent and child maps. */
export function buildManifest(project: LoadedProject, compiled: ReadonlyMap<string, CompiledNode>, info: InvocationInfo): Record<string, unknown> {
  const nodes: Record<string, unknown> = {};
  const sources: Record<string, unknown> = {};
  const specs = new Map(project.resourceSpecs.map((s) => [`${s.resourceType}.${s.name}`, s]));
  for (const id of project.order) {
    const node = project.nodes.get(id)!;
    if (node.resourceType === 'source') sources[id] = sourceEntry(project, node);
    else nodes[id] = nodeEntry(project, node, compiled.get(id), specs.get(`${node.resourceType}.${node.name}`));
  }
  return {
    metadata: {
      dbt_schema_version: 'https://schemas.getdbt.com/dbt/manifest/v12.json',
      generator: 'modelrun',
      generated_at: info.generatedAt,
      invocation_id: info.invocationId,
      project_name: project.config.name,
      adapter_type: 'duckdb',
      command: info.command,
    },
    nodes,
    sources,
    macros: Object.fromEntries(
      [...project.macros.values()].map((m) => [`macro.${project.config.name}.${m.name}`, { name: m.name, kind: m.kind, original_file_path: m.file, line: m.line, arguments: m.params.map((p) => ({ name: p, default: m.defaults[p] })) }]),
    ),
    parent_map: Object.fromEntries(project.order.map((id) => [id, project.parents.get(id) ?? []])),
    child_map: Object.fromEntries(project.order.map((id) => [id, project.children.get(id) ?? []])),
  };
}

function nodeEntry(project: LoadedProject, node: GraphNode, compiled: CompiledNode | undefined, spec: { columns: { name: string; description?: string; dataType?: string }[] } | undefined): Record<string, unknown> {
  const ephemeral = node.config.materialized === 'ephemeral';
  return {
    unique_id: node.uniqueId,
    resource_type: node.resourceType,
    name: node.name,
    package_name: node.packageName,
    original_file_path: node.path,
    path: node.path.split('/').slice(1).join('/'),
    fqn: node.fqn,
    schema: node.schema,
    alias: node.identifier,
    relation_name: ephemeral ? null : relationName(node.schema, node.identifier),
    config: node.config,
    tags: node.tags,
    description: node.description ?? '',
    columns: Object.fromEntries((spec?.columns ?? []).map((c) => [c.name, { name: c.name, description: c.description ?? '', data_type: c.dataType ?? null }])),
    depends_on: { nodes: node.dependsOn, macros: [] },
    raw_code: project.sourceText.get(node.path) ?? '',
    compiled: compiled !== undefined,
    compiled_code: compiled?.sql,
  };
}

function sourceEntry(project: LoadedProject, node: GraphNode): Record<string, unknown> {
  const spec = project.sourceSpecs.find((s) => s.name === node.sourceName);
  const table = spec?.tables.find((t) => t.name === node.tableName);
  return {
    unique_id: node.uniqueId,
    resource_type: 'source',
    name: node.name,
    source_name: node.sourceName,
    package_name: node.packageName,
    original_file_path: node.path,
    fqn: node.fqn,
    schema: node.schema,
    identifier: node.identifier,
    relation_name: relationName(node.schema, node.identifier),
    loader: spec?.loader ?? '',
    loaded_at_field: table?.loadedAtField ?? spec?.loadedAtField ?? null,
    description: node.description ?? '',
    source_description: spec?.description ?? '',
    columns: Object.fromEntries((table?.columns ?? []).map((c) => [c.name, { name: c.name, description: c.description ?? '', data_type: c.dataType ?? null }])),
    config: node.config,
    tags: node.tags,
  };
}

/** Compact, as dbt writes it: pretty-printing a large project's manifest costs more than building it. */
export function writeManifest(targetDir: string, manifest: Record<string, unknown>): void {
  writeJson(join(targetDir, 'manifest.json'), manifest, false);
}
