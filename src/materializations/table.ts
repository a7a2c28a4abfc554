import { type MaterializeContext, type Outcome } from './context.js';
import { buildTableAside } from './relations.js';

export async function materializeTable(ctx: MaterializeContext): Promise<Outcome> {
  const rows = await buildTableAside(ctx, ctx.compiled!.sql);
  return { message: `created sql table model ${ctx.node.schema}.${ctx.node.identifier}`, status: 'OK', rowsAffected: rows };
}
