import { closeSync, openSync, readSync } from 'node:fs';
import { join } from 'node:path';
import { quoteLiteral } from '../util/sql.js';
import type { MaterializeContext, Outcome } from './context.js';
import { buildTableAside } from './relations.js';

/**
 * Loads a CSV through DuckDB's reader (types inferred, `column_types` override) and swaps the table in.
 * DuckDB's dialect detection can "succeed" on a broken file by picking another delimiter or no quote
 * character, so the file is first read with the standard dialect pinned: a malformed row then fails
 * with the line it is on.
 */
export async function materializeSeed(ctx: MaterializeContext): Promise<Outcome> {
  const { node } = ctx;
  const path = join(ctx.projectDir, node.path);
  const header = readCsvHeader(path);
  if (header.length > 0) {
    const check = `SELECT count(*) FROM read_csv(${quoteLiteral(path)}, auto_detect = false, header = true, delim = ',', quote = '"', escape = '"', strict_mode = true, columns = {${header.map((c) => `${quoteLiteral(c)}: 'VARCHAR'`).join(', ')}})`;
    ctx.statements.push(check);
    await ctx.session.query(check);
  }
  const rows = await buildTableAside(ctx, seedQuery(path, node.config.column_types));
  return { message: `loaded seed file ${node.schema}.${node.identifier}`, status: `INSERT ${rows}`, rowsAffected: rows };
}

export function seedQuery(path: string, columnTypes: Record<string, string> | undefined): string {
  const types = Object.entries(columnTypes ?? {});
  const typesArg = types.length ? `, types = {${types.map(([c, t]) => `${quoteLiteral(c)}: ${quoteLiteral(t)}`).join(', ')}}` : '';
  return `SELECT * FROM read_csv(${quoteLiteral(path)}, header = true, delim = ',', quote = '"', escape = '"', strict_mode = true${typesArg})`;
}

/** Column names from the first line (RFC 4180 quoting; a BOM is dropped). */
export function readCsvHeader(path: string): string[] {
  const fd = openSync(path, 'r');
  const buffer = Buffer.alloc(65536);
  const n = readSync(fd, buffer, 0, buffer.length, 0);
  closeSync(fd);
  const text = buffer.subarray(0, n).toString('utf8').replace(/^\uFEFF/, '');
  const names: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') {
      names.push(field);
      field = '';
    } else if (ch === '\n' || ch === '\r') break;
    else field += ch;
  }
  if (field !== '' || names.length > 0) names.push(field);
  return names;
}
