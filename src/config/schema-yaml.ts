import { error, warning, type Diagnostic } from '../util/diagnostics.js';
import { didYouMean } from '../util/suggest.js';
import { validateConfig, type ConfigTarget, type PartialConfig } from './node-config.js';
import { isRecord, type YamlFile, type YamlPath } from './yaml-file.js';

/** A data test as written in YAML, kept raw with its location; the data-tests stage interprets it. */
export interface TestSpec {
  raw: unknown;
  file: string;
  line: number;
  col: number;
  column?: string;
}

export interface ColumnSpec {
  name: string;
  description?: string;
  dataType?: string;
  meta?: Record<string, unknown>;
  /** dbt applies a column's tags to the tests on that column. */
  tags: string[];
  tests: TestSpec[];
}

export interface Located {
  file: string;
  line: number;
  col: number;
}

/** Properties of a model or seed declared in schema YAML. */
export interface ResourceSpec extends Located {
  resourceType: 'model' | 'seed';
  name: string;
  description?: string;
  config: PartialConfig;
  columns: ColumnSpec[];
  tests: TestSpec[];
  meta?: Record<string, unknown>;
}

export interface FreshnessSpec {
  warnAfter?: { count: number; period: 'minute' | 'hour' | 'day' };
  errorAfter?: { count: number; period: 'minute' | 'hour' | 'day' };
  filter?: string;
}

export interface SourceTableSpec extends Located {
  name: string;
  identifier: string;
  description?: string;
  columns: ColumnSpec[];
  tests: TestSpec[];
  loadedAtField?: string;
  freshness?: FreshnessSpec | null;
  config: PartialConfig;
  /** Every key of the table entry, for loaders that read their own settings (primary_key, cursor_field, ...). */
  properties: Record<string, unknown>;
  /** Where each of those keys stands, so a loader's complaint about one points at it. */
  propertyLines: Record<string, { line: number; col: number }>;
}

export interface SourceSpec extends Located {
  name: string;
  schema: string;
  description?: string;
  loader?: string;
  loadedAtField?: string;
  freshness?: FreshnessSpec | null;
  config: PartialConfig;
  properties: Record<string, unknown>;
  tables: SourceTableSpec[];
}

/** A source whose tables modelrun lands from Supabase (`loader: supabase`, in any case). */
export function landsFromSupabase(source: Pick<SourceSpec, 'loader'>): boolean {
  return source.loader?.toLowerCase() === 'supabase';
}

export interface SchemaFile {
  resources: ResourceSpec[];
  sources: SourceSpec[];
}

const TOP_KEYS = ['version', 'models', 'seeds', 'sources', 'macros', 'exposures', 'metrics', 'semantic_models', 'saved_queries', 'snapshots', 'analyses', 'unit_tests', 'groups', 'data_tests'];
const RESOURCE_KEYS = ['name', 'description', 'config', 'columns', 'tests', 'data_tests', 'meta', 'docs', 'access', 'group', 'latest_version', 'versions', 'constraints', 'deprecation_date', 'contract', 'tags'];
const COLUMN_KEYS = ['name', 'description', 'data_type', 'meta', 'tests', 'data_tests', 'quote', 'tags', 'constraints', 'policy_tags', 'granularity', 'config'];
const SOURCE_KEYS = ['name', 'description', 'schema', 'database', 'loader', 'loaded_at_field', 'freshness', 'tags', 'meta', 'config', 'tables', 'quoting', 'overrides'];
const SOURCE_TABLE_KEYS = [
  'name', 'identifier', 'description', 'columns', 'tests', 'data_tests', 'loaded_at_field', 'freshness', 'tags', 'meta', 'config', 'quoting', 'external',
  // Landing settings for `loader: supabase` sources.
  'primary_key', 'cursor_field', 'select', 'filter', 'lookback', 'mode', 'full_refresh_every', 'page_size',
];
const PERIODS = ['minute', 'hour', 'day'];

