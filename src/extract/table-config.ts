import { landsFromSupabase, type SourceSpec, type SourceTableSpec } from '../config/schema-yaml.js';
import { error, type Diagnostic } from '../util/diagnostics.js';

/** One table of a `loader: supabase` source, with its landing settings validated. */
export interface ExtractTable {
  uniqueId: string;
  sourceName: string;
  tableName: string;
  /** The Supabase table (the source table's identifier). */
  remoteName: string;
  /** Where it lands: schema `raw` (the source's schema), table named by the identifier. */
  schema: string;
  identifier: string;
  primaryKey: string;
  cursorField: string;
  /** Columns to fetch; undefined means all. Always holds the key and the cursor when set. */
  select?: string[];
  filters: { column: string; op: string; value: string }[];
  lookbackMs: number;
  mode: 'append' | 'upsert';
  fullRefreshEveryMs?: number;
  pageSize: number;
  file: string;
  line: number;
  col: number;
}

const DEFAULT_LOOKBACK_MS = 3_600_000;
const UNITS: Record<string, number> = { ms: 1, s: 1000, sec: 1000, second: 1000, m: 60_000, min: 60_000, minute: 60_000, h: 3_600_000, hour: 3_600_000, d: 86_400_000, day: 86_400_000, w: 604_800_000, week: 604_800_000 };

/** "1 hour", "30 minutes", "2h", "7 days", or a number of seconds. */
export function parseDuration(value: unknown): number | undefined {
  if (typeof value === 'number' && Number.isFinite(value) && value >= 0) return value * 1000;
  if (typeof value !== 'string') return undefined;
  const m = /^\s*(\d+(?:\.\d+)?)\s*([a-z]*?)s?\s*$/i.exec(value);
  if (!m) return undefined;
  const unit = m[2]!.toLowerCase() || 's';
  const factor = UNITS[unit] ?? UNITS[unit.replace(/s$/, '')];
  return factor === undefined ? undefined : Number(m[1]) * factor;
}

/** The supabase-loaded tables of the project's sources, or every problem with their settings. */
export function supabaseTables(projectName: string, sources: readonly SourceSpec[]): { tables: ExtractTable[]; diagnostics: Diagnostic[] } {
  const tables: ExtractTable[] = [];
  const diagnostics: Diagnostic[] = [];
  for (const source of sources) {
    if (!landsFromSupabase(source)) continue;
    for (const t of source.tables) {
      const parsed = tableConfig(projectName, source, t, diagnostics);
      if (parsed) tables.push(parsed);
    }
  }
  return { tables, diagnostics };
}

function tableConfig(projectName: string, source: SourceSpec, t: SourceTableSpec, diagnostics: Diagnostic[]): ExtractTable | undefined {
  const p = t.properties;
  const where = `source ${source.name}.${t.name}`;
  // At the setting's own line when it is there, else at the table's `- name:`.
  const fail = (message: string, key?: string) => {
    const at = (key && t.propertyLines[key]) || t;
    diagnostics.push(error(`${where}: ${message}`, t.file, at.line, at.col));
  };
  const before = diagnostics.length;
  const name = (key: string): string | undefined => {
    const v = p[key];
    if (typeof v === 'string' && /^[A-Za-z_][A-Za-z0-9_]*$/.test(v)) return v;
    fail(v === undefined ? `"${key}" is required for loader: supabase — e.g. ${key}: ${key === 'primary_key' ? 'id' : 'created_at'}` : `"${key}" must be one column name`, key);
    return undefined;
  };
  const primaryKey = name('primary_key');
  const cursorField = name('cursor_field');
  let select: string[] | undefined;
  if (p.select !== undefined) {
    const cols = Array.isArray(p.select) ? p.select : typeof p.select === 'string' ? p.select.split(',') : undefined;
    if (!cols || cols.some((c) => typeof c !== 'string' || !/^\s*[A-Za-z_][A-Za-z0-9_]*\s*$/.test(c))) fail('"select" must be a list of column names', 'select');
    else select = [...new Set([primaryKey ?? '', cursorField ?? '', ...cols.map((c) => String(c).trim())].filter(Boolean))];
  }
  const filters: ExtractTable['filters'] = [];
  if (p.filter !== undefined) {
    // PostgREST filter syntax: `event_type=neq.page_view&tool_slug=not.is.null`, or a mapping column: "op.value".
    const entries = typeof p.filter === 'string' ? p.filter.split('&').map((kv) => kv.split(/=(.*)/s).slice(0, 2)) : p.filter && typeof p.filter === 'object' ? Object.entries(p.filter) : undefined;
    for (const [column, expr] of entries ?? [['', undefined]]) {
      const m = typeof expr === 'string' ? /^((?:not\.)?[a-z]+)\.(.*)$/s.exec(expr) : null;
      if (!column || !/^[A-Za-z_][A-Za-z0-9_]*$/.test(column) || !m) {
        fail('"filter" must be PostgREST filters such as "event_type=neq.page_view" (or a mapping event_type: neq.page_view)', 'filter');
        break;
      }
      filters.push({ column, op: m[1]!, value: m[2]! });
    }
  }
  const lookbackMs = p.lookback === undefined ? DEFAULT_LOOKBACK_MS : parseDuration(p.lookback);
  if (lookbackMs === undefined) fail('"lookback" must be a duration such as "1 hour" or "30 minutes"', 'lookback');
  const mode = p.mode ?? 'upsert';
  if (mode !== 'append' && mode !== 'upsert') fail(`"mode" must be append or upsert (got "${String(mode)}")`, 'mode');
  const fullRefreshEveryMs = p.full_refresh_every === undefined ? undefined : parseDuration(p.full_refresh_every);
  if (p.full_refresh_every !== undefined && fullRefreshEveryMs === undefined) fail('"full_refresh_every" must be a duration such as "7 days"', 'full_refresh_every');
  const pageSize = p.page_size === undefined ? 1000 : Number(p.page_size);
  if (!Number.isInteger(pageSize) || pageSize < 1) fail('"page_size" must be a whole number of rows, at least 1', 'page_size');
  if (diagnostics.length > before) return undefined;
  return {
    uniqueId: `source.${projectName}.${source.name}.${t.name}`,
    sourceName: source.name,
    tableName: t.name,
    remoteName: t.identifier,
    schema: source.schema,
    identifier: t.identifier,
    primaryKey: primaryKey!,
    cursorField: cursorField!,
    select,
    filters,
    lookbackMs: lookbackMs!,
    mode: mode as 'append' | 'upsert',
    fullRefreshEveryMs,
    pageSize,
    file: t.file,
    line: t.line,
    col: t.col,
  };
}
