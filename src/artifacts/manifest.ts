import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { CompiledNode } from '../compile/compile.js';
import type { GraphNode } from '../graph/nodes.js';
import { optionalStamp } from '../project/hash.js';
import type { LoadedProject } from '../project/load.js';
import { ManifestEntries, type EntryRange, type WrittenEntry } from '../project/manifest-entries.js';
import type { GenericTestPlan } from '../data-tests/nodes.js';
import { failuresSchema } from '../data-tests/run-test.js';
import { relationName } from '../util/sql.js';
import { overwriteFile, writeText } from './write.js';

export interface InvocationInfo {
  invocationId: string;
  generatedAt: string;
  command: string;
}

/**
 * manifest.json in dbt's shape (nodes, sources, macros, parent and child maps), as the text
 * JSON.stringify gives for it. A node's text is put together around the JSON literals of its
 * template and compiled SQL, which the build cache holds: the unchanged nodes of a large project
 * are copied, not decoded and escaped again.
 */
export function buildManifest(project: LoadedProject, compiled: ReadonlyMap<string, CompiledNode>, info: InvocationInfo): string {
  return assemble(project, compiled, info, ManifestEntries.none()).chunks.join('');
}

/** This build of the manifest code: entries written by another one are not copied. */
const MANIFEST_BUILD = optionalStamp(fileURLToPath(import.meta.url));

/**
 * Writes manifest.json as buildManifest gives it, copying from the last one the bytes of the
 * entries whose nodes' compile keys are unchanged (see ManifestEntries): after one model is
 * edited, one entry is built and the rest is copied in a few runs, neither decoded nor encoded.
 */
export function writeCompiledManifest(targetDir: string, project: LoadedProject, compiled: ReadonlyMap<string, CompiledNode>, info: InvocationInfo): void {
  const scope = `${MANIFEST_BUILD}:${project.cache.globalKey}`;
  const { chunks, nodesStart, entries } = assemble(project, compiled, info, ManifestEntries.read(targetDir, scope));
  overwriteFile(join(targetDir, 'manifest.json'), [...chunks, '\n']);
  ManifestEntries.write(targetDir, scope, nodesStart, entries);
}

/**
 * The manifest's text in chunks: strings, and runs of entries copied from the last manifest.
 * `nodesStart` is the byte where the first node's entry begins; `entries` gives each one's length.
 */
function assemble(project: LoadedProject, compiled: ReadonlyMap<string, CompiledNode>, info: InvocationInfo, previous: ManifestEntries): { chunks: (string | Buffer)[]; nodesStart: number; entries: WrittenEntry[] } {
  const metadata = {
    dbt_schema_version: 'https://schemas.getdbt.com/dbt/manifest/v12.json',
    generator: 'modelrun',
    generated_at: info.generatedAt,
    invocation_id: info.invocationId,
    project_name: project.config.name,
    adapter_type: 'duckdb',
    command: info.command,
  };
  const json = JSON.stringify;
  const head = `{"metadata":${json(metadata)},"nodes":{`;
  const chunks: (string | Buffer)[] = [];
  const built: string[] = [head];
  const entries: WrittenEntry[] = [];
  let run: EntryRange | undefined;
  const endRun = () => {
    if (!run) return;
    chunks.push(built.join(''), previous.bytes(run));
    built.length = 0;
    run = undefined;
  };
  const sources: Record<string, unknown> = {};
  const specs = new Map(project.resourceSpecs.map((s) => [`${s.resourceType}.${s.name}`, s]));
  for (const id of project.order) {
    const node = project.nodes.get(id)!;
    if (node.resourceType === 'source') {
      sources[id] = sourceEntry(project, node);
      continue;
    }
    const c = compiled.get(id);
    const comma = entries.length > 0 ? ',' : '';
    const reused = previous.reusable(id, c?.key);
    if (reused) {
      entries.push({ id, key: c?.key, bytes: reused.end - reused.start });
      // Entries that followed each other last time are copied as one run, the comma between them included.
      if (run && run.end + 1 === reused.start) run = { start: run.start, end: reused.end };
      else {
        endRun();
        built.push(comma);
        run = reused;
      }
      continue;
    }
    endRun();
    const text = `${json(id)}:${nodeEntry(project, node, c, specs.get(`${node.resourceType}.${node.name}`))}`;
    entries.push({ id, key: c?.key, bytes: Buffer.byteLength(text) });
    built.push(comma, text);
  }
  endRun();
  const macros = Object.fromEntries(
    [...project.macros.values()].map((m) => [`macro.${project.config.name}.${m.name}`, { name: m.name, kind: m.kind, original_file_path: m.file, line: m.line, arguments: m.params.map((p) => ({ name: p, default: m.defaults[p] })) }]),
  );
  const parentMap = idMap(project.order, project.parents);
  const childMap = idMap(project.order, project.children);
  built.push(`},"sources":${json(sources)},"macros":${json(macros)},"parent_map":${parentMap},"child_map":${childMap}}`);
  chunks.push(built.join(''));
  return { chunks, nodesStart: Buffer.byteLength(head), entries };
}

