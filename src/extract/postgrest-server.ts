import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { timestampMicros } from './cursor-order.js';
import type { Row } from './sample-data.js';

/**
 * A PostgREST-compatible HTTP server over in-memory tables: the subset supabase-js uses for reads
 * (select, order, filters with nested or/and, limit/offset, Range, Prefer: count=exact, max-rows),
 * Supabase's auth answers, PostgREST's error shapes, and injectable faults. It backs both the tests
 * and the embedded default sample, so the sample goes through the real client and landing path.
 */

export type Fault =
  | { status: number; retryAfter?: string; body?: string }
  | { reset: 'before-headers' | 'mid-body' }
  | { truncate: true }
  | { delayMs: number };

type Scalar = string | number | boolean | null;
type Key = number | string | boolean | null;

export class MemoryTable {
  readonly columns = new Map<string, string>();
  private readonly rows = new Map<string, Row>();
  private sorted?: { spec: string; order: OrderTerm[]; version: number; rows: Row[] };
  private version = 0;

  constructor(readonly name: string, columns: Record<string, string>, readonly primaryKey: string) {
    for (const [c, t] of Object.entries(columns)) this.columns.set(c, t);
  }

  get size(): number {
    return this.rows.size;
  }

  /** Inserts or replaces by primary key (latest wins). */
  upsert(row: Row): void {
    const full: Row = {};
    for (const c of this.columns.keys()) full[c] = row[c] ?? null;
    const key = String(row[this.primaryKey]);
    const isNew = !this.rows.has(key);
    this.rows.set(key, full);
    this.version++;
    // Appending past the end of the cached order keeps it valid, as an index would (benchmarks add rows this way).
    const sorted = this.sorted;
    if (sorted && isNew && sorted.version === this.version - 1) {
      const last = sorted.rows[sorted.rows.length - 1];
      if (!last || this.compareRows(sorted.order, last, full) <= 0) {
        sorted.rows.push(full);
        sorted.version = this.version;
      }
    }
  }

  private compareRows(order: OrderTerm[], a: Row, b: Row): number {
    for (const o of order) {
      const type = this.columns.get(o.column)!;
      const c = compareKeys(sortKey(type, a[o.column]), sortKey(type, b[o.column])) * (o.desc ? -1 : 1);
      if (c !== 0) return c;
    }
    return 0;
  }

  update(pk: unknown, patch: Row): void {
    const old = this.rows.get(String(pk));
    if (!old) throw new Error(`no row ${String(pk)} in ${this.name}`);
    this.upsert({ ...old, ...patch });
  }

  delete(pk: unknown): void {
    this.rows.delete(String(pk));
    this.version++;
  }

  get(pk: unknown): Row | undefined {
    return this.rows.get(String(pk));
  }

  addColumn(name: string, type: string, fill: (row: Row) => unknown = () => null): void {
    this.columns.set(name, type);
    for (const row of this.rows.values()) row[name] = fill(row);
    this.version++;
  }

  all(): Row[] {
    return [...this.rows.values()];
  }

  /** Rows sorted by an order spec, cached until the next mutation (keyset pages then cost a binary search). */
  ordered(order: OrderTerm[]): Row[] {
    const spec = order.map((o) => `${o.column}.${o.desc ? 'd' : 'a'}`).join(',');
    if (this.sorted && this.sorted.spec === spec && this.sorted.version === this.version) return this.sorted.rows;
    const keyed = [...this.rows.values()].map((row) => ({ row, keys: order.map((o) => sortKey(this.columns.get(o.column)!, row[o.column])) }));
    keyed.sort((a, b) => {
      for (let i = 0; i < order.length; i++) {
        const c = compareKeys(a.keys[i]!, b.keys[i]!) * (order[i]!.desc ? -1 : 1);
        if (c !== 0) return c;
      }
      return 0;
    });
    const rows = keyed.map((k) => k.row);
    this.sorted = { spec, order, version: this.version, rows };
    return rows;
  }
}

interface OrderTerm {
  column: string;
  desc: boolean;
}

type Cond =
  | { kind: 'cmp'; column: string; op: string; value: string; not: boolean }
  | { kind: 'or' | 'and'; items: Cond[]; not: boolean };

export class HttpError extends Error {
  constructor(readonly status: number, readonly body: { code: string; details: string | null; hint: string | null; message: string }) {
    super(body.message);
  }
}

export interface PostgrestServerOptions {
  /** The accepted service key; requests without it get Supabase's 401. */
  key: string;
  /** PostgREST's db-max-rows (Supabase: 1,000). */
  maxRows?: number;
}

