import type { CatalogEntry } from '../artifacts/catalog.js';
import type { ManifestColumn } from './artifacts.js';

export interface SiteColumn {
  name: string;
  description: string;
  /** data_type declared in YAML, if any. */
  declaredType: string | null;
  /** The type in the warehouse; null when the column is declared but not there (or nothing is built). */
  type: string | null;
  /** Position in the warehouse relation, from 1. */
  index: number | null;
}

/**
 * YAML-declared columns merged with the warehouse's actual ones: warehouse order first (names
 * compared without case, as DuckDB does), then declared columns the relation lacks.
 */
export function mergeColumns(declared: Record<string, ManifestColumn>, actual: CatalogEntry | undefined): SiteColumn[] {
  const byName = new Map(Object.values(declared).map((c) => [c.name.toLowerCase(), c]));
  const merged: SiteColumn[] = [];
  for (const c of Object.values(actual?.columns ?? {}).sort((a, b) => a.index - b.index)) {
    const yaml = byName.get(c.name.toLowerCase());
    byName.delete(c.name.toLowerCase());
    merged.push({ name: c.name, description: yaml?.description ?? '', declaredType: yaml?.data_type ?? null, type: c.type, index: c.index });
  }
  for (const yaml of byName.values()) merged.push({ name: yaml.name, description: yaml.description ?? '', declaredType: yaml.data_type ?? null, type: null, index: null });
  return merged;
}
