import { join } from 'node:path';
import { quoteLiteral } from '../util/sql.js';
import type { MaterializeContext, Outcome } from './context.js';
import { buildTableAside } from './relations.js';

/** Loads a CSV through DuckDB's reader (types inferred, `column_types` override) and swaps the table in. */
export async function materializeSeed(ctx: MaterializeContext): Promise<Outcome> {
  const { node } = ctx;
  const rows = await buildTableAside(ctx, seedQuery(join(ctx.projectDir, node.path), node.config.column_types));
  return { message: `loaded seed file ${node.schema}.${node.identifier}`, status: `INSERT ${rows}`, rowsAffected: rows };
}

export function seedQuery(path: string, columnTypes: Record<string, string> | undefined): string {
  const types = Object.entries(columnTypes ?? {});
  const typesArg = types.length ? `, types = {${types.map(([c, t]) => `${quoteLiteral(c)}: ${quoteLiteral(t)}`).join(', ')}}` : '';
  return `SELECT * FROM read_csv(${quoteLiteral(path)}, header = true, auto_detect = true, strict_mode = true${typesArg})`;
}
