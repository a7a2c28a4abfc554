// The "direct" side of the run-overhead benchmark, run as its own child process so that
// process start-up and DuckDB start-up count as they do for modelrun:
//   node bench/direct-exec.mjs <database file> <statements.json>
// statements.json is a JSON array of SQL strings, run one after the other on one connection.
import { readFileSync } from 'node:fs';
import { DuckDBInstance } from '@duckdb/node-api';

const [dbPath, statementsPath] = process.argv.slice(2);
if (!dbPath || !statementsPath) {
  process.stderr.write('usage: node bench/direct-exec.mjs <database file> <statements.json>\n');
  process.exit(2);
}
const statements = JSON.parse(readFileSync(statementsPath, 'utf8'));
const instance = await DuckDBInstance.create(dbPath);
const conn = await instance.connect();
try {
  for (const sql of statements) await conn.run(sql);
} finally {
  conn.closeSync();
  instance.closeSync();
}
