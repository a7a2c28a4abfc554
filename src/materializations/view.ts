import { relationKey } from '../adapters/adapter.js';
import { relationName } from '../util/sql.js';
import { wrapQuery, type MaterializeContext, type Outcome } from './context.js';
import { dropStatement } from './relations.js';

export async function materializeView(ctx: MaterializeContext): Promise<Outcome> {
  const { node, existing } = ctx;
  const key = relationKey(node.schema, node.identifier);
  const create = wrapQuery(`CREATE OR REPLACE VIEW ${relationName(node.schema, node.identifier)} AS`, ctx.compiled!.sql);
  // A table in the view's place (the model was a table before) is replaced in the same transaction.
  const statements = existing.get(key) === 'table' ? [dropStatement(node.schema, node.identifier, 'table')!, create] : [create];
  ctx.statements.push(...statements);
  await ctx.session.transaction(statements);
  existing.set(key, 'view');
  return { message: `created sql view model ${node.schema}.${node.identifier}`, status: 'OK' };
}
