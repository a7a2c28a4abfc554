import type { NodeResult } from '../execute/results.js';
import { formatDiagnostic, type Diagnostic } from '../util/diagnostics.js';

/** Everything a command tells the user goes through a reporter: text for people, JSON lines for machines. */
export interface Reporter {
  info(message: string): void;
  diagnostic(d: Diagnostic): void;
  /** A node that errored, in the run's closing list: beside the other output for people, an error event for machines. */
  runError(d: Diagnostic): void;
  nodeStart(index: number, total: number, uniqueId: string, description: string): void;
  nodeDone(index: number, total: number, description: string, result: NodeResult): void;
  summary(line: string, counts: Record<string, number>, elapsed: number): void;
}

export type LogFormat = 'text' | 'json';

export function createReporter(format: LogFormat, out: NodeJS.WritableStream = process.stdout, err: NodeJS.WritableStream = process.stderr): Reporter {
  return format === 'json' ? new JsonReporter(out) : new TextReporter(out, err, useColor(out));
}

function useColor(out: NodeJS.WritableStream): boolean {
  if (process.env.NO_COLOR !== undefined && process.env.NO_COLOR !== '') return false;
  if (process.env.FORCE_COLOR !== undefined && process.env.FORCE_COLOR !== '0') return true;
  return Boolean((out as NodeJS.WriteStream).isTTY);
}

const WIDTH = 66;
const COLORS = { green: 32, red: 31, yellow: 33 } as const;

export function dotted(text: string, status: string): string {
  return `${text} ${'.'.repeat(Math.max(3, WIDTH - text.length - 1))} [${status}]`;
}

class TextReporter implements Reporter {
  constructor(private readonly out: NodeJS.WritableStream, private readonly err: NodeJS.WritableStream, private readonly color: boolean) {}

  private paint(text: string, color: keyof typeof COLORS | undefined): string {
    return this.color && color ? `\x1b[${COLORS[color]}m${text}\x1b[0m` : text;
  }

  info(message: string): void {
    this.out.write(message + '\n');
  }

  diagnostic(d: Diagnostic): void {
    const line = formatDiagnostic(d);
    this.err.write(this.paint(line, d.level === 'error' ? 'red' : 'yellow') + '\n');
  }

  runError(d: Diagnostic): void {
    this.info(formatDiagnostic(d));
  }

  nodeStart(index: number, total: number, _id: string, description: string): void {
    this.out.write(dotted(`${index} of ${total} START ${description}`, 'RUN') + '\n');
  }

  nodeDone(index: number, total: number, description: string, r: NodeResult): void {
    const verb = doneVerb(r);
    const status = r.status === 'skipped' ? 'SKIP' : `${r.statusText} in ${r.executionTime.toFixed(2)}s`;
    const color = r.status === 'success' || r.status === 'pass' ? 'green' : r.status === 'warn' || r.status === 'skipped' ? 'yellow' : 'red';
    const text = `${index} of ${total} ${verb} ${r.status === 'success' ? r.message : description}`;
    this.out.write(dotted(text, this.paint(status, color)) + '\n');
    if (r.note) this.out.write(`${this.paint('warning:', 'yellow')} ${r.note}\n`);
  }

  summary(line: string): void {
    this.out.write('\n' + line + '\n');
  }
}

function doneVerb(r: NodeResult): string {
  switch (r.status) {
    case 'success':
      return 'OK';
    case 'skipped':
      return 'SKIP';
    case 'pass':
      return 'PASS';
    case 'warn':
      return `WARN ${r.failures ?? ''}`.trim();
    case 'fail':
      return `FAIL ${r.failures ?? ''}`.trim();
    default:
      return 'ERROR';
  }
}

class JsonReporter implements Reporter {
  constructor(private readonly out: NodeJS.WritableStream) {}

  private emit(event: string, level: string, fields: Record<string, unknown>): void {
    this.out.write(JSON.stringify({ ts: new Date().toISOString(), level, event, ...fields }) + '\n');
  }

  info(message: string): void {
    this.emit('info', 'info', { msg: message });
  }

  diagnostic(d: Diagnostic): void {
    this.emit('diagnostic', d.level, { msg: formatDiagnostic(d), file: d.file, line: d.line, col: d.col, message: d.message });
  }

  runError(d: Diagnostic): void {
    this.diagnostic(d);
  }

  nodeStart(index: number, total: number, uniqueId: string, description: string): void {
    this.emit('node_start', 'info', { index, total, unique_id: uniqueId, msg: `${index} of ${total} START ${description}` });
  }

  nodeDone(index: number, total: number, description: string, r: NodeResult): void {
    this.emit('node_finished', r.status === 'error' || r.status === 'fail' ? 'error' : r.status === 'warn' || r.note ? 'warn' : 'info', {
      index,
      total,
      unique_id: r.uniqueId,
      status: r.status,
      execution_time: r.executionTime,
      rows_affected: r.rowsAffected,
      failures: r.failures,
      file: r.file,
      line: r.line,
      msg: `${index} of ${total} ${doneVerb(r)} ${r.status === 'success' ? r.message : description}`,
      message: r.message,
      ...(r.note ? { note: r.note } : {}),
    });
  }

  summary(line: string, counts: Record<string, number>, elapsed: number): void {
    this.emit('summary', 'info', { msg: line, elapsed, ...counts });
  }
}
