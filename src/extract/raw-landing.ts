import type { DuckDBAppender, DuckDBConnection } from '@duckdb/node-api';
import { duckdbApi } from '../adapters/duckdb/node-api.js';
import { quoteIdent, quoteLiteral, relationName } from '../util/sql.js';
import { inferType, normalise, reconcile } from './column-types.js';
import { compareCursor, cursorText } from './cursor-order.js';
import { ExtractError, type Position } from './page-reader.js';
import type { Row } from './sample-data.js';
import type { ExtractTable } from './table-config.js';

export const STATE_TABLE = 'modelrun.extract_state';
const ASIDE_SUFFIX = '__modelrun_refresh';
/** DuckDB's vector size: the most rows one data chunk holds. */
const CHUNK_ROWS = 2048;

export interface StoredState {
  cursor: string | null;
  pk: string | null;
  rows: number;
  lastFullRefresh: Date | null;
}

export async function ensureStateTable(conn: DuckDBConnection): Promise<void> {
  await conn.run(`CREATE SCHEMA IF NOT EXISTS modelrun;
    CREATE TABLE IF NOT EXISTS ${STATE_TABLE} (
      source VARCHAR NOT NULL, table_name VARCHAR NOT NULL, cursor_value VARCHAR, pk_value VARCHAR,
      rows_landed BIGINT NOT NULL, last_full_refresh TIMESTAMPTZ, updated_at TIMESTAMPTZ NOT NULL)`);
}

export async function readState(conn: DuckDBConnection, t: ExtractTable): Promise<StoredState | undefined> {
  const reader = await conn.runAndReadAll(
    `SELECT cursor_value, pk_value, rows_landed, epoch_ms(last_full_refresh) FROM ${STATE_TABLE} WHERE source = ${quoteLiteral(t.sourceName)} AND table_name = ${quoteLiteral(t.tableName)}`,
  );
  const row = reader.getRowsJS()[0];
  if (!row) return undefined;
  return { cursor: row[0] as string | null, pk: row[1] as string | null, rows: Number(row[2]), lastFullRefresh: row[3] === null ? null : new Date(Number(row[3])) };
}

async function relationColumns(conn: DuckDBConnection, schema: string, name: string): Promise<Map<string, string> | undefined> {
  const reader = await conn.runAndReadAll(
    `SELECT column_name, data_type FROM duckdb_columns() WHERE database_name = current_database() AND schema_name = ${quoteLiteral(schema)} AND table_name = ${quoteLiteral(name)} ORDER BY column_index`,
  );
  const rows = reader.getRowsJS() as [string, string][];
  return rows.length === 0 ? undefined : new Map(rows.map(([c, t]) => [c, normalise(t)]));
}

function cell(v: unknown): string | null {
  if (v === null || v === undefined) return null;
  if (typeof v === 'string') return v;
  if (typeof v === 'object') return JSON.stringify(v);
  return String(v);
}

/**
 * Lands pages of one table: each page goes through a connection-local VARCHAR staging table (filled by the
 * appender, column-wise), then ONE transaction casts and merges it into the raw table and moves the watermark.
 * A crash anywhere leaves raw and watermark in step. A full refresh lands into a table aside and swaps it in.
 */
export class RawLanding {
  /** Columns of the target table, in order, with their DuckDB types; undefined until it exists. */
  private columns?: Map<string, string>;
  private stageColumns: string[] = [];
  private readonly stage: string;
  /** DDL to run inside the next page's transaction (drift), and what to report about it. */
  private pendingDdl: string[] = [];
  readonly drift: string[] = [];
  /** A column's type changed: every row of the table was rewritten, not just the landed ones. */
  retyped = false;
  /** Landing adds to a raw table that exists: neither a first load nor a full refresh. */
  intoExisting = false;
  private readonly target: string;
  private rowsTotal: number;
  private appender?: DuckDBAppender;
  private staged = 0;
  private batchFirst?: Row;
  private batchLast?: Row;

  private constructor(
    private readonly conn: DuckDBConnection,
    private readonly t: ExtractTable,
    readonly aside: boolean,
    private readonly sourceTypes: Map<string, string> | undefined,
    private readonly startState: StoredState | undefined,
    private watermark: Position | undefined,
    private readonly startedAt: Date,
  ) {
    this.target = aside ? t.identifier + ASIDE_SUFFIX : t.identifier;
    this.stage = `modelrun_stage_${t.identifier}`.replace(/[^A-Za-z0-9_]/g, '_');
    this.rowsTotal = aside ? 0 : (startState?.rows ?? 0);
  }

  /** Where each committed batch's primary keys are added, for the tests that check landed rows. */
  private landedKeys?: string;

