import type { Session } from '../adapters/adapter.js';
import type { FreshnessSpec, SourceSpec } from '../config/schema-yaml.js';
import type { GraphNode } from '../graph/nodes.js';
import { columnOrExpression, relationName } from '../util/sql.js';
import { nowUtcSql } from './compile-tests.js';

export interface FreshnessCheck {
  loadedAtField: string;
  freshness: FreshnessSpec;
}

export interface FreshnessResult {
  status: 'pass' | 'warn' | 'error';
  maxLoadedAt: Date | null;
  snapshottedAt: Date;
  ageSeconds: number | null;
  message: string;
}

const SECONDS = { minute: 60, hour: 3600, day: 86400 } as const;

/** The source table's freshness settings (table over source), when it has both a loaded_at_field and limits. */
export function freshnessCheckFor(spec: SourceSpec, tableName: string): FreshnessCheck | undefined {
  const table = spec.tables.find((t) => t.name === tableName);
  if (!table) return undefined;
  const loadedAtField = table.loadedAtField ?? spec.loadedAtField;
  const freshness = table.freshness === undefined ? spec.freshness : table.freshness;
  if (!loadedAtField || !freshness || (!freshness.warnAfter && !freshness.errorAfter)) return undefined;
  return { loadedAtField, freshness };
}

/** max(loaded_at_field) against warn_after / error_after, in UTC. */
export async function checkFreshness(session: Session, node: GraphNode, check: FreshnessCheck): Promise<FreshnessResult> {
  const where = check.freshness.filter ? ` where ${check.freshness.filter}` : '';
  const [row] = await session.query(
    `select max(${columnOrExpression(check.loadedAtField)})::timestamp as max_loaded_at, ${nowUtcSql()} as snapshotted_at from ${relationName(node.schema, node.identifier)}${where}`,
  );
  const maxLoadedAt = row?.max_loaded_at instanceof Date ? row.max_loaded_at : null;
  const snapshottedAt = row?.snapshotted_at as Date;
  const name = `${node.sourceName}.${node.tableName}`;
  if (!maxLoadedAt) return { status: 'error', maxLoadedAt, snapshottedAt, ageSeconds: null, message: `source ${name} has no rows with a ${check.loadedAtField}` };
  const ageSeconds = (snapshottedAt.getTime() - maxLoadedAt.getTime()) / 1000;
  const age = describeAge(ageSeconds);
  const over = (limit: FreshnessSpec['warnAfter']) => limit !== undefined && ageSeconds > limit.count * SECONDS[limit.period];
  const limitText = (limit: NonNullable<FreshnessSpec['warnAfter']>) => `${limit.count} ${limit.period}${limit.count === 1 ? '' : 's'}`;
  const { warnAfter, errorAfter } = check.freshness;
  if (over(errorAfter)) return { status: 'error', maxLoadedAt, snapshottedAt, ageSeconds, message: `source ${name} is stale: last loaded ${age} ago, error after ${limitText(errorAfter!)}` };
  if (over(warnAfter)) return { status: 'warn', maxLoadedAt, snapshottedAt, ageSeconds, message: `source ${name} is getting stale: last loaded ${age} ago, warn after ${limitText(warnAfter!)}` };
  return { status: 'pass', maxLoadedAt, snapshottedAt, ageSeconds, message: `source ${name} was loaded ${age} ago` };
}

export function describeAge(seconds: number): string {
  if (seconds < 120) return `${Math.round(seconds)} seconds`;
  if (seconds < 7200) return `${(seconds / 60).toFixed(1)} minutes`;
  if (seconds < 172800) return `${(seconds / 3600).toFixed(1)} hours`;
  return `${(seconds / 86400).toFixed(1)} days`;
}
