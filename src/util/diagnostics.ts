/** A problem found in the user's project, located in a file when possible. Errors are values: collected, then reported together. */
export interface Diagnostic {
  level: 'error' | 'warn';
  message: string;
  file?: string;
  line?: number;
  col?: number;
}

export function error(message: string, file?: string, line?: number, col?: number): Diagnostic {
  return { level: 'error', message, file, line, col };
}

export function warning(message: string, file?: string, line?: number, col?: number): Diagnostic {
  return { level: 'warn', message, file, line, col };
}

export function formatLocation(d: Pick<Diagnostic, 'file' | 'line' | 'col'>): string {
  if (!d.file) return '';
  return d.file + (d.line ? `:${d.line}` + (d.col ? `:${d.col}` : '') : '');
}

/** One line: `models/a.sql:3:14: error: ...`. */
export function formatDiagnostic(d: Diagnostic): string {
  const where = formatLocation(d);
  return `${where ? where + ': ' : ''}${d.level === 'warn' ? 'warning' : 'error'}: ${d.message}`;
}

/** Thrown to stop a command with exit code 2 after reporting every diagnostic it carries. */
export class UserError extends Error {
  constructor(readonly diagnostics: Diagnostic[]) {
    super(diagnostics.map(formatDiagnostic).join('\n'));
    this.name = 'UserError';
  }
}

export function hasErrors(ds: Diagnostic[]): boolean {
  return ds.some((d) => d.level === 'error');
}
