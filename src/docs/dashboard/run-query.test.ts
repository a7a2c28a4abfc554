import { DuckDBInstance } from '@duckdb/node-api';
import { describe, expect, it } from 'vitest';
import { runQuery } from './run-query.js';

describe('runQuery', () => {
  it('turns every DuckDB type a KPI query returns into JSON: numbers (integers past 2^53 as their exact digits), dates, UTC instants, text', async () => {
    const instance = await DuckDBInstance.create(':memory:');
    const connection = await instance.connect();
    try {
      await connection.run(`SET TimeZone = 'Asia/Kolkata'`);
      const outcome = await runQuery(connection, `select
        42::TINYINT as tiny, 9007199254740993::BIGINT as big, 170141183460469231731687303715884105727::HUGEINT as huge, 12.345::DECIMAL(10, 3) as dec,
        0.5::DOUBLE as dbl, 'nan'::DOUBLE as nan, true as flag, null::INTEGER as nothing,
        date '2026-10-31' as day, timestamp '2026-10-31 23:51:16.183' as ts, timestamptz '2026-11-01 05:21:16.183+05:30' as tstz,
        '2026-10-31 23:51:16'::TIMESTAMP_S as ts_s, '2026-10-31 23:51:16.5'::TIMESTAMP_MS as ts_ms, '2026-10-31 23:51:16.123456789'::TIMESTAMP_NS as ts_ns,
        'infinity'::TIMESTAMP as forever, interval 90 minute as span, [1, 2] as list, 'Merge PDF' as name`);
      expect(outcome).toEqual({
        result: {
          columns: [
            { name: 'tiny', type: 'TINYINT' }, { name: 'big', type: 'BIGINT' }, { name: 'huge', type: 'HUGEINT' }, { name: 'dec', type: 'DECIMAL(10,3)' },
            { name: 'dbl', type: 'DOUBLE' }, { name: 'nan', type: 'DOUBLE' }, { name: 'flag', type: 'BOOLEAN' }, { name: 'nothing', type: 'INTEGER' },
            { name: 'day', type: 'DATE' }, { name: 'ts', type: 'TIMESTAMP' }, { name: 'tstz', type: 'TIMESTAMP WITH TIME ZONE' },
            { name: 'ts_s', type: 'TIMESTAMP_S' }, { name: 'ts_ms', type: 'TIMESTAMP_MS' }, { name: 'ts_ns', type: 'TIMESTAMP_NS' },
            { name: 'forever', type: 'TIMESTAMP' }, { name: 'span', type: 'INTERVAL' }, { name: 'list', type: 'INTEGER[]' }, { name: 'name', type: 'VARCHAR' },
          ],
          rows: [[
            42, '9007199254740993', '170141183460469231731687303715884105727', 12.345, 0.5, null, true, null,
            '2026-10-31', '2026-10-31T23:51:16.183Z', '2026-10-31T23:51:16.183Z',
            '2026-10-31T23:51:16.000Z', '2026-10-31T23:51:16.500Z', '2026-10-31T23:51:16.123Z',
            'infinity', '01:30:00', '[1, 2]', 'Merge PDF',
          ]],
        },
      });
    } finally {
      connection.closeSync();
      instance.closeSync();
    }
  });

  it('returns DuckDB\'s error as one line, and the line of the query it points at', async () => {
    const instance = await DuckDBInstance.create(':memory:');
    const connection = await instance.connect();
    try {
      expect(await runQuery(connection, 'select 1,\n  x from nowhere')).toEqual({ error: 'Catalog Error: Table with name nowhere does not exist! Did you mean "pg_indexes"?', line: 2 });
    } finally {
      connection.closeSync();
      instance.closeSync();
    }
  });
});
