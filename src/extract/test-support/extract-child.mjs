// Runs one extract in a separate process so tests can kill -9 it at any moment. Uses the compiled dist/ code.
import { DuckDBInstance } from '@duckdb/node-api';
import { extractTables } from '../../../dist/extract/run-extract.js';

const args = JSON.parse(process.argv[2]);
const instance = await DuckDBInstance.create(args.dbPath);
const conn = await instance.connect();
const results = await extractTables(conn, args.tables, { info: (m) => process.stdout.write(`log ${m}\n`) }, {
  credentials: args.creds,
  retry: args.retry,
  fullRefresh: args.fullRefresh,
  batchRows: args.batchRows,
  afterPage: (t, n) => void process.stdout.write(`page ${t.tableName} ${n}\n`),
});
conn.closeSync();
instance.closeSync();
process.stdout.write(`done ${JSON.stringify(results)}\n`);
