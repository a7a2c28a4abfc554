import { relationKey, type Session } from '../adapters/adapter.js';
import type { GraphNode } from '../graph/nodes.js';
import { warning, type Diagnostic } from '../util/diagnostics.js';
import { quoteIdent, quoteLiteral } from '../util/sql.js';

/**
 * Tables that modelrun wrote in an earlier run (`written`: the table keys the test state counts) and
 * that no node of the project builds now: what a renamed or removed model left behind. Nothing
 * updates them any more, yet a BI query that still names one runs without an error on rows that
 * silently go stale, so each gets a warning. Tables modelrun never wrote are the user's own; a view
 * left behind still reads current rows.
 */
export async function strayRelations(nodes: readonly GraphNode[], written: ReadonlySet<string>, session: Session): Promise<Diagnostic[]> {
  const built = nodes.filter((n) => (n.resourceType === 'model' && n.config.materialized !== 'ephemeral') || n.resourceType === 'seed');
  const schemas = [...new Set(built.map((n) => n.schema.toLowerCase()))];
  if (schemas.length === 0) return [];
  const known = new Set(nodes.filter((n) => n.resourceType !== 'test').map((n) => relationKey(n.schema, n.identifier)));
  const inSchemas = `lower(schema_name) IN (${schemas.map(quoteLiteral).join(', ')})`;
  const rows = await session.query(
    `SELECT schema_name, table_name AS name FROM duckdb_tables() WHERE NOT temporary AND database_name = current_database() AND ${inSchemas} ORDER BY 1, 2`,
  );
  return rows
    .map((r) => ({ schema: String(r.schema_name), name: String(r.name) }))
    .filter((t) => written.has(relationKey(t.schema, t.name)) && !known.has(relationKey(t.schema, t.name)))
    .map(({ schema, name }) =>
      warning(
        `${schema}.${name} is in the warehouse, but no model or seed of the project builds it any more (renamed or removed?): it no longer updates, and queries that read it get stale rows — point them at the new name, then drop it: DROP TABLE ${quoteIdent(schema)}.${quoteIdent(name)}`,
      ),
    );
}
