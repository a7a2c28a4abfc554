import { counted } from '../util/counted.js';
import type { TableOutcome } from './extract-table.js';

/** What landing did to the raw tables, as the user is told it: one table's, or a run's summed. */
export interface LandedCounts {
  /** Rows the raw table did not hold before: all of them on a first load. */
  added: number;
  /** Rows read again (the lookback window, or a row updated while the landing paged) and written over a row already landed, changed or not. */
  rewritten: number;
  /** The rows of a table a full refresh rebuilt: its old and new rows are not told apart. */
  reloaded: number;
}

/**
 * The rows written are not the rows gained: an upsert writes a re-read row over the one of its key,
 * so only the table's growth counts as new.
 */
export function landedCounts(o: Pick<TableOutcome, 'rows' | 'rowsBefore' | 'rowsAfter' | 'load'>): LandedCounts {
  if (o.rowsBefore !== undefined) {
    // An upsert over keys that were landed twice before (by `append`) can shrink the table: nothing was added then.
    const added = Math.max(0, o.rowsAfter - o.rowsBefore);
    return { added, rewritten: o.rows - added, reloaded: 0 };
  }
  // Counted in the table, not the rows written: a row updated while paging arrives twice.
  return o.load === 'full refresh' ? { added: 0, rewritten: 0, reloaded: o.rowsAfter } : { added: o.rowsAfter, rewritten: 0, reloaded: 0 };
}

export function sumLanded(all: readonly LandedCounts[]): LandedCounts {
  return all.reduce((s, c) => ({ added: s.added + c.added, rewritten: s.rewritten + c.rewritten, reloaded: s.reloaded + c.reloaded }), { added: 0, rewritten: 0, reloaded: 0 });
}

/** "+3 new rows, 5 rewritten", "18,501 rows reloaded"; "+0 new rows" when nothing was written at all. */
export function describeLanded(c: LandedCounts): string {
  return [
    c.added > 0 || c.reloaded === 0 ? `+${counted(c.added, 'new row')}` : '',
    c.rewritten > 0 ? `${c.rewritten.toLocaleString('en-US')} rewritten` : '',
    c.reloaded > 0 ? `${counted(c.reloaded, 'row')} reloaded` : '',
  ]
    .filter(Boolean)
    .join(', ');
}