/** Reads a dbt "version: 2" properties file. */
export function readSchemaFile(yaml: YamlFile, defaultSourceSchema: (sourceName: string) => string): { schema: SchemaFile; diagnostics: Diagnostic[] } {
  const r = new SchemaReader(yaml);
  const schema: SchemaFile = { resources: [], sources: [] };
  const root = yaml.value;
  if (root === null || root === undefined) return { schema, diagnostics: [] };
  if (!isRecord(root)) {
    r.fail([], 'a schema file must be a mapping with `version: 2` and `models:`, `seeds:` or `sources:` lists');
    return { schema, diagnostics: r.diagnostics };
  }
  r.unknownKeys(root, [], TOP_KEYS, 'top-level key');
  for (const kind of ['models', 'seeds'] as const) {
    r.list(root[kind], [kind], (item, path) => {
      const spec = r.resource(item, path, kind === 'models' ? 'model' : 'seed');
      if (spec) schema.resources.push(spec);
    });
  }
  r.list(root.sources, ['sources'], (item, path) => {
    const spec = r.source(item, path, defaultSourceSchema);
    if (spec) schema.sources.push(spec);
  });
  return { schema, diagnostics: r.diagnostics };
}

class SchemaReader {
  readonly diagnostics: Diagnostic[] = [];
  constructor(private readonly yaml: YamlFile) {}

  at(path: YamlPath): Located {
    return { file: this.yaml.file, ...this.yaml.locate(path) };
  }

  fail(path: YamlPath, message: string): void {
    const l = this.at(path);
    this.diagnostics.push(error(message, l.file, l.line, l.col));
  }

  unknownKeys(obj: Record<string, unknown>, path: YamlPath, known: readonly string[], what: string): void {
    for (const key of Object.keys(obj)) {
      if (known.includes(key)) continue;
      const l = this.at([...path, key]);
      this.diagnostics.push(warning(`unknown ${what} "${key}"${didYouMean(key, known)} (ignored)`, l.file, l.line, l.col));
    }
  }

  list(value: unknown, path: YamlPath, each: (item: Record<string, unknown>, path: YamlPath) => void): void {
    if (value === undefined || value === null) return;
    if (!Array.isArray(value)) return this.fail(path, `"${path[path.length - 1]}" must be a list of entries, each starting with "- name: ..."`);
    value.forEach((item, i) => {
      if (!isRecord(item) || typeof item.name !== 'string' || item.name === '') {
        this.fail([...path, i], `each entry of "${path[path.length - 1]}" needs a "name:"`);
        return;
      }
      each(item, [...path, i]);
    });
  }

  config(item: Record<string, unknown>, path: YamlPath, target: ConfigTarget): PartialConfig {
    const raw = item.config;
    if (raw === undefined || raw === null) return {};
    if (!isRecord(raw)) {
      this.fail([...path, 'config'], '"config" must be a mapping, e.g. config: { materialized: table }');
      return {};
    }
    const { config, diagnostics } = validateConfig(raw, target, (key) => this.at([...path, 'config', key]));
    this.diagnostics.push(...diagnostics);
    return config;
  }

  tests(item: Record<string, unknown>, path: YamlPath, column?: string): TestSpec[] {
    const specs: TestSpec[] = [];
    for (const key of ['tests', 'data_tests']) {
      const value = item[key];
      if (value === undefined || value === null) continue;
      if (!Array.isArray(value)) {
        this.fail([...path, key], `"${key}" must be a list, e.g. ${key}: [unique, not_null]`);
        continue;
      }
      value.forEach((raw, i) => specs.push({ raw, column, ...this.at([...path, key, i]) }));
    }
    return specs;
  }