  static async open(
    conn: DuckDBConnection,
    t: ExtractTable,
    opts: { aside: boolean; sourceTypes?: Map<string, string>; state?: StoredState; now: Date; landedKeys?: string },
  ): Promise<RawLanding> {
    await conn.run(`CREATE SCHEMA IF NOT EXISTS ${quoteIdent(t.schema)}`);
    const wm = !opts.aside && opts.state?.cursor != null && opts.state.pk != null ? { cursor: opts.state.cursor, pk: opts.state.pk } : undefined;
    const landing = new RawLanding(conn, t, opts.aside, opts.sourceTypes, opts.aside ? undefined : opts.state, wm, opts.now);
    if (opts.aside) await conn.run(`DROP TABLE IF EXISTS ${relationName(t.schema, landing.target)}`);
    else if (opts.state) {
      landing.columns = await relationColumns(conn, t.schema, t.identifier);
      // A watermark whose table was dropped lands the rows past it into a new table.
      landing.intoExisting = landing.columns !== undefined;
      landing.reconcileWithSource();
    }
    // Only a table that already holds rows has "landed rows" worth telling apart from the rest.
    const pkType = landing.columns?.get(t.primaryKey);
    if (opts.landedKeys && pkType && !opts.aside) {
      await conn.run(`CREATE OR REPLACE TABLE ${opts.landedKeys} (${quoteIdent(t.primaryKey)} ${pkType})`);
      landing.landedKeys = opts.landedKeys;
    }
    return landing;
  }

  /** True when the primary keys of every committed batch were kept (see `open`'s landedKeys). */
  get keptLandedKeys(): boolean {
    return this.landedKeys !== undefined;
  }

  get relation(): string {
    return relationName(this.t.schema, this.target);
  }

  /** Type changes announced by the source's schema: widen in place, or stop before landing anything. */
  private reconcileWithSource(): void {
    if (!this.columns || !this.sourceTypes) return;
    for (const [c, have] of this.columns) {
      const want = this.sourceTypes.get(c);
      if (!want) continue;
      const verdict = reconcile(have, want);
      if (verdict === 'same') continue;
      if ('fail' in verdict) {
        throw new ExtractError(`${this.t.schema}.${this.t.identifier}: column "${c}" changed type: ${verdict.fail} — run with --full-refresh to rebuild the raw table`);
      }
      this.pendingDdl.push(`ALTER TABLE ${this.relation} ALTER COLUMN ${quoteIdent(c)} TYPE ${verdict.widen}`);
      this.drift.push(`column ${c} widened from ${have} to ${verdict.widen}`);
      this.retyped = true;
      this.columns.set(c, verdict.widen);
    }
  }

  /** The type a column lands as: the source schema's, else inferred from the page; undefined while only nulls were seen. */
  private typeFor(column: string, rows: readonly Row[]): string | undefined {
    const known = this.sourceTypes?.get(column);
    if (known) return known;
    for (const r of rows) {
      const t = inferType(r[column]);
      if (t) return t;
    }
    return undefined;
  }

  /** Creates the table or adds new columns, as DDL for the page's transaction. */
  private planColumns(pageColumns: readonly string[], rows: readonly Row[]): string[] {
    const creating = !this.columns;
    const cols = this.columns ?? new Map<string, string>();
    const added: string[] = [];
    for (const c of pageColumns) {
      if (cols.has(c)) continue;
      const type = this.typeFor(c, rows) ?? (creating ? 'VARCHAR' : undefined);
      if (!type) continue; // only nulls so far: nothing is lost by adding it when a value shows up
      cols.set(c, type);
      added.push(c);
    }
    this.columns = cols;
    if (creating) {
      return [`CREATE OR REPLACE TABLE ${this.relation} (${[...cols].map(([c, t]) => `${quoteIdent(c)} ${t}`).join(', ')})`];
    }
    return added.map((c) => {
      if (!this.aside) this.drift.push(`new column ${c} ${cols.get(c)}`);
      return `ALTER TABLE ${this.relation} ADD COLUMN ${quoteIdent(c)} ${cols.get(c)}`;
    });
  }

  /** Recreates the staging table for a new column list (committing what the old one holds first). */
  private async resetStage(columns: string[]): Promise<void> {
    if (this.staged > 0) await this.commit();
    this.closeAppender();
    await this.conn.run(`CREATE OR REPLACE TEMP TABLE ${quoteIdent(this.stage)} (${columns.map((c) => `${quoteIdent(c)} VARCHAR`).join(', ')})`);
    this.stageColumns = columns;
  }

  private closeAppender(): void {
    if (!this.appender) return;
    this.appender.flushSync();
    this.appender.closeSync();
    this.appender = undefined;
  }

  /** Rows staged and not yet committed. */
  get pendingRows(): number {
    return this.staged;
  }

