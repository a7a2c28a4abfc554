import { describe, expect, it } from 'vitest';
import { planSchemaChange, schemaChangeNote } from './incremental.js';

const col = (name: string) => ({ name, type: 'VARCHAR' });

describe('schemaChangeNote', () => {
  it('counts one old row in the singular, and tells a model that refuses --full-refresh how to rebuild', () => {
    const plan = planSchemaChange('inc', 'append_new_columns', [col('id')], [col('id'), col('b')]);
    expect(schemaChangeNote('inc', 'append_new_columns', plan, 1, false)).toBe(
      'inc: added column b; the 1 row already in the table holds NULL in it — remove full_refresh=false from its config, then run with --full-refresh to rebuild it',
    );
  });

  it('says nothing when the columns did not change, or when no old row misses an added column', () => {
    expect(schemaChangeNote('inc', 'ignore', planSchemaChange('inc', 'ignore', [col('id')], [col('id')]), 5, undefined)).toBeUndefined();
    expect(schemaChangeNote('inc', 'sync_all_columns', planSchemaChange('inc', 'sync_all_columns', [col('id'), col('c')], [col('id'), col('b')]), 0, undefined)).toBeUndefined();
  });

  it('takes a column spelt in another case for the same column, as DuckDB does', () => {
    const plan = planSchemaChange('inc', 'append_new_columns', [col('id'), col('a')], [col('ID'), col('A')]);
    expect(plan).toEqual({ alterations: [], insertColumns: ['ID', 'A'], added: [], removed: [] });
    expect(schemaChangeNote('inc', 'ignore', planSchemaChange('inc', 'ignore', [col('a')], [col('A')]), 3, undefined)).toBeUndefined();
  });
});
