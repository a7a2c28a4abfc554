import type { MaterializeContext, Outcome } from './context.js';
import { materializeIncremental } from './incremental.js';
import { materializeSeed } from './seed.js';
import { materializeTable } from './table.js';
import { materializeView } from './view.js';

export async function materialize(ctx: MaterializeContext): Promise<Outcome> {
  if (ctx.node.resourceType === 'seed') return materializeSeed(ctx);
  switch (ctx.node.config.materialized) {
    case 'table':
      return materializeTable(ctx);
    case 'incremental':
      return materializeIncremental(ctx);
    case 'view':
      return materializeView(ctx);
    default:
      throw new Error(`cannot materialize ${ctx.node.uniqueId} as ${String(ctx.node.config.materialized)}`);
  }
}