  /**
   * Stages one page (sorted by cursor, key) through the appender, column-wise. Nothing is visible
   * until `commit()`; a page that brings new columns first commits the batch before it.
   */
  async stagePage(rows: readonly Row[]): Promise<void> {
    if (rows.length === 0) return;
    const pageColumns = Object.keys(rows[0]!);
    const seen = new Set(pageColumns);
    for (const r of rows) for (const c of Object.keys(r)) if (!seen.has(c)) (seen.add(c), pageColumns.push(c));
    if (this.columns && this.staged > 0 && pageColumns.some((c) => !this.columns!.has(c) && this.typeFor(c, rows))) await this.commit();
    this.pendingDdl.push(...this.planColumns(pageColumns, rows));
    const cols = pageColumns.filter((c) => this.columns!.has(c));
    if (cols.join('\u0000') !== this.stageColumns.join('\u0000')) await this.resetStage(cols);
    this.appender ??= await this.conn.createAppender(this.stage, 'main', 'temp');
    const types = cols.map(() => duckdbApi.VARCHAR);
    for (let start = 0; start < rows.length; start += CHUNK_ROWS) {
      const slice = start === 0 && rows.length <= CHUNK_ROWS ? rows : rows.slice(start, start + CHUNK_ROWS);
      const chunk = duckdbApi.DuckDBDataChunk.create(types, slice.length);
      chunk.setColumns(cols.map((c) => slice.map((r) => cell(r[c]))));
      this.appender.appendDataChunk(chunk);
    }
    this.batchFirst ??= rows[0]!;
    this.batchLast = rows[rows.length - 1]!;
    this.staged += rows.length;
  }

  /**
   * Merges the staged batch into the target and moves the watermark to its last row, in ONE transaction.
   * Returns the rows written (new, or for upsert new or changed).
   */
  async commit(): Promise<number> {
    if (this.staged === 0) return 0;
    this.closeAppender();
    const first = this.batchFirst!;
    const last = this.batchLast!;
    const cols = this.stageColumns;
    const position = { cursor: cursorText(last[this.t.cursorField]), pk: cursorText(last[this.t.primaryKey]) };
    const stage = `temp.main.${quoteIdent(this.stage)}`;
    const typed = cols.map((c) => `CAST(s.${quoteIdent(c)} AS ${this.columns!.get(c)})`).join(', ');
    const colList = cols.map(quoteIdent).join(', ');
    const pk = quoteIdent(this.t.primaryKey);
    const pkType = this.columns!.get(this.t.primaryKey) ?? 'VARCHAR';
    const statements = [...this.pendingDdl];
    // Rows past the watermark the run started from cannot be in raw yet (raw and watermark commit together).
    // (Append only: a mutable row past the watermark may be an update of one landed earlier.)
    const fresh = this.t.mode === 'append' && (this.aside || !this.startState?.cursor || !this.startState.pk || comparePosition(first, this.t, this.startState) > 0);
    if (fresh) {
      statements.push(`INSERT INTO ${this.relation} (${colList}) SELECT ${typed} FROM ${stage} s`);
    } else if (this.t.mode === 'append') {
      // Lookback re-read: skip keys already landed; the cursor bound lets DuckDB prune old row groups.
      const cur = quoteIdent(this.t.cursorField);
      const curType = this.columns!.get(this.t.cursorField) ?? 'VARCHAR';
      statements.push(
        `INSERT INTO ${this.relation} (${colList}) SELECT ${typed} FROM ${stage} s WHERE NOT EXISTS (SELECT 1 FROM ${this.relation} r WHERE r.${cur} >= CAST(${quoteLiteral(cursorText(first[this.t.cursorField]))} AS ${curType}) AND r.${pk} = CAST(s.${pk} AS ${pkType}))`,
      );
    } else {
      // Upsert: latest wins. A row updated while the run pages can arrive twice; the later copy (higher rowid) is newer.
      statements.push(`DELETE FROM ${this.relation} WHERE ${pk} IN (SELECT CAST(s.${pk} AS ${pkType}) FROM ${stage} s)`);
      statements.push(`INSERT INTO ${this.relation} (${colList}) SELECT ${typed} FROM ${stage} s QUALIFY row_number() OVER (PARTITION BY s.${pk} ORDER BY s.rowid DESC) = 1`);
    }
    const insertIndex = statements.length - 1;
    const next = this.watermark && compareCursorPos(this.watermark, position) > 0 ? this.watermark : position;
    if (!this.aside) statements.push(...this.stateStatements(next, null));
    const counts = await this.transaction(statements, `rows up to ${this.t.cursorField}=${position.cursor}`);
    this.pendingDdl = [];
    const written = counts[insertIndex] ?? 0;
    this.watermark = next;
    this.rowsTotal += written;
    this.staged = 0;
    this.batchFirst = undefined;
    this.batchLast = undefined;
    // Outside the batch's transaction: one transaction writes to one database only.
    if (this.landedKeys) await this.conn.run(`INSERT INTO ${this.landedKeys} SELECT DISTINCT CAST(s.${pk} AS ${pkType}) FROM ${stage} s`);
    // A fresh stage per batch: DELETE would leave a temp table's row groups allocated and scanned.
    await this.conn.run(`CREATE OR REPLACE TEMP TABLE ${quoteIdent(this.stage)} (${cols.map((c) => `${quoteIdent(c)} VARCHAR`).join(', ')})`);
    return written;
  }

