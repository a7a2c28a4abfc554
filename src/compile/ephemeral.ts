import { quoteIdent } from '../util/sql.js';

export function cteName(modelName: string): string {
  return `__modelrun_cte__${modelName}`;
}

/**
 * Puts ephemeral models in front of a query as CTEs. A query that already starts with WITH gets
 * them added to its own list, since DuckDB allows one WITH clause per SELECT.
 */
export function injectCtes(sql: string, ctes: readonly { name: string; sql: string }[]): string {
  if (ctes.length === 0) return sql;
  const defs = ctes.map((c) => `${quoteIdent(cteName(c.name))} AS (\n${c.sql}\n)`).join(',\n');
  const lead = /^(\s*(?:--[^\n]*\n\s*|\/\*[\s\S]*?\*\/\s*)*)with(\s+recursive)?\s/i.exec(sql);
  if (lead) {
    const head = lead[0];
    return `${head.replace(/\s*$/, '')} ${defs},\n${sql.slice(head.length)}`;
  }
  return `WITH ${defs}\n${sql}`;
}
