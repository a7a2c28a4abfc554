import { error, hasErrors, type Diagnostic } from '../util/diagnostics.js';
import { analyzeTemplate } from './analyze.js';
import { parseTemplate } from './parse.js';
import { RenderError, TemplateEnvironment, type RenderContext } from './render.js';

let environment: TemplateEnvironment | undefined;

/**
 * Renders a config value such as `{{env_var "DB_PATH" "data/dev.duckdb"}}` found at `line` of `file`:
 * only `env_var` and `var` make sense there, so relations are refused.
 */
export function renderConfigString(
  text: string,
  file: string,
  line: number,
  vars: Readonly<Record<string, unknown>> = {},
): { value?: string; diagnostics: Diagnostic[] } {
  if (!text.includes('{{')) return { value: text, diagnostics: [] };
  const shift = (d: Diagnostic): Diagnostic => ({ ...d, file, line: line + (d.line ?? 1) - 1, col: undefined });
  const parsed = parseTemplate(text, file);
  if (!parsed.program) return { diagnostics: parsed.diagnostics.map(shift) };
  const { diagnostics } = analyzeTemplate(parsed.program, { file, macros: new Map(), variables: new Set(), allowDynamicRelations: false });
  if (hasErrors(diagnostics)) return { diagnostics: diagnostics.map(shift) };
  const refused = { error: 'ref and source cannot be used in configuration values' };
  const ctx: RenderContext = {
    file,
    thisRelation: '',
    isIncremental: false,
    vars,
    env: process.env,
    target: {},
    model: {},
    projectName: '',
    runStartedAt: new Date().toISOString(),
    resolveRef: () => refused,
    resolveSource: () => refused,
  };
  environment ??= new TemplateEnvironment(new Map());
  try {
    return { value: environment.render(parsed.program, ctx).trim(), diagnostics: [] };
  } catch (e) {
    const message = e instanceof RenderError ? e.message : String(e);
    return { diagnostics: [error(message, file, line)] };
  }
}