/** The JSON text of an object from each id to its list in `lists`, written directly: 10,000 keys make a slow object to build and walk. */
function idMap(ids: readonly string[], lists: ReadonlyMap<string, string[]>): string {
  return `{${ids.map((id) => `${JSON.stringify(id)}:${JSON.stringify(lists.get(id) ?? [])}`).join(',')}}`;
}

/** A node's JSON text: its fields as JSON.stringify writes them, then raw_code, compiled and compiled_code from their literals. */
function nodeEntry(project: LoadedProject, node: GraphNode, compiled: CompiledNode | undefined, spec: { columns: { name: string; description?: string; dataType?: string }[] } | undefined): string {
  const plan = project.genericTests.get(node.uniqueId);
  const fields = JSON.stringify({
    unique_id: node.uniqueId,
    resource_type: node.resourceType,
    name: node.name,
    package_name: node.packageName,
    original_file_path: node.path,
    path: node.path.includes('/') ? node.path.slice(node.path.indexOf('/') + 1) : '',
    fqn: node.fqn,
    schema: node.schema,
    alias: node.identifier,
    relation_name: relationOf(node),
    config: node.config,
    tags: node.tags,
    description: node.description ?? '',
    columns: Object.fromEntries((spec?.columns ?? []).map((c) => [c.name, { name: c.name, description: c.description ?? '', data_type: c.dataType ?? null }])),
    depends_on: { nodes: node.dependsOn, macros: [] },
    ...(plan ? genericTestFields(plan) : {}),
  });
  const raw = plan ? JSON.stringify(declaringYaml(project.sourceText.get(plan.file) ?? '', plan.line)) : (project.sourceText.jsonText(node.path)?.json ?? '""');
  const code = compiled === undefined ? '' : `,"compiled_code":${compiled.sqlJson ?? JSON.stringify(compiled.sql)}`;
  return `${fields.slice(0, -1)},"raw_code":${raw},"compiled":${compiled !== undefined}${code}}`;
}

/**
 * What a generic test checks, in dbt's fields, so the docs and other manifest readers can say it
 * without parsing YAML: the test, its package, its arguments as written (kwargs, column_name among
 * them, as dbt puts it) and the node it is attached to, which dbt gives for models and seeds only
 * (null for a source's test). A singular test has none of them, as in dbt.
 */
function genericTestFields(plan: GenericTestPlan): Record<string, unknown> {
  const column = plan.column === undefined ? {} : { column_name: plan.column };
  return {
    test_metadata: { name: plan.test, kwargs: { ...column, ...plan.args }, namespace: plan.namespace ?? null },
    column_name: plan.column ?? null,
    attached_node: plan.targetId.startsWith('source.') ? null : plan.targetId,
  };
}

/**
 * A generic test's source: the YAML lines that declare it (its line, and those indented under it,
 * dedented), not the whole schema file, which every test of the file would otherwise carry.
 */
function declaringYaml(text: string, line: number): string {
  const lines = text.split('\n');
  const indent = (l: string) => l.length - l.trimStart().length;
  const first = lines[line - 1] ?? '';
  let end = line;
  while (end < lines.length && lines[end]!.trim() !== '' && indent(lines[end]!) > indent(first)) end++;
  return lines.slice(line - 1, end).map((l) => l.slice(indent(first))).join('\n');
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
export function writeManifest(targetDir: string, manifest: string): void {
  writeText(join(targetDir, 'manifest.json'), manifest + '\n');
}

/**
 * The table a node leaves in the warehouse, as dbt reports it: none for an ephemeral model, and for a
 * test only the table of its failing rows, when store_failures keeps them.
 */
function relationOf(node: GraphNode): string | null {
  if (node.resourceType === 'test') return node.config.store_failures === true ? relationName(failuresSchema(node.schema), node.name) : null;
  return node.config.materialized === 'ephemeral' ? null : relationName(node.schema, node.identifier);
}
