import { randomUUID } from 'node:crypto';
import { resolve } from 'node:path';
import { writeRunResults } from '../../artifacts/run-results.js';
import { displayPath } from '../../config/profiles.js';
import { forgetTestState, nextTestState, readTestState, writeTestState } from '../../data-tests/test-state.js';
import type { NodeStatus } from '../../execute/results.js';
import type { ExtractLog } from '../../extract/index.js';
import { describeLanded, sumLanded } from '../../extract/landed-counts.js';
import type { CommonOptions } from '../options.js';
import { counted } from '../../util/counted.js';
import { loadOrFail, selectInOrder } from '../pipeline.js';
import type { Reporter } from '../reporter.js';

/** `modelrun extract [--select source:supabase.x] [--full-refresh]`: lands the supabase-loaded sources in raw. */
export async function extract(opts: CommonOptions, reporter: Reporter): Promise<number> {
  const started = performance.now();
  const generatedAt = new Date().toISOString();
  const project = loadOrFail(opts, reporter);
  const { projectTables, extractTables, sampleOptionsFor } = await import('../../extract/index.js');
  let tables = projectTables(project);
  if (opts.select || opts.exclude) {
    const selected = new Set(selectInOrder(project, opts, reporter, ['source']));
    tables = tables.filter((t) => selected.has(t.uniqueId));
  }
  if (tables.length === 0) {
    reporter.info('Nothing to extract: no source table with `loader: supabase` matched the selection.');
    return 0;
  }
  const { openWarehouse } = await import('../../adapters/duckdb/open.js');
  const warehouse = await openWarehouse(project.target, displayPath(project.config.dir, project.target.path));
  const log = progressLog(reporter, opts.logFormat === 'text' && Boolean(process.stdout.isTTY));
  const targetDir = resolve(project.config.dir, project.config.targetPath);
  try {
    // Landing here changes raw tables no test looks at until the next build: it forgets what their tests proved.
    const session = await warehouse.session();
    const testState = await readTestState(session);
    await forgetTestState(session);
    const conn = await warehouse.connect();
    try {
      const results = await extractTables(conn, tables, log, { fullRefresh: Boolean(opts.fullRefresh), sample: sampleOptionsFor(project) });
      for (const r of results) r.phase = 'extract';
      await writeTestState(session, nextTestState(testState, project.nodes, results, new Map(), () => undefined));
      const elapsed = (performance.now() - started) / 1000;
      writeRunResults(targetDir, results, { invocationId: randomUUID(), generatedAt, command: 'extract' }, elapsed, { command: 'extract', select: opts.select ?? [], full_refresh: Boolean(opts.fullRefresh) });
      const count = (status: NodeStatus) => results.filter((r) => r.status === status).length;
      const counts = { pass: count('success'), error: count('error'), skip: count('skipped') };
      const landed = describeLanded(sumLanded(results.flatMap((r) => r.landed ?? [])));
      reporter.summary(`Finished extracting ${counted(tables.length, 'table', 'plain')} (${landed}) in ${elapsed.toFixed(2)}s.  PASS=${counts.pass} ERROR=${counts.error} SKIP=${counts.skip}`, counts, elapsed);
      return counts.error > 0 ? 1 : 0;
    } finally {
      conn.closeSync();
      session.close();
    }
  } finally {
    warehouse.close();
  }
}

/** Per-table progress (rows, rows/s) rewritten in place on a terminal; plain lines elsewhere. */
function progressLog(reporter: Reporter, tty: boolean): ExtractLog {
  let live = false;
  return {
    info(message) {
      if (live) process.stdout.write('\r\x1b[K');
      live = false;
      reporter.info(message);
    },
    progress: tty
      ? (message) => {
          process.stdout.write(`\r\x1b[K${message}`);
          live = true;
        }
      : undefined,
  };
}