export class PostgrestServer {
  readonly tables = new Map<string, MemoryTable>();
  /** Faults consumed one per data request, in order. */
  readonly faults: Fault[] = [];
  /** Called before each data request; returning a fault injects it (randomised tests). */
  faultHook?: (table: string) => Fault | undefined;
  /** Every request received, data or not. */
  requests = 0;
  maxRows: number;
  key: string;
  private server?: Server;
  private readonly sockets = new Set<import('node:net').Socket>();

  constructor(options: PostgrestServerOptions) {
    this.key = options.key;
    this.maxRows = options.maxRows ?? 1000;
  }

  addTable(name: string, columns: Record<string, string>, primaryKey: string): MemoryTable {
    const t = new MemoryTable(name, columns, primaryKey);
    this.tables.set(name, t);
    return t;
  }

  table(name: string): MemoryTable {
    const t = this.tables.get(name);
    if (!t) throw new Error(`no table ${name}`);
    return t;
  }

  /** Listens on 127.0.0.1 on a random port; returns the project URL (what SUPABASE_URL holds). */
  async start(): Promise<string> {
    const server = createServer((req, res) => void this.handle(req, res));
    server.keepAliveTimeout = 5_000;
    server.on('connection', (s) => {
      this.sockets.add(s);
      s.on('close', () => this.sockets.delete(s));
    });
    this.server = server;
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  }

  async close(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    try {
      const url = new URL(req.url ?? '/', 'http://127.0.0.1');
      this.requests++;
      const auth = req.headers.authorization;
      if (req.headers.apikey !== this.key && auth !== `Bearer ${this.key}`) {
        return send(res, 401, { message: 'Invalid API key', hint: 'Double check your Supabase `anon` or `service_role` API key.' });
      }
      const path = url.pathname.replace(/\/+$/, '');
      if (path === '/rest/v1') return send(res, 200, this.openApi());
      const m = /^\/rest\/v1\/([^/]+)$/.exec(path);
      if (!m) return send(res, 404, { code: 'PGRST125', details: null, hint: null, message: `Invalid path specified in request URL` });
      if (req.method !== 'GET' && req.method !== 'HEAD') return send(res, 405, { code: 'PGRST117', details: null, hint: null, message: `Unsupported HTTP method: ${req.method}` });
      const name = decodeURIComponent(m[1]!);
      const fault = this.faults.shift() ?? this.faultHook?.(name);
      if (fault && 'delayMs' in fault) await new Promise((r) => setTimeout(r, fault.delayMs));
      else if (fault && 'status' in fault) {
        res.statusCode = fault.status;
        if (fault.retryAfter !== undefined) res.setHeader('Retry-After', fault.retryAfter);
        res.setHeader('Content-Type', 'application/json');
        res.end(fault.body ?? JSON.stringify({ code: '', details: null, hint: null, message: `injected ${fault.status}` }));
        return;
      } else if (fault && 'reset' in fault && fault.reset === 'before-headers') {
        req.socket.destroy();
        return;
      }
      const { status, headers, body } = this.query(name, url.searchParams, req.headers);
      if (res.destroyed) return;
      if (fault && ('truncate' in fault || 'reset' in fault)) {
        const cut = body.slice(0, Math.max(1, Math.floor(body.length / 2)));
        if ('reset' in fault) {
          // Announce the whole body, send half, then drop the connection.
          res.writeHead(status, { ...headers, 'Content-Length': Buffer.byteLength(body) });
          res.write(cut, () => req.socket.destroy());
          return;
        }
        res.writeHead(status, { ...headers, 'Content-Length': Buffer.byteLength(cut) });
        res.end(cut);
        return;
      }
      res.writeHead(status, { ...headers, 'Content-Length': Buffer.byteLength(body) });
      res.end(req.method === 'HEAD' ? undefined : body);
    } catch (e) {
      if (e instanceof HttpError) return send(res, e.status, e.body);
      send(res, 500, { code: 'XX000', details: null, hint: null, message: e instanceof Error ? e.message : String(e) });
    }
  }

  /** Swagger 2.0 as PostgREST serves it at the root: the column types the landing uses. */
  private openApi(): unknown {
    const definitions: Record<string, unknown> = {};
    for (const t of this.tables.values()) {
      const properties: Record<string, unknown> = {};
      for (const [c, type] of t.columns) properties[c] = { format: type, type: jsonType(type), ...(c === t.primaryKey ? { description: 'Note:\nThis is a Primary Key.<pk/>' } : {}) };
      definitions[t.name] = { required: [t.primaryKey], properties, type: 'object' };
    }
    return { swagger: '2.0', info: { title: 'modelrun test PostgREST', version: '12.2.0' }, definitions, paths: {} };
  }

