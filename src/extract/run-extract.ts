import type { DuckDBConnection } from '@duckdb/node-api';
import type { NodeResult } from '../execute/results.js';
import { landedKeysRelation, type ChangedRows, type ChangeLog } from '../materializations/changed-rows.js';
import { error, UserError } from '../util/diagnostics.js';
import { quoteIdent, relationName } from '../util/sql.js';
import { fetchSourceColumns } from './column-types.js';
import { startEmbeddedSample, type SampleServer } from './embedded-sample.js';
import { extractTable } from './extract-table.js';
import { describeLanded, landedCounts } from './landed-counts.js';
import { counted } from '../util/counted.js';
import { ExtractError, type RetryTally } from './page-reader.js';
import { ensureStateTable } from './raw-landing.js';
import { DEFAULT_RETRY, type RetryPolicy } from './retry-policy.js';
import type { SampleOptions } from './sample-data.js';
import { credentialsFromEnv, makeClient, redact, type Credentials } from './supabase-client.js';
import type { ExtractTable } from './table-config.js';

export interface ExtractLog {
  info(message: string): void;
  /** Live progress on a TTY (overwritten in place); omitted elsewhere. */
  progress?(message: string): void;
}

export interface ExtractOptions {
  fullRefresh?: boolean;
  env?: NodeJS.ProcessEnv;
  retry?: Partial<RetryPolicy>;
  /** For the embedded default: which tools exist (seeds/tool_catalog.csv) and how big the sample is. */
  sample?: SampleOptions;
  /** Explicit credentials (tests, bench); otherwise the environment decides. */
  credentials?: Credentials;
  now?: Date;
  /** DuckDB memory cap while landing, in MB (default 32; a lower existing limit is kept). */
  memoryLimitMb?: number;
  /** Rows per committed batch (default 10,000); each batch commits with its watermark. */
  batchRows?: number;
  afterPage?: (table: ExtractTable, page: number) => void | Promise<void>;
  /** Filled with the rows each incremental landing wrote (by primary key), for the tests that follow; needs the changes database attached. */
  changes?: ChangeLog;
}

/** Lands the given tables, one after the other, and returns one run_results entry per table. */
export async function extractTables(conn: DuckDBConnection, tables: readonly ExtractTable[], log: ExtractLog, options: ExtractOptions = {}): Promise<NodeResult[]> {
  if (tables.length === 0) return [];
  const policy = { ...DEFAULT_RETRY, ...options.retry };
  let embedded: SampleServer | undefined;
  let creds = options.credentials ?? credentialsFromEnv(options.env ?? process.env);
  if (creds && (!creds.url || !creds.key)) {
    throw new UserError([error(creds.url ? 'SUPABASE_URL is set but SUPABASE_SERVICE_ROLE_KEY (or SUPABASE_SERVICE_KEY) is not — set both, or neither to use the embedded sample' : 'a Supabase service key is set but SUPABASE_URL is not — set both, or neither to use the embedded sample')]);
  }
  if (creds && !/^https?:\/\/[^/]/.test(creds.url)) throw new UserError([error(`SUPABASE_URL must be an http(s) URL such as https://<project>.supabase.co (got "${redact(creds.url, creds.key)}")`)]);
  if (!creds) {
    embedded = await startEmbeddedSample(options.sample);
    creds = embedded.credentials;
  }
  log.info(`Extracting ${counted(tables.length, 'table')} from ${embedded ? sampleOrigin(embedded) : `Supabase at ${redact(creds.url, creds.key)}`}`);
  const key = creds.key;
  const results: NodeResult[] = [];
  // Landing streams: DuckDB needs little memory for it, but its buffer pool keeps the blocks it writes
  // resident up to its cap (tens of MB per million rows landed). Cap it low while landing (never
  // raising a lower setting), then put it back: 3M events peaked at 257 MB with 32 MB, 311 MB with
  // 64 MB, 380–389 MB with 160 MB, at the same speed. An in-memory warehouse spills to its temp directory.
  // The source's schema travels over HTTP while DuckDB gets ready.
  const sourceColumnsRequest = fetchSourceColumns(creds, policy.timeoutMs);
  const memory = await capMemory(conn, options.memoryLimitMb ?? 32);
  try {
    await ensureStateTable(conn);
    const client = makeClient(creds);
    const sourceColumns = await sourceColumnsRequest;
    let stopAll: string | undefined;
    for (const t of tables) {
      const startedAt = new Date();
      const relation = `${t.schema}.${t.identifier}`;
      const base = { uniqueId: t.uniqueId, startedAt: startedAt.toISOString(), thread: 0, file: t.file, line: t.line };
      if (stopAll) {
        log.info(`${relation}: SKIP, not tried: ${stopAll}`);
        results.push({ ...base, status: 'skipped', statusText: 'SKIP', message: `skipped: ${stopAll}`, completedAt: startedAt.toISOString(), executionTime: 0 });
        continue;
      }
      const tally: RetryTally = { retries: 0, pagesRetried: 0, sleptMs: 0 };
      const t0 = performance.now();
      const landedKeys = options.changes ? landedKeysRelation(t.schema, t.identifier) : undefined;
      try {
        const outcome = await extractTable(conn, client, t, {
          fullRefresh: Boolean(options.fullRefresh),
          policy,
          batchRows: options.batchRows ?? 10_000,
          sourceTypes: sourceColumns?.get(t.remoteName),
          now: options.now ?? new Date(),
          onPage: (rows, _pages, seconds) => log.progress?.(`${relation}: ${rows.toLocaleString('en-US')} rows, ${Math.round(rows / Math.max(seconds, 1e-3)).toLocaleString('en-US')} rows/s`),
          afterPage: options.afterPage ? (n) => options.afterPage!(t, n) : undefined,
          landedKeys,
        }, tally);
        if (outcome.landedKeys !== undefined && outcome.rowsBefore !== undefined && landedKeys) {
          options.changes!.set(t.uniqueId, landedRows(t, landedKeys, { before: outcome.rowsBefore, after: outcome.rowsAfter, landedKeys: outcome.landedKeys }));
        }
        const landed = landedCounts(outcome);
        const notes = [outcome.load, tally.pagesRetried > 0 ? `${counted(tally.pagesRetried, 'page')} retried` : ''].filter(Boolean);
        const message = `${relation}: ${describeLanded(landed)}${notes.length > 0 ? ` (${notes.join(', ')})` : ''} in ${outcome.seconds.toFixed(1)}s`;
        log.info(message);
        for (const d of outcome.drift) log.info(`${relation}: schema drift: ${d}`);
        results.push({ ...base, status: 'success', statusText: `INSERT ${outcome.rows}`, message, rowsAffected: outcome.rows, tableRows: outcome.rowsAfter, landed, completedAt: new Date().toISOString(), executionTime: outcome.seconds });
      } catch (e) {
        const raw = e instanceof Error ? e.message : String(e);
        const message = redact(raw.split('\n')[0]!, key);
        log.info(`${relation}: ERROR ${message}`);
        if (e instanceof ExtractError && /rejected the service key|cannot reach Supabase/.test(raw)) stopAll = message;
        results.push({ ...base, status: 'error', statusText: 'ERROR', message, completedAt: new Date().toISOString(), executionTime: (performance.now() - t0) / 1000 });
      }
    }
  } finally {
    await memory.restore();
    await embedded?.server.close();
  }
  return results;
}

