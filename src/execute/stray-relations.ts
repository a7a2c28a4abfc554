import { relationKey, type Session } from '../adapters/adapter.js';
import type { GraphNode } from '../graph/nodes.js';
import { warning, type Diagnostic } from '../util/diagnostics.js';
import { quoteIdent, quoteLiteral } from '../util/sql.js';

/**
 * Tables and views in the schemas the project builds into that no node of the project builds: what
 * a renamed or removed model left behind. Nothing updates them any more, yet a BI query that still
 * names one runs without an error on data that silently goes stale, so each gets a warning.
 */
export async function strayRelations(nodes: readonly GraphNode[], session: Session): Promise<Diagnostic[]> {
  const built = nodes.filter((n) => (n.resourceType === 'model' && n.config.materialized !== 'ephemeral') || n.resourceType === 'seed');
  const schemas = [...new Set(built.map((n) => n.schema.toLowerCase()))];
  if (schemas.length === 0) return [];
  const known = new Set(nodes.filter((n) => n.resourceType !== 'test').map((n) => relationKey(n.schema, n.identifier)));
  const inSchemas = `lower(schema_name) IN (${schemas.map(quoteLiteral).join(', ')})`;
  const rows = await session.query(
    `SELECT schema_name, table_name AS name, 'TABLE' AS kind FROM duckdb_tables() WHERE NOT temporary AND database_name = current_database() AND ${inSchemas}
     UNION ALL SELECT schema_name, view_name, 'VIEW' FROM duckdb_views() WHERE NOT internal AND NOT temporary AND database_name = current_database() AND ${inSchemas}
     ORDER BY 1, 2`,
  );
  return rows
    .filter((r) => !known.has(relationKey(String(r.schema_name), String(r.name))))
    .map((r) => {
      const [schema, name, kind] = [String(r.schema_name), String(r.name), String(r.kind)];
      return warning(
        `${schema}.${name} is in the warehouse, but no model, seed or source of the project builds it (renamed or removed?): it no longer updates, and queries that read it get stale rows — point them at the new name, then drop it: DROP ${kind} ${quoteIdent(schema)}.${quoteIdent(name)}`,
      );
    });
}