  query(name: string, params: URLSearchParams, headers: Record<string, string | string[] | undefined>): { status: number; headers: Record<string, string>; body: string } {
    const table = this.tables.get(name);
    if (!table) {
      throw new HttpError(404, { code: 'PGRST205', details: null, hint: null, message: `Could not find the table 'public.${name}' in the schema cache` });
    }
    const column = (c: string) => {
      if (!table.columns.has(c)) throw new HttpError(400, { code: '42703', details: null, hint: null, message: `column ${name}.${c} does not exist` });
      return c;
    };
    let select = [...table.columns.keys()];
    let order: OrderTerm[] = [];
    const conds: Cond[] = [];
    let limit = Infinity;
    let offset = 0;
    for (const [key, value] of params) {
      if (key === 'select') select = value === '*' ? select : value.split(',').map((c) => column(c.trim()));
      else if (key === 'order') {
        order = value.split(',').map((term) => {
          const [c, dir] = term.split('.');
          return { column: column(c!), desc: dir === 'desc' };
        });
      } else if (key === 'limit') limit = Number(value);
      else if (key === 'offset') offset = Number(value);
      else if (key === 'or' || key === 'and' || key === 'not.or' || key === 'not.and') {
        conds.push({ kind: key.endsWith('or') ? 'or' : 'and', items: parseList(stripParens(value), column), not: key.startsWith('not.') });
      } else conds.push(parseCmp(`${key}.${value}`, column));
    }
    const range = typeof headers.range === 'string' ? /^(\d+)-(\d*)$/.exec(headers.range) : null;
    if (range) {
      offset = Number(range[1]);
      if (range[2] !== '') limit = Math.min(limit, Number(range[2]) - offset + 1);
    }
    const effectiveOrder = order.length > 0 ? order : [{ column: table.primaryKey, desc: false }];
    const rows = table.ordered(effectiveOrder);
    const types = table.columns;
    const matches = (row: Row) => conds.every((c) => evaluate(c, row, types));
    const wantCount = /count=exact/.test(String(headers.prefer ?? ''));
    const cap = Math.min(limit, this.maxRows);
    const out: Row[] = [];
    let start = 0;
    // Keyset fast path: a lower bound on the first ascending order column lets us skip by binary search.
    const first = effectiveOrder[0]!;
    const bound = !wantCount && !first.desc ? lowerBound(conds, first.column) : undefined;
    if (bound !== undefined) {
      const type = types.get(first.column)!;
      const key = sortKey(type, bound);
      let lo = 0;
      let hi = rows.length;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (compareKeys(sortKey(type, rows[mid]![first.column]), key) < 0) lo = mid + 1;
        else hi = mid;
      }
      start = lo;
    }
    let matched = 0;
    for (let i = start; i < rows.length; i++) {
      const row = rows[i]!;
      if (!matches(row)) continue;
      matched++;
      if (matched <= offset) continue;
      if (out.length < cap) out.push(row);
      else if (!wantCount) break;
    }
    const body = JSON.stringify(out.map((r) => Object.fromEntries(select.map((c) => [c, r[c]]))));
    const h: Record<string, string> = { 'Content-Type': 'application/json; charset=utf-8' };
    const total = wantCount ? String(matched) : '*';
    h['Content-Range'] = out.length === 0 ? `*/${total}` : `${offset}-${offset + out.length - 1}/${total}`;
    return { status: range && wantCount && out.length < matched - offset ? 206 : 200, headers: h, body };
  }
}

function send(res: ServerResponse, status: number, body: unknown): void {
  if (res.headersSent || res.destroyed) return;
  const text = JSON.stringify(body);
  res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': Buffer.byteLength(text) });
  res.end(text);
}

function jsonType(pgType: string): string {
  if (/int|numeric|double|real/.test(pgType)) return /int/.test(pgType) ? 'integer' : 'number';
  if (pgType === 'boolean') return 'boolean';
  if (pgType === 'jsonb' || pgType === 'json') return 'object';
  return 'string';
}

function stripParens(s: string): string {
  if (!s.startsWith('(') || !s.endsWith(')')) throw new HttpError(400, { code: 'PGRST100', details: `unexpected "${s.slice(0, 20)}"`, hint: null, message: '"failed to parse logic tree"' });
  return s.slice(1, -1);
}

/** Splits on top-level commas, respecting parentheses and double-quoted values. */
function splitTop(s: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let quoted = false;
  let cur = '';
  for (let i = 0; i < s.length; i++) {
    const ch = s[i]!;
    if (quoted) {
      cur += ch;
      if (ch === '\\' && i + 1 < s.length) cur += s[++i];
      else if (ch === '"') quoted = false;
      continue;
    }
    if (ch === '"') quoted = true;
    else if (ch === '(') depth++;
    else if (ch === ')') depth--;
    if (ch === ',' && depth === 0) {
      parts.push(cur);
      cur = '';
    } else cur += ch;
  }
  parts.push(cur);
  return parts;
}