/** The embedded sample stands in for Supabase: say so, and how big it is. */
function sampleOrigin(sample: SampleServer): string {
  const rows = (table: string, what: string) => counted(sample.counts[table] ?? 0, what);
  return `the embedded sample (no SUPABASE_URL set; ${rows('analytics_events', 'event')}, ${rows('user_sessions', 'session')}, ${rows('processing_jobs', 'job')})`;
}

/** The raw rows whose primary key a landing wrote (with append, an old row of the same key too), and any row without a key. */
function landedRows(t: ExtractTable, keys: string, counts: { before: number; after: number; landedKeys: number }): ChangedRows {
  const pk = quoteIdent(t.primaryKey);
  return {
    how: 'landed',
    // A null key matches no landed key: such rows are checked every time.
    relation: `(select * from ${relationName(t.schema, t.identifier)} where ${pk} in (select ${pk} from ${keys}) or ${pk} is null)`,
    // Append keeps an old row of a key landed again; upsert replaces it. Either way, no key list vouches for uniqueness.
    uniqueKeys: [],
    rows: counts.landedKeys,
    rowsBefore: counts.before,
    rowsAfter: counts.after,
  };
}

async function capMemory(conn: DuckDBConnection, mb: number): Promise<{ restore: () => Promise<void> }> {
  const reader = await conn.runAndReadAll(`SELECT current_setting('memory_limit')`);
  const current = String(reader.getRowsJS()[0]?.[0] ?? '');
  const m = /^([\d.]+)\s*([KMGT]i?B)$/i.exec(current);
  const factor: Record<string, number> = { KB: 1e-3, KIB: 1 / 1024, MB: 1, MIB: 1, GB: 1e3, GIB: 1024, TB: 1e6, TIB: 1024 * 1024 };
  const currentMb = m ? Number(m[1]) * (factor[m[2]!.toUpperCase()] ?? 1) : Infinity;
  if (!(currentMb > mb)) return { restore: async () => undefined };
  await conn.run(`SET memory_limit = '${mb}MB'`);
  return { restore: async () => void (await conn.run(`SET memory_limit = '${current}'`).catch(() => undefined)) };
}