  columns(item: Record<string, unknown>, path: YamlPath): ColumnSpec[] {
    const columns: ColumnSpec[] = [];
    this.list(item.columns, [...path, 'columns'], (col, colPath) => {
      this.unknownKeys(col, colPath, COLUMN_KEYS, 'column property');
      columns.push({
        name: col.name as string,
        description: optionalString(col.description),
        dataType: optionalString(col.data_type),
        meta: isRecord(col.meta) ? col.meta : undefined,
        tags: stringList(col.tags),
        tests: this.tests(col, colPath, col.name as string),
      });
    });
    return columns;
  }

  resource(item: Record<string, unknown>, path: YamlPath, resourceType: 'model' | 'seed'): ResourceSpec {
    this.unknownKeys(item, path, RESOURCE_KEYS, `${resourceType} property`);
    const config = this.config(item, path, resourceType);
    if (item.tags !== undefined) Object.assign(config, validateConfig({ tags: item.tags }, resourceType, () => this.at([...path, 'tags'])).config);
    return {
      resourceType,
      name: item.name as string,
      description: optionalString(item.description),
      config,
      columns: this.columns(item, path),
      tests: this.tests(item, path),
      meta: isRecord(item.meta) ? item.meta : undefined,
      ...this.at(path),
    };
  }

  source(item: Record<string, unknown>, path: YamlPath, defaultSchema: (name: string) => string): SourceSpec {
    this.unknownKeys(item, path, SOURCE_KEYS, 'source property');
    const name = item.name as string;
    const tables: SourceTableSpec[] = [];
    this.list(item.tables, [...path, 'tables'], (t, tPath) => {
      this.unknownKeys(t, tPath, SOURCE_TABLE_KEYS, 'source table property');
      tables.push({
        name: t.name as string,
        identifier: optionalString(t.identifier) ?? (t.name as string),
        description: optionalString(t.description),
        columns: this.columns(t, tPath),
        tests: this.tests(t, tPath),
        loadedAtField: optionalString(t.loaded_at_field),
        freshness: t.freshness === undefined ? undefined : this.freshness(t.freshness, [...tPath, 'freshness']),
        config: this.config(t, tPath, 'source'),
        properties: t,
        propertyLines: Object.fromEntries(Object.keys(t).map((key) => [key, this.yaml.locate([...tPath, key])])),
        ...this.at(tPath),
      });
    });
    if (tables.length === 0) this.fail(path, `source "${name}" has no tables — add tables: [{ name: my_table }]`);
    return {
      name,
      schema: optionalString(item.schema) ?? defaultSchema(name),
      description: optionalString(item.description),
      loader: optionalString(item.loader),
      loadedAtField: optionalString(item.loaded_at_field),
      freshness: item.freshness === undefined ? undefined : this.freshness(item.freshness, [...path, 'freshness']),
      config: this.config(item, path, 'source'),
      properties: item,
      tables,
      ...this.at(path),
    };
  }

  freshness(raw: unknown, path: YamlPath): FreshnessSpec | null {
    if (raw === null) return null;
    if (!isRecord(raw)) {
      this.fail(path, 'freshness must be a mapping, e.g. freshness: { warn_after: { count: 6, period: hour } }');
      return null;
    }
    this.unknownKeys(raw, path, ['warn_after', 'error_after', 'filter'], 'freshness property');
    const limit = (key: string) => {
      const v = raw[key];
      if (v === undefined || v === null) return undefined;
      if (!isRecord(v) || !Number.isFinite(v.count) || typeof v.period !== 'string' || !PERIODS.includes(v.period)) {
        this.fail([...path, key], `${key} must be { count: <number>, period: minute|hour|day }`);
        return undefined;
      }
      return { count: v.count as number, period: v.period as 'minute' | 'hour' | 'day' };
    };
    return { warnAfter: limit('warn_after'), errorAfter: limit('error_after'), filter: optionalString(raw.filter) };
  }
}

function stringList(v: unknown): string[] {
  if (typeof v === 'string') return [v];
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
}

function optionalString(v: unknown): string | undefined {
  return typeof v === 'string' ? v : undefined;
}
