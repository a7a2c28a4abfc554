import { error, type Diagnostic } from '../util/diagnostics.js';
import { analyzeTemplate, MODEL_VARIABLES, type MacroSignature, type TemplateAnalysis } from './analyze.js';
import { NOT_LITERAL, isPath, literalValue, position, type Literal, type Program } from './ast.js';
import { parseTemplate } from './parse.js';
import { lineCol } from '../util/text-position.js';

/**
 * A project macro, written in a macro file as
 * `{{#macro "cents_to_dollars" column scale=2}} ... {{/macro}}`:
 * a name, parameters (those with `=` have defaults) and a body template.
 * `{{#test "name" model column_name ...}}` declares a custom generic data test the same way.
 */
export interface MacroDef extends MacroSignature {
  kind: 'macro' | 'test';
  file: string;
  line: number;
  col: number;
  body: Program;
  analysis?: TemplateAnalysis;
}

const DEFINERS = ['macro', 'test'] as const;

/** A macro file's definitions: plain data (the bodies are ASTs), so the build cache can keep it. */
export interface MacroFile {
  macros: MacroDef[];
  diagnostics: Diagnostic[];
}

export function parseMacroFile(text: string, file: string): MacroFile {
  const parsed = parseTemplate(text, file);
  if (!parsed.program) return { macros: declaredIn(text, file), diagnostics: parsed.diagnostics };
  const macros: MacroDef[] = [];
  const diagnostics: Diagnostic[] = [];
  for (const s of parsed.program.body) {
    const at = position(s);
    if (s.type === 'CommentStatement') continue;
    if (s.type === 'ContentStatement') {
      const text = (s as hbs.AST.ContentStatement).value;
      const offset = text.search(/\S/);
      if (offset >= 0) {
        const before = text.slice(0, offset);
        const line = at.line + (before.match(/\n/g)?.length ?? 0);
        const col = before.includes('\n') ? before.length - before.lastIndexOf('\n') : at.col + offset;
        diagnostics.push(error('a macro file may only hold {{#macro "name" arg ...}} ... {{/macro}} blocks — move SQL into a model', file, line, col));
      }
      continue;
    }
    const block = s as hbs.AST.BlockStatement;
    const kind = s.type === 'BlockStatement' && isPath(block.path) ? (DEFINERS as readonly string[]).find((k) => k === block.path.original) : undefined;
    if (!kind) {
      diagnostics.push(error('a macro file may only hold {{#macro "name" arg ...}} ... {{/macro}} blocks', file, at.line, at.col));
      continue;
    }
    const def = readDefinition(block, kind as MacroDef['kind'], file, diagnostics);
    if (def) macros.push(def);
  }
  return { macros, diagnostics };
}

/**
 * What a file that does not parse declares, found by its `{{#macro "name"` and `{{#test "name"`
 * openings: unparsed definitions without parameters or body. Without them every call to one of
 * its macros or tests would be one more "unknown" error burying the syntax error; muting every
 * unknown-macro error while some macro file is broken would also hide real ones elsewhere. Sound
 * because that syntax error fails the load: nothing is ever rendered from these, and a name
 * matched by mistake hides an unknown call only until the file parses again.
 */
function declaredIn(text: string, file: string): MacroDef[] {
  // Comments are blanked (their line breaks kept, for positions): an example in one declares nothing.
  const code = text.replace(/\{\{~?!--[\s\S]*?--~?\}\}|\{\{~?![\s\S]*?\}\}/g, (comment) => comment.replace(/[^\n]/g, ' '));
  return [...code.matchAll(DECLARATION)].map((m) => ({
    kind: m[1] as MacroDef['kind'],
    name: m[2]!,
    params: [],
    defaults: {},
    file,
    ...lineCol(text, m.index),
    body: { type: 'Program', body: [], strip: {} } as unknown as Program,
    unparsed: true,
  }));
}

const DECLARATION = /\{\{~?\s*#\s*(macro|test)\s+["']([A-Za-z_][A-Za-z0-9_]*)["']/g;

function readDefinition(block: hbs.AST.BlockStatement, kind: MacroDef['kind'], file: string, diagnostics: Diagnostic[]): MacroDef | undefined {
  const at = position(block);
  const [nameExpr, ...paramExprs] = block.params;
  const name = nameExpr ? literalValue(nameExpr) : NOT_LITERAL;
  if (typeof name !== 'string' || !/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) {
    diagnostics.push(error(`{{#${kind}}} needs a quoted name first, e.g. {{#${kind} "cents_to_dollars" column}}`, file, at.line, at.col));
    return undefined;
  }
  const params: string[] = [];
  for (const p of paramExprs) {
    if (!isPath(p) || p.parts.length !== 1 || p.data || p.depth > 0) {
      const pa = position(p);
      diagnostics.push(error(`parameters of ${kind} "${name}" must be plain names, e.g. {{#${kind} "${name}" column scale=2}}`, file, pa.line, pa.col));
      continue;
    }
    params.push(p.parts[0]!);
  }
  const defaults: Record<string, Literal> = {};
  for (const pair of block.hash?.pairs ?? []) {
    const value = literalValue(pair.value);
    if (value === NOT_LITERAL) {
      const pa = position(pair);
      diagnostics.push(error(`the default of "${pair.key}" in ${kind} "${name}" must be a literal`, file, pa.line, pa.col));
      continue;
    }
    params.push(pair.key);
    defaults[pair.key] = value;
  }
  return { kind, name, params, defaults, file, line: at.line, col: at.col, body: block.program };
}

/** Checks every macro body against the full set of macros, recording what each one uses. */
export function analyzeMacros(macros: ReadonlyMap<string, MacroDef>): Diagnostic[] {
  const diagnostics: Diagnostic[] = [];
  for (const def of macros.values()) {
    const { analysis, diagnostics: ds } = analyzeTemplate(def.body, {
      file: def.file,
      macros,
      variables: new Set([...def.params, ...MODEL_VARIABLES]),
      allowDynamicRelations: true,
    });
    def.analysis = analysis;
    diagnostics.push(...ds);
  }
  return diagnostics;
}
