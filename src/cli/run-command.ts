import { checkFixedClock } from '../config/fixed-clock.js';
import { UserError } from '../util/diagnostics.js';
import type { CommonOptions } from './options.js';
import { createReporter, type Reporter } from './reporter.js';

export type CommandFn = (opts: CommonOptions, reporter: Reporter) => Promise<number>;

/** Runs a command: user errors print as one line each and exit 2; anything else is a bug, with a stack trace under --debug. */
export async function runCommand(opts: CommonOptions, command: CommandFn): Promise<number> {
  const reporter = createReporter(opts.logFormat);
  try {
    const clock = checkFixedClock();
    if (clock) throw new UserError([clock]);
    return await command(opts, reporter);
  } catch (e) {
    if (e instanceof UserError) {
      e.diagnostics.forEach((d) => reporter.diagnostic(d));
      return 2;
    }
    const message = e instanceof Error ? e.message : String(e);
    reporter.diagnostic({ level: 'error', message: `internal error: ${message.split('\n')[0]}${opts.debug ? '' : ' (run with --debug for details)'}` });
    if (opts.debug && e instanceof Error && e.stack) process.stderr.write(e.stack + '\n');
    return 2;
  }
}
