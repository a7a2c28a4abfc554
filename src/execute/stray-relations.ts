import { relationKey, type Session } from '../adapters/adapter.js';
import type { GraphNode } from '../graph/nodes.js';
import { warning, type Diagnostic } from '../util/diagnostics.js';
import { quoteIdent } from '../util/sql.js';

/**
 * Tables this project built in earlier runs (`built`, from the test state) that no node of it builds
 * now: what a renamed or removed model, or one turned ephemeral, left behind. Nothing updates them
 * any more, yet a BI query that still names one runs without an error on rows that silently go
 * stale, so each gets a warning. Another project's tables and the user's own are never in `built`;
 * a view left behind still reads current rows.
 */
export async function strayRelations(nodes: readonly GraphNode[], built: ReadonlySet<string>, session: Session): Promise<Diagnostic[]> {
  if (built.size === 0) return [];
  const known = new Set(nodes.filter((n) => n.resourceType !== 'test' && n.config.materialized !== 'ephemeral').map((n) => relationKey(n.schema, n.identifier)));
  const rows = await session.query(`SELECT schema_name, table_name AS name FROM duckdb_tables() WHERE NOT temporary AND database_name = current_database() ORDER BY 1, 2`);
  return rows
    .map((r) => ({ schema: String(r.schema_name), name: String(r.name) }))
    .filter((t) => built.has(relationKey(t.schema, t.name)) && !known.has(relationKey(t.schema, t.name)))
    .map(({ schema, name }) =>
      warning(
        `${schema}.${name} is in the warehouse, but no model or seed of the project builds it any more (renamed or removed?): it no longer updates, and queries that read it get stale rows — point them at the new name, then drop it: DROP TABLE ${quoteIdent(schema)}.${quoteIdent(name)}`,
      ),
    );
}
