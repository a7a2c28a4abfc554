/** Epoch microseconds of a Postgres/ISO timestamp string; undefined when it is not one. */
export function timestampMicros(s: string): number | undefined {
  const m = /^(\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(?::\d{2})?)(?:\.(\d{1,6})\d*)?(Z|[+-]\d{2}(?::?\d{2})?)?$/.exec(s.trim());
  if (!m) return undefined;
  const zone = m[3] === undefined || m[3] === 'Z' ? 'Z' : m[3].length === 3 ? `${m[3]}:00` : m[3].includes(':') ? m[3] : `${m[3].slice(0, 3)}:${m[3].slice(3)}`;
  const ms = Date.parse(`${m[1]!.replace(' ', 'T')}${zone}`);
  if (Number.isNaN(ms)) return undefined;
  return ms * 1000 + Number((m[2] ?? '').padEnd(6, '0'));
}

/** Orders cursor values as the database does: timestamps by instant, numbers numerically, else as text. */
export function compareCursor(a: string, b: string): number {
  const ta = timestampMicros(a);
  const tb = timestampMicros(b);
  if (ta !== undefined && tb !== undefined) return ta - tb;
  const na = Number(a);
  const nb = Number(b);
  if (a.trim() !== '' && b.trim() !== '' && Number.isFinite(na) && Number.isFinite(nb)) return na - nb;
  return a < b ? -1 : a > b ? 1 : 0;
}

/** The inclusive lower bound a lookback re-read starts from; undefined when the cursor is not a timestamp. */
export function lookbackFrom(cursor: string, lookbackMs: number): string | undefined {
  const t = timestampMicros(cursor);
  if (t === undefined || lookbackMs <= 0) return undefined;
  return new Date(Math.floor(t / 1000) - lookbackMs).toISOString();
}

/** How a cursor or key value from the API is kept in the state table. */
export function cursorText(v: unknown): string {
  return typeof v === 'string' ? v : typeof v === 'object' ? JSON.stringify(v) : String(v);
}
