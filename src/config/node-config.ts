import type { NodeConfig } from '../graph/nodes.js';
import { error, warning, type Diagnostic } from '../util/diagnostics.js';
import { didYouMean } from '../util/suggest.js';
import { parse as parseYaml } from 'yaml';

export type ConfigTarget = 'model' | 'seed' | 'test' | 'source';
export type PartialConfig = Partial<NodeConfig>;
/** Where a key was written: used to point errors at the right line. */
export type Locate = (key: string) => { file: string; line?: number; col?: number };

const MATERIALIZATIONS = ['view', 'table', 'incremental', 'ephemeral'];
const ON_SCHEMA_CHANGE = ['ignore', 'append_new_columns', 'sync_all_columns', 'fail'];
const SEVERITIES = ['warn', 'error'];
const INCREMENTAL_STRATEGIES = ['delete+insert', 'append'];

// Only keys modelrun acts on (or that are purely descriptive, like meta and docs): anything else
// is reported as unknown rather than silently ignored.
const COMMON_KEYS = ['enabled', 'tags', 'meta', 'docs', 'schema', 'alias', 'group', 'access'];
const KEYS: Record<ConfigTarget, string[]> = {
  model: [...COMMON_KEYS, 'materialized', 'unique_key', 'on_schema_change', 'full_refresh', 'incremental_strategy'],
  seed: [...COMMON_KEYS, 'materialized', 'column_types', 'quote_columns', 'delimiter', 'full_refresh'],
  test: [...COMMON_KEYS, 'materialized', 'severity', 'warn_if', 'error_if', 'where', 'limit', 'store_failures', 'store_failures_as', 'fail_calc'],
  source: ['enabled', 'tags', 'meta', 'freshness', 'loaded_at_field', 'event_time'],
};

export function knownConfigKeys(target: ConfigTarget): readonly string[] {
  return KEYS[target];
}

export function isConfigKey(target: ConfigTarget, key: string): boolean {
  return KEYS[target].includes(key);
}

/** Validates one layer of configuration (project folder, schema YAML or `{{config}}`), keeping what is valid. */
export function validateConfig(raw: Record<string, unknown>, target: ConfigTarget, locate: Locate): { config: PartialConfig; diagnostics: Diagnostic[] } {
  const config: PartialConfig = {};
  const diagnostics: Diagnostic[] = [];
  const fail = (key: string, what: string) => {
    const at = locate(key);
    diagnostics.push(error(what, at.file, at.line, at.col));
  };
  for (const [key, value] of Object.entries(raw)) {
    if (!KEYS[target].includes(key)) {
      const at = locate(key);
      diagnostics.push(warning(`unknown ${target} config "${key}"${didYouMean(key, KEYS[target])} (ignored)`, at.file, at.line, at.col));
      continue;
    }
    const problem = checkValue(key, value);
    if (problem) {
      fail(key, `config "${key}" ${problem}`);
      continue;
    }
    config[key] = normalise(key, value);
  }
  return { config, diagnostics };
}

function checkValue(key: string, value: unknown): string | undefined {
  const oneOf = (allowed: string[]) =>
    typeof value === 'string' && allowed.includes(value) ? undefined : `must be one of ${allowed.join(', ')} (got ${JSON.stringify(value)})${typeof value === 'string' ? didYouMean(value, allowed) : ''}`;
  switch (key) {
    case 'materialized':
      return oneOf(MATERIALIZATIONS);
    case 'on_schema_change':
      return oneOf(ON_SCHEMA_CHANGE);
    case 'incremental_strategy':
      return oneOf(INCREMENTAL_STRATEGIES);
    case 'severity':
      return typeof value === 'string' && SEVERITIES.includes(value.toLowerCase()) ? undefined : `must be warn or error (got ${JSON.stringify(value)})`;
    case 'enabled':
    case 'full_refresh':
    case 'store_failures':
      return typeof value === 'boolean' ? undefined : `must be true or false (got ${JSON.stringify(value)})`;
    case 'schema':
    case 'alias':
    case 'database':
    case 'where':
      return typeof value === 'string' && value !== '' ? undefined : `must be a non-empty string (got ${JSON.stringify(value)})`;
    case 'tags':
    case 'unique_key':
      return typeof value === 'string' || (Array.isArray(value) && value.every((v) => typeof v === 'string'))
        ? undefined
        : `must be a string or a list of strings (got ${JSON.stringify(value)})`;
    case 'column_types':
      return typeof value === 'object' && value !== null && !Array.isArray(value) && Object.values(value).every((v) => typeof v === 'string')
        ? undefined
        : 'must map column names to DuckDB types, e.g. { id: integer }';
    case 'limit':
      return Number.isInteger(value) && (value as number) >= 0 ? undefined : `must be a whole number (got ${JSON.stringify(value)})`;
    default:
      return undefined;
  }
}

function normalise(key: string, value: unknown): unknown {
  if (key === 'tags') return typeof value === 'string' ? [value] : value;
  if (key === 'severity') return (value as string).toLowerCase();
  return value;
}

/**
 * Reads a `{{config key=value}}` hash value. Lists and maps are written as YAML flow text
 * (`tags="[a, b]"`, `unique_key="[id, day]"`), since Handlebars hash values are scalars.
 */
export function configValueFromTemplate(value: unknown): unknown {
  if (typeof value === 'string' && /^\s*[[{]/.test(value)) {
    try {
      return parseYaml(value);
    } catch {
      return value;
    }
  }
  return value;
}

/** Later layers win; tags accumulate, as in dbt. */
export function mergeConfigs(defaults: PartialConfig, layers: readonly PartialConfig[]): NodeConfig {
  const merged: NodeConfig = { enabled: true, tags: [], ...defaults } as NodeConfig;
  for (const layer of layers) {
    for (const [key, value] of Object.entries(layer)) {
      if (key === 'tags') {
        for (const tag of value as string[]) if (!merged.tags.includes(tag)) merged.tags.push(tag);
      } else if (value !== undefined) {
        merged[key] = value;
      }
    }
  }
  return merged;
}
