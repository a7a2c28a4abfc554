import { relationKey, type RelationKind } from '../adapters/adapter.js';
import { quoteIdent, relationName } from '../util/sql.js';
import type { MaterializeContext } from './context.js';
import { wrapQuery } from './context.js';

export function dropStatement(schema: string, name: string, kind: RelationKind | undefined): string | undefined {
  if (!kind) return undefined;
  return `DROP ${kind === 'view' ? 'VIEW' : 'TABLE'} IF EXISTS ${relationName(schema, name)}`;
}

/**
 * Builds a table under a temporary name and swaps it in, all in one transaction:
 * if the query fails the old table stays as it was, and readers never see a half-built one.
 */
export async function buildTableAside(ctx: MaterializeContext, selectSql: string): Promise<number> {
  const { node, session, existing } = ctx;
  const tmp = `${node.identifier}__modelrun_tmp`;
  const key = relationKey(node.schema, node.identifier);
  const statements = [
    `DROP TABLE IF EXISTS ${relationName(node.schema, tmp)}`,
    wrapQuery(`CREATE TABLE ${relationName(node.schema, tmp)} AS`, selectSql),
    dropStatement(node.schema, node.identifier, existing.get(key)),
    `ALTER TABLE ${relationName(node.schema, tmp)} RENAME TO ${quoteIdent(node.identifier)}`,
  ].filter((s): s is string => s !== undefined);
  ctx.statements.push(...statements);
  const counts = await session.transaction(statements);
  existing.set(key, 'table');
  // The CREATE TABLE AS reports how many rows the new table holds.
  return counts[1]!;
}
