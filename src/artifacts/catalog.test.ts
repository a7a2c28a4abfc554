import { DuckDBInstance } from '@duckdb/node-api';
import { expect, it } from 'vitest';
import { readCatalog } from './catalog.js';

it('tells apart relations whose schema and name hold dots, and matches names without regard to case', async () => {
  const instance = await DuckDBInstance.create(':memory:');
  const connection = await instance.connect();
  try {
    await connection.run('CREATE SCHEMA "a.b"; CREATE SCHEMA a; CREATE TABLE "a.b".c (from_ab INTEGER); CREATE TABLE a."b.c" (from_a VARCHAR); CREATE TABLE main."Orders" (id INTEGER)');
    const catalog = await readCatalog(connection, [
      { uniqueId: 'model.p.c', resourceType: 'model', schema: 'a.b', identifier: 'c' },
      { uniqueId: 'source.p.a.b_c', resourceType: 'source', schema: 'a', identifier: 'b.c' },
      { uniqueId: 'model.p.orders', resourceType: 'model', schema: 'MAIN', identifier: 'orders' },
    ], '2026-01-01T00:00:00Z');
    expect(Object.keys(catalog.nodes['model.p.c']!.columns)).toEqual(['from_ab']);
    expect(Object.keys(catalog.sources['source.p.a.b_c']!.columns)).toEqual(['from_a']);
    expect(Object.keys(catalog.nodes['model.p.orders']!.columns)).toEqual(['id']);
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
});
