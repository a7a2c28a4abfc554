import { templateLineFor } from '../compile/line-map.js';
import { QUERY_FIRST_LINE } from '../materializations/context.js';

/**
 * DuckDB's message for a failed statement, made one readable line, and the template line it
 * points at: DuckDB's "LINE n" counts lines of the statement, in which the query starts on line 2.
 */
export function describeSqlError(e: unknown, compiledSql: string | undefined, template: string | undefined): { message: string; line?: number } {
  const raw = e instanceof Error ? e.message : String(e);
  const lineMatch = /\nLINE (\d+):/.exec(raw);
  const parts = raw.split('\n').filter((l) => l.trim() !== '');
  const lineIdx = parts.findIndex((l) => /^LINE \d+:/.test(l));
  const kept = (lineIdx >= 0 ? parts.slice(0, lineIdx) : parts.slice(0, 2)).map((l) => l.trim());
  const message = kept.join(' ');
  if (!lineMatch || compiledSql === undefined || template === undefined) return { message };
  const queryLine = Number(lineMatch[1]) - QUERY_FIRST_LINE + 1;
  if (queryLine < 1) return { message };
  return { message, line: templateLineFor(compiledSql, template, queryLine) };
}
