import type { SupabaseClient } from '@supabase/supabase-js';
import { backoffMs, retryAfterMs, type RetryPolicy } from './retry-policy.js';
import type { Row } from './sample-data.js';
import { responseMeta } from './supabase-client.js';
import type { ExtractTable } from './table-config.js';

/** A landing failure with a one-line message; `retryable` false means retrying cannot help (auth, missing table). */
export class ExtractError extends Error {
  constructor(message: string, readonly retryable = false) {
    super(message);
    this.name = 'ExtractError';
  }
}

/** The keyset position after the last landed row: (cursor, primary key), as the API rendered them. */
export interface Position {
  cursor: string;
  pk: string;
}

export interface RetryTally {
  /** Retries done for this table. */
  retries: number;
  /** Pages that needed at least one retry. */
  pagesRetried: number;
  sleptMs: number;
}

interface PostgrestReply {
  data: unknown;
  error: { message?: string; code?: string; details?: string | null; hint?: string | null } | null;
  status: number;
}

/** PostgREST needs double quotes around values holding , . : ( ) inside or=(...). */
function quoteValue(v: string): string {
  return `"${v.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

/**
 * One page in (cursor, pk) order strictly after `after` (or from `lower` inclusive, or from the start).
 * Never an offset: rows sharing a cursor value across a page edge are neither skipped nor repeated,
 * and a server max-rows cap smaller than the page size only makes pages shorter.
 */
export async function fetchPage(client: SupabaseClient, table: ExtractTable, from: { after?: Position; lower?: string }, policy: RetryPolicy, tally: RetryTally, pageNo: number): Promise<Row[]> {
  const c = table.cursorField;
  const k = table.primaryKey;
  let retriedThisPage = false;
  for (let attempt = 0; ; attempt++) {
    const signal = AbortSignal.timeout(policy.timeoutMs);
    let q = client
      .from(table.remoteName)
      .select(table.select ? table.select.join(',') : '*')
      .not(c, 'is', null)
      .order(c, { ascending: true })
      .order(k, { ascending: true })
      .limit(table.pageSize)
      .retry(false)
      .abortSignal(signal);
    for (const f of table.filters) q = q.filter(f.column, f.op, f.value);
    if (from.after) {
      const cv = quoteValue(from.after.cursor);
      q = q.or(`${c}.gt.${cv},and(${c}.eq.${cv},${k}.gt.${quoteValue(from.after.pk)})`);
    } else if (from.lower !== undefined) q = q.gte(c, from.lower);
    let reply: PostgrestReply;
    try {
      reply = (await q) as PostgrestReply;
    } catch (e) {
      // postgrest-js rethrows aborts in some paths instead of returning them.
      reply = { data: null, error: { message: e instanceof Error ? `${e.name}: ${e.message}` : String(e), hint: 'Request was aborted' }, status: 0 };
    }
    const verdict = judge(reply, table, pageNo);
    if (verdict.ok) return verdict.rows;
    if (!verdict.retryable) throw new ExtractError(verdict.message);
    const hinted = retryAfterMs(responseMeta.get(signal)?.retryAfter);
    const delay = hinted !== undefined ? Math.min(hinted, policy.maxRetryAfterMs) : backoffMs(policy, attempt);
    if (attempt + 1 >= policy.maxAttempts || tally.sleptMs + delay > policy.budgetMs) {
      throw new ExtractError(`${table.schema}.${table.identifier}: page ${pageNo} failed after ${attempt + 1} attempts (${tally.retries} retries in all): ${verdict.message} — the rows landed before it are kept; run again to resume`, true);
    }
    if (!retriedThisPage) tally.pagesRetried++;
    retriedThisPage = true;
    tally.retries++;
    tally.sleptMs += delay;
    await new Promise((r) => setTimeout(r, delay));
  }
}

type Verdict = { ok: true; rows: Row[] } | { ok: false; retryable: boolean; message: string };

function judge(reply: PostgrestReply, table: ExtractTable, pageNo: number): Verdict {
  const { status, error } = reply;
  if (status >= 200 && status < 300) {
    if (!error && Array.isArray(reply.data)) return { ok: true, rows: reply.data as Row[] };
    return { ok: false, retryable: true, message: 'the response was not valid JSON (truncated body)' };
  }
  const code = error?.code ? ` ${error.code}` : '';
  const firstLine = (s: string | undefined | null) => (s ?? '').split('\n')[0]!.slice(0, 200);
  if (status === 401 || status === 403) return { ok: false, retryable: false, message: `Supabase rejected the service key (${status}) — check SUPABASE_SERVICE_ROLE_KEY` };
  if (status === 404 && (error?.code === 'PGRST205' || error?.code === '42P01' || error?.code === 'PGRST200')) {
    return { ok: false, retryable: false, message: `table "${table.remoteName}" was not found in Supabase (${status}${code}) — check the name in ${table.file} or the table's grants` };
  }
  if (status === 0) {
    const detail = `${error?.message ?? ''}\n${error?.details ?? ''}`;
    const cause = /\((E[A-Z_]+|UND_ERR_[A-Z_]+)\)/.exec(detail)?.[1];
    if (/abort|timeout/i.test(`${error?.hint ?? ''} ${detail}`)) return { ok: false, retryable: true, message: 'the request timed out' };
    if (cause === 'ENOTFOUND' || cause === 'EAI_AGAIN' || cause === 'ECONNREFUSED') {
      // A wrong URL never heals by waiting, but the first page is allowed a quick retry for a flapping network.
      return { ok: false, retryable: pageNo > 1, message: `cannot reach Supabase (${cause}) — check SUPABASE_URL` };
    }
    const causeText = /Caused by: [A-Za-z]*Error: ([^\n]*)/.exec(detail)?.[1]?.replace(/\s*\([A-Z_]+\)$/, '');
    if (!cause && causeText === 'bad port') return { ok: false, retryable: false, message: 'cannot reach Supabase (the URL uses a blocked port) — check SUPABASE_URL' };
    return { ok: false, retryable: true, message: `connection failed (${cause ?? causeText ?? firstLine(error?.message)})` };
  }
  if (status === 408 || status === 429 || status >= 500) return { ok: false, retryable: true, message: `HTTP ${status}${code}${error?.message ? `: ${firstLine(error.message)}` : ''}` };
  return { ok: false, retryable: false, message: `Supabase answered ${status}${code}: ${firstLine(error?.message)}${error?.hint ? ` (${firstLine(error.hint)})` : ''}` };
}
