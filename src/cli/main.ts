#!/usr/bin/env node
import { readFileSync } from 'node:fs';
import { Command, Option } from 'commander';
import type { CommonOptions } from './options.js';
import type { CommandFn } from './run-command.js';

// Commands load their modules (and DuckDB) only when they run, so --version and ls start fast.
const version = (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;

const program = new Command('modelrun')
  .description('Compile and build a dbt-shaped SQL project (Handlebars templates) on DuckDB')
  .version(version, '-v, --version')
  .showSuggestionAfterError(true)
  .configureOutput({ outputError: (text, write) => write(text) })
  .exitOverride((err) => process.exit(err.exitCode === 0 ? 0 : 2));

type Action = CommandFn;

// `modelrun ls | head` closes stdout early: stop quietly, as other command-line tools do.
process.stdout.on('error', (e: NodeJS.ErrnoException) => {
  if (e.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw e;
});

function common(cmd: Command): Command {
  return cmd
    .option('--project-dir <dir>', 'folder holding project.yml', '.')
    .option('--profiles-dir <dir>', 'folder holding profiles.yml (default: the project, then ~/.modelrun)')
    .option('-t, --target <name>', 'target (output) of the profile to use')
    .option('--vars <yaml>', "variables as YAML, e.g. '{lookback_hours: 12}'")
    .addOption(new Option('--log-format <format>', 'console output').choices(['text', 'json']).default('text'))
    .option('--debug', 'print stack traces for internal errors', false);
}

function selecting(cmd: Command): Command {
  return cmd
    .option('-s, --select <selector...>', 'nodes to include (dbt selection grammar)')
    .option('--exclude <selector...>', 'nodes to leave out');
}

function executing(cmd: Command): Command {
  return cmd
    .option('--threads <n>', 'nodes to build at once (default: the target\'s threads)', parseThreads)
    .option('--full-refresh', 'rebuild incremental models from scratch', false)
    .option('-x, --fail-fast', 'stop at the first failure', false)
    .option('--junit <file>', 'write JUnit XML of the data tests, e.g. target/junit.xml');
}

function parseThreads(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) {
    process.stderr.write(`error: --threads must be a whole number of at least 1 (got "${value}")\n`);
    process.exit(2);
  }
  return n;
}

function action(load: () => Promise<Action>): (opts: CommonOptions) => Promise<void> {
  return async (opts) => {
    const { runCommand } = await import('./run-command.js');
    process.exitCode = await runCommand(opts, await load());
  };
}

const commands: [name: string, description: string, configure: (c: Command) => Command, load: () => Promise<Action>][] = [
  [
    'build',
    'land sources, then seeds, models and their tests in dependency order',
    (c) => executing(selecting(c)).option('--no-extract', 'do not land the `loader: supabase` sources first'),
    async () => (await import('./commands/build.js')).build,
  ],
  [
    'extract',
    'land the `loader: supabase` sources into raw (incremental, exactly-once)',
    (c) => selecting(c).option('--full-refresh', 'rebuild each raw table aside and swap it in', false),
    async () => (await import('./commands/extract.js')).extract,
  ],
  ['run', 'build the selected models', (c) => executing(selecting(c)), async () => (await import('./commands/build.js')).run],
  ['seed', 'load the CSV files under seeds/', (c) => executing(selecting(c)), async () => (await import('./commands/build.js')).seed],
  ['test', 'run the data tests (and check source freshness)', (c) => selecting(c).option('--threads <n>', 'tests to run at once', parseThreads).option('-x, --fail-fast', 'stop at the first failure', false).option('--junit <file>', 'also write JUnit XML, e.g. target/junit.xml'), async () => (await import('./commands/build.js')).test],
  ['compile', 'render every model to target/compiled/ and check its SQL with DuckDB\'s parser', (c) => selecting(c).option('--full-refresh', 'compile incremental models as full refreshes', false), async () => (await import('./commands/compile.js')).compile],
  [
    'ls',
    'list the project\'s nodes',
    (c) =>
      selecting(c)
        .addOption(new Option('--resource-type <type...>', 'only these types').choices(['model', 'seed', 'test', 'source', 'all']))
        .addOption(new Option('--output <format>', 'what to print per node').choices(['selector', 'name', 'path', 'json']).default('selector')),
    async () => (await import('./commands/ls.js')).ls,
  ],
  ['debug', 'show the resolved project, profile and target, and test the connection', (c) => c, async () => (await import('./commands/debug.js')).debug],
  ['clean', 'delete target/ (and the other clean-targets)', (c) => c, async () => (await import('./commands/clean.js')).clean],
];

for (const [name, description, configure, load] of commands) {
  const cmd = configure(common(program.command(name).description(description))).action(action(load));
  if (name === 'ls') cmd.alias('list');
}

const source = program.command('source').description('commands about sources');
common(selecting(source.command('freshness').description('check max(loaded_at_field) of sources against their freshness limits')))
  .option('--junit <file>', 'also write JUnit XML')
  .action(action(async () => (await import('./commands/build.js')).sourceFreshness));

const docs = program.command('docs').description('the documentation site: models, columns, lineage, last run');
common(docs.command('generate').description('compile, read the artifacts and the warehouse\'s columns, write target/docs/')).action(action(async () => (await import('./commands/docs.js')).docsGenerate));
common(docs.command('serve').description('serve target/docs/ on 127.0.0.1'))
  .option('--port <n>', 'port on 127.0.0.1 (0 picks a free one)', '8080')
  .action(action(async () => (await import('./commands/docs.js')).docsServe));

await program.parseAsync(process.argv);