  /** After the last page: creates an empty table for an empty source, swaps a full refresh in, records the refresh. */
  async finish(now: Date): Promise<void> {
    await this.commit();
    const statements: string[] = [];
    if (!this.columns) {
      const cols = this.sourceTypes ? [...this.sourceTypes] : [[this.t.primaryKey, 'VARCHAR'], [this.t.cursorField, 'VARCHAR']];
      statements.push(`CREATE OR REPLACE TABLE ${this.relation} (${cols.map(([c, t]) => `${quoteIdent(c!)} ${t}`).join(', ')})`);
    }
    statements.push(...this.pendingDdl);
    if (this.aside) {
      statements.push(`DROP TABLE IF EXISTS ${relationName(this.t.schema, this.t.identifier)}`);
      statements.push(`ALTER TABLE ${this.relation} RENAME TO ${quoteIdent(this.t.identifier)}`);
    }
    const fullLoad = this.aside || !this.startState;
    if (fullLoad || statements.length > 0) statements.push(...this.stateStatements(this.watermark, fullLoad ? now : undefined));
    if (statements.length > 0) await this.transaction(statements, 'the final swap');
    this.pendingDdl = [];
    await this.conn.run(`DROP TABLE IF EXISTS temp.main.${quoteIdent(this.stage)}`);
  }

  /** Drops what a failed full refresh built aside; the live table and watermark were never touched. */
  async abandon(): Promise<void> {
    try {
      this.closeAppender();
    } catch {
      // the stage is dropped below anyway
    }
    if (this.aside) await this.conn.run(`DROP TABLE IF EXISTS ${this.relation}`).catch(() => undefined);
    await this.conn.run(`DROP TABLE IF EXISTS temp.main.${quoteIdent(this.stage)}`).catch(() => undefined);
  }

  private stateStatements(pos: Position | undefined, fullRefreshAt: Date | null | undefined): string[] {
    const where = `source = ${quoteLiteral(this.t.sourceName)} AND table_name = ${quoteLiteral(this.t.tableName)}`;
    const lit = (v: string | undefined | null) => (v == null ? 'NULL' : quoteLiteral(v));
    // A first load is a complete load: it counts as a full refresh from its first page on.
    fullRefreshAt ??= this.startState ? undefined : this.startedAt;
    const refresh = fullRefreshAt
      ? `CAST(${quoteLiteral(fullRefreshAt.toISOString())} AS TIMESTAMPTZ)`
      : this.startState?.lastFullRefresh
        ? `CAST(${quoteLiteral(this.startState.lastFullRefresh.toISOString())} AS TIMESTAMPTZ)`
        : 'NULL';
    return [
      `DELETE FROM ${STATE_TABLE} WHERE ${where}`,
      `INSERT INTO ${STATE_TABLE} VALUES (${quoteLiteral(this.t.sourceName)}, ${quoteLiteral(this.t.tableName)}, ${lit(pos?.cursor)}, ${lit(pos?.pk)}, ${this.rowsTotal}, ${refresh}, now())`,
    ];
  }

  private async transaction(statements: string[], what: string): Promise<number[]> {
    await this.conn.run('BEGIN TRANSACTION');
    try {
      const counts: number[] = [];
      for (const s of statements) {
        const t0 = performance.now();
        counts.push(Number((await this.conn.run(s)).rowsChanged));
        if (process.env.MODELRUN_EXTRACT_TRACE) process.stderr.write(`[trace] ${(performance.now() - t0).toFixed(1)}ms ${s.slice(0, 100)}\n`);
      }
      await this.conn.run('COMMIT');
      return counts;
    } catch (e) {
      await this.conn.run('ROLLBACK').catch(() => undefined);
      const message = e instanceof Error ? e.message.split('\n')[0]! : String(e);
      throw new ExtractError(`${this.t.schema}.${this.t.identifier}: could not land ${what}: ${message}`);
    }
  }
}

function comparePosition(row: Row, t: ExtractTable, state: StoredState): number {
  return compareCursorPos({ cursor: cursorText(row[t.cursorField]), pk: cursorText(row[t.primaryKey]) }, { cursor: state.cursor!, pk: state.pk! });
}

function compareCursorPos(a: Position, b: Position): number {
  return compareCursor(a.cursor, b.cursor) || compareCursor(a.pk, b.pk);
}