function parseList(s: string, column: (c: string) => string): Cond[] {
  return splitTop(s).map((item) => {
    const logic = /^(not\.)?(and|or)\((.*)\)$/s.exec(item);
    if (logic) return { kind: logic[2] as 'and' | 'or', items: parseList(logic[3]!, column), not: Boolean(logic[1]) };
    return parseCmp(item, column);
  });
}

function parseCmp(item: string, column: (c: string) => string): Cond {
  const m = /^([^.]+)\.(not\.)?(eq|neq|gt|gte|lt|lte|is|in|like|ilike)\.(.*)$/s.exec(item);
  if (!m) throw new HttpError(400, { code: 'PGRST100', details: `unexpected "${item.slice(0, 40)}"`, hint: null, message: `"failed to parse filter (${item.slice(0, 40)})"` });
  let value = m[4]!;
  if (value.startsWith('"') && value.endsWith('"') && value.length >= 2) value = value.slice(1, -1).replace(/\\(.)/g, '$1');
  return { kind: 'cmp', column: column(m[1]!), op: m[3]!, value, not: Boolean(m[2]) };
}

/** The smallest value of `column` any matching row can have, when the conditions imply one. */
function lowerBound(conds: Cond[], column: string): string | undefined {
  const boundOf = (c: Cond): string | undefined => {
    if (c.not) return undefined;
    if (c.kind === 'cmp') return c.column === column && (c.op === 'gt' || c.op === 'gte' || c.op === 'eq') ? c.value : undefined;
    if (c.kind === 'and') return c.items.map(boundOf).find((b) => b !== undefined);
    // Every branch of an or needs a bound; the smallest one holds.
    const bounds = c.items.map(boundOf);
    return bounds.every((b) => b !== undefined) ? bounds.reduce((a, b) => (a === undefined || compareRaw(b!, a) < 0 ? b : a)) : undefined;
  };
  let best: string | undefined;
  for (const c of conds) {
    const b = boundOf(c);
    if (b !== undefined && (best === undefined || compareRaw(b, best) > 0)) best = b;
  }
  return best;
}

function compareRaw(a: string, b: string): number {
  const ta = timestampMicros(a);
  const tb = timestampMicros(b);
  if (ta !== undefined && tb !== undefined) return ta - tb;
  return a < b ? -1 : a > b ? 1 : 0;
}

function evaluate(c: Cond, row: Row, types: Map<string, string>): boolean {
  let r: boolean;
  if (c.kind === 'cmp') r = compare(c, row, types);
  else if (c.kind === 'and') r = c.items.every((i) => evaluate(i, row, types));
  else r = c.items.some((i) => evaluate(i, row, types));
  return c.not ? !r : r;
}

function compare(c: Extract<Cond, { kind: 'cmp' }>, row: Row, types: Map<string, string>): boolean {
  let r: boolean;
  {
    const v = row[c.column] as Scalar | undefined;
    const type = types.get(c.column)!;
    if (c.op === 'is') {
      r = c.value === 'null' ? v === null || v === undefined : c.value === 'true' ? v === true : c.value === 'false' ? v === false : false;
    } else if (v === null || v === undefined) r = false;
    else if (c.op === 'in') {
      const wanted = splitTop(stripParens(c.value)).map((x) => compareKeys(sortKey(type, x.replace(/^"|"$/g, '')), sortKey(type, v)) === 0);
      r = wanted.some(Boolean);
    } else if (c.op === 'like' || c.op === 'ilike') {
      const re = new RegExp('^' + c.value.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/[*%]/g, '.*') + '$', c.op === 'ilike' ? 'i' : '');
      r = re.test(String(v));
    } else {
      const cmp = compareKeys(sortKey(type, v), sortKey(type, c.value));
      r = c.op === 'eq' ? cmp === 0 : c.op === 'neq' ? cmp !== 0 : c.op === 'gt' ? cmp > 0 : c.op === 'gte' ? cmp >= 0 : c.op === 'lt' ? cmp < 0 : cmp <= 0;
    }
  }
  return r;
}

/** Comparable form of a value of a Postgres type: timestamps as epoch microseconds, numbers as numbers. */
function sortKey(type: string, v: unknown): Key {
  if (v === null || v === undefined) return null;
  if (type.startsWith('timestamp')) return timestampMicros(String(v)) ?? String(v);
  if (/int|numeric|double|real/.test(type)) return Number(v);
  if (type === 'boolean') return v === true || v === 'true';
  if (typeof v === 'object') return JSON.stringify(v);
  return String(v);
}

/** Nulls sort last, as in Postgres' ascending order. */
function compareKeys(a: Key, b: Key): number {
  if (a === b) return 0;
  if (a === null) return 1;
  if (b === null) return -1;
  return a < b ? -1 : a > b ? 1 : 0;
}
