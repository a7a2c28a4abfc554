import { describe, expect, it } from 'vitest';
import { describeLanded, landedCounts, sumLanded } from './landed-counts.js';

describe('landed counts', () => {
  it('counts only the growth of an existing table as new; the other rows written were rewritten', () => {
    expect(landedCounts({ rows: 5, rowsBefore: 3713, rowsAfter: 3713 })).toEqual({ added: 0, rewritten: 5, reloaded: 0 });
    expect(landedCounts({ rows: 7, rowsBefore: 10, rowsAfter: 12 })).toEqual({ added: 2, rewritten: 5, reloaded: 0 });
    // Two rows of one key (landed by append) upserted into one: the table shrank, nothing was added.
    expect(landedCounts({ rows: 1, rowsBefore: 10, rowsAfter: 9 })).toEqual({ added: 0, rewritten: 1, reloaded: 0 });
  });

  it('counts a first load and a full refresh in the table, not in the rows written (a row updated while paging lands twice)', () => {
    expect(landedCounts({ rows: 7, rowsAfter: 6, load: 'first load' })).toEqual({ added: 6, rewritten: 0, reloaded: 0 });
    expect(landedCounts({ rows: 7, rowsAfter: 6, load: 'full refresh' })).toEqual({ added: 0, rewritten: 0, reloaded: 6 });
    // A watermark whose table was dropped: what lands is all the table holds.
    expect(landedCounts({ rows: 4, rowsAfter: 4 })).toEqual({ added: 4, rewritten: 0, reloaded: 0 });
  });

  it('says what happened, leaving out the parts that did not', () => {
    expect(describeLanded({ added: 0, rewritten: 0, reloaded: 0 })).toBe('+0 new rows');
    expect(describeLanded({ added: 1, rewritten: 0, reloaded: 0 })).toBe('+1 new row');
    expect(describeLanded({ added: 0, rewritten: 5, reloaded: 0 })).toBe('+0 new rows, 5 rewritten');
    expect(describeLanded({ added: 0, rewritten: 0, reloaded: 18_501 })).toBe('18,501 rows reloaded');
    expect(describeLanded({ added: 1_200, rewritten: 7, reloaded: 1 })).toBe('+1,200 new rows, 7 rewritten, 1 row reloaded');
  });

  it('sums a run', () => {
    expect(sumLanded([])).toEqual({ added: 0, rewritten: 0, reloaded: 0 });
    expect(sumLanded([{ added: 1, rewritten: 5, reloaded: 0 }, { added: 0, rewritten: 2, reloaded: 9 }])).toEqual({ added: 1, rewritten: 7, reloaded: 9 });
  });
});
