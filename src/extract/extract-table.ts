import type { DuckDBConnection } from '@duckdb/node-api';
import type { SupabaseClient } from '@supabase/supabase-js';
import { quoteIdent, relationName } from '../util/sql.js';
import { lookbackFrom } from './cursor-order.js';
import { fetchPage, type Position, type RetryTally } from './page-reader.js';
import { RawLanding, readState } from './raw-landing.js';
import type { RetryPolicy } from './retry-policy.js';
import type { Row } from './sample-data.js';
import type { ExtractTable } from './table-config.js';

export interface TableOutcome {
  rows: number;
  pages: number;
  tally: RetryTally;
  /** A load of every source row: the first, or an existing table rebuilt aside (--full-refresh, or full_refresh_every due); undefined when it added to what was landed. */
  load?: 'first load' | 'full refresh';
  drift: string[];
  seconds: number;
  /** The rows the raw table holds after the landing (an upsert that lands a key twice writes more rows than that). */
  rowsAfter: number;
  /** The rows the raw table held before, when the landing added to it (neither a first load nor a full refresh). */
  rowsBefore?: number;
  /** When landedKeys was given, the table already existed and no column changed type: the keys it landed. */
  landedKeys?: number;
}

export interface TableRunOptions {
  fullRefresh: boolean;
  policy: RetryPolicy;
  sourceTypes?: Map<string, string>;
  now: Date;
  onPage?: (rows: number, pages: number, seconds: number) => void;
  /** Rows staged before a commit (pages are never split). */
  batchRows: number;
  /** Test hook: called after each batch commits, with the pages fetched so far. */
  afterPage?: (page: number) => void | Promise<void>;
  /** A table (in the run's changes database) to keep the landed rows' primary keys in. */
  landedKeys?: string;
}

/**
 * Lands one table: pages in (cursor, key) order, the next page fetched while the previous one is written,
 * so at most two pages are in memory. On error, everything committed so far stays; `tally` is filled in.
 */
export async function extractTable(conn: DuckDBConnection, client: SupabaseClient, t: ExtractTable, opts: TableRunOptions, tally: RetryTally): Promise<TableOutcome> {
  const started = performance.now();
  const state = await readState(conn, t);
  const refreshDue = t.fullRefreshEveryMs !== undefined && state?.lastFullRefresh != null && opts.now.getTime() - state.lastFullRefresh.getTime() >= t.fullRefreshEveryMs;
  const aside = Boolean(state) && (opts.fullRefresh || refreshDue);
  let from: { after?: Position; lower?: string } = {};
  if (!aside && state?.cursor != null && state.pk != null) {
    const lower = lookbackFrom(state.cursor, t.lookbackMs);
    from = lower !== undefined ? { lower } : { after: { cursor: state.cursor, pk: state.pk } };
  }
  let rows = 0;
  let pages = 0;
  const fetchNext = (f: typeof from, n: number) => {
    const p = fetchPage(client, t, f, opts.policy, tally, n);
    p.catch(() => undefined); // awaited below; this only stops an early rejection from counting as unhandled
    return p;
  };
  // The first page is on the wire while the raw table is checked.
  let pending: Promise<Row[]> = fetchNext(from, 1);
  const landing = await RawLanding.open(conn, t, { aside, sourceTypes: opts.sourceTypes, state: aside ? undefined : state, now: opts.now, landedKeys: opts.landedKeys });
  const count = async (relation: string) => Number((await conn.runAndReadAll(`SELECT count(*) FROM ${relation}`)).getRowsJS()[0]![0]);
  const rowsBefore = landing.intoExisting ? await count(landing.relation) : undefined;
  try {
    for (;;) {
      const waited = performance.now();
      const page = await pending;
      if (process.env.MODELRUN_EXTRACT_TRACE) process.stderr.write(`[trace] page ${pages + 1}: ${page.length} rows, waited ${(performance.now() - waited).toFixed(1)}ms at ${(performance.now() - started).toFixed(0)}ms\n`);
      if (page.length === 0) break;
      pages++;
      const last = page[page.length - 1]!;
      // Keyset: the next page starts strictly after this page's last (cursor, key).
      pending = fetchNext({ after: { cursor: String(last[t.cursorField]), pk: String(last[t.primaryKey]) } }, pages + 1);
      // Let undici put the request on the wire before the (mostly synchronous) staging work below.
      await new Promise((r) => setImmediate(r));
      await landing.stagePage(page);
      // Commit in batches: a batch and its watermark land in one transaction, so a crash loses at most the batch in flight.
      if (landing.pendingRows >= opts.batchRows) {
        rows += await landing.commit();
        await opts.afterPage?.(pages);
      }
      opts.onPage?.(rows + landing.pendingRows, pages, (performance.now() - started) / 1000);
    }
    rows += await landing.commit();
    await landing.finish(opts.now);
  } catch (e) {
    await landing.abandon();
    throw e;
  }
  // Counted in the table swapped in, not summed from the batches: a row updated while the landing pages arrives twice.
  const rowsAfter = await count(relationName(t.schema, t.identifier));
  const landedKeys = landing.keptLandedKeys && !landing.retyped ? await count(`(SELECT DISTINCT ${quoteIdent(t.primaryKey)} FROM ${opts.landedKeys})`) : undefined;
  return { rows, pages, tally, load: aside ? 'full refresh' : state ? undefined : 'first load', drift: landing.drift, seconds: (performance.now() - started) / 1000, rowsAfter, rowsBefore, landedKeys };
}
