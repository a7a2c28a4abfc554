import type { Credentials } from './supabase-client.js';

/**
 * Column types of the Supabase tables, from the OpenAPI description PostgREST serves at /rest/v1/
 * (readable with the service key). Undefined when it cannot be read: types are then inferred from values.
 */
export async function fetchSourceColumns(creds: Credentials, timeoutMs: number): Promise<Map<string, Map<string, string>> | undefined> {
  try {
    const res = await fetch(`${creds.url.replace(/\/+$/, '')}/rest/v1/`, {
      headers: { apikey: creds.key, Authorization: `Bearer ${creds.key}`, Accept: 'application/openapi+json, application/json' },
      signal: AbortSignal.timeout(timeoutMs),
    });
    if (!res.ok) {
      await res.body?.cancel();
      return undefined;
    }
    const spec = (await res.json()) as { definitions?: Record<string, { properties?: Record<string, { format?: string }> }> };
    const out = new Map<string, Map<string, string>>();
    for (const [table, def] of Object.entries(spec.definitions ?? {})) {
      out.set(table, new Map(Object.entries(def.properties ?? {}).map(([c, p]) => [c, duckType(p.format ?? 'text')])));
    }
    return out;
  } catch {
    return undefined;
  }
}

/** The DuckDB type a Postgres type lands as: jsonb as JSON, uuid as VARCHAR (joins with text stay simple). */
export function duckType(pg: string): string {
  const t = pg.toLowerCase().replace(/\(.*\)/, '').trim();
  if (t.endsWith('[]') || t === 'json' || t === 'jsonb') return 'JSON';
  switch (t) {
    case 'bigint': case 'int8': case 'bigserial': return 'BIGINT';
    case 'integer': case 'int': case 'int4': case 'serial': return 'INTEGER';
    case 'smallint': case 'int2': return 'SMALLINT';
    case 'double precision': case 'float8': case 'numeric': case 'decimal': return 'DOUBLE';
    case 'real': case 'float4': return 'FLOAT';
    case 'boolean': case 'bool': return 'BOOLEAN';
    case 'timestamp with time zone': case 'timestamptz': return 'TIMESTAMP WITH TIME ZONE';
    case 'timestamp without time zone': case 'timestamp': return 'TIMESTAMP';
    case 'date': return 'DATE';
    default: return 'VARCHAR';
  }
}

/** A type for a column the OpenAPI description does not know, from one value; undefined for null. */
export function inferType(v: unknown): string | undefined {
  if (v === null || v === undefined) return undefined;
  if (typeof v === 'boolean') return 'BOOLEAN';
  if (typeof v === 'number') return Number.isInteger(v) ? 'BIGINT' : 'DOUBLE';
  if (typeof v === 'object') return 'JSON';
  if (/^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}:\d{2}(\.\d+)?([+-]\d{2}(:?\d{2})?|Z)$/.test(String(v))) return 'TIMESTAMP WITH TIME ZONE';
  return 'VARCHAR';
}

const NUMERIC_RANK: Record<string, number> = { SMALLINT: 1, INTEGER: 2, BIGINT: 3, FLOAT: 4, DOUBLE: 5 };

/**
 * How a raw column of type `have` takes values of type `want`: keep it, widen it (ALTER ... TYPE), or fail.
 * Widening is lossless only: numbers up the ladder, TIMESTAMP to TIMESTAMPTZ, anything to VARCHAR.
 */
export function reconcile(have: string, want: string): 'same' | { widen: string } | { fail: string } {
  const h = normalise(have);
  const w = normalise(want);
  if (h === w || h === 'VARCHAR') return 'same';
  const rh = NUMERIC_RANK[h];
  const rw = NUMERIC_RANK[w];
  if (rh !== undefined && rw !== undefined) return rw > rh ? { widen: w } : 'same';
  if (h === 'TIMESTAMP' && w === 'TIMESTAMP WITH TIME ZONE') return { widen: w };
  if (w === 'VARCHAR' && h !== 'JSON') return { widen: 'VARCHAR' };
  return { fail: `the source column is now ${w} but the raw column is ${h}` };
}

export function normalise(t: string): string {
  const u = t.toUpperCase();
  return u === 'TIMESTAMPTZ' ? 'TIMESTAMP WITH TIME ZONE' : u;
}
