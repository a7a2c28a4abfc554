import { createRequire } from 'node:module';
import { error, type Diagnostic } from '../util/diagnostics.js';
import type { Program } from './ast.js';
import { parseFlatTemplate } from './fast-parse.js';
import { jinjaCallAt } from './jinja-hint.js';
import { tagStructureError } from './tag-structure.js';

// Flat templates never need Handlebars' parser, so it is loaded on first use.
const load = createRequire(import.meta.url);
let handlebars: typeof import('handlebars') | undefined;

/**
 * Parses a template, turning Handlebars' syntax errors into a diagnostic at file:line:col.
 * `flat` says the template was parsed without Handlebars, which makes parsing it again cheap.
 */
export function parseTemplate(text: string, file: string): { program?: Program; flat?: boolean; diagnostics: Diagnostic[] } {
  const flat = parseFlatTemplate(text);
  if (flat) return { program: flat, flat: true, diagnostics: [] };
  try {
    handlebars ??= load('handlebars') as typeof import('handlebars');
    return { program: handlebars.parse(text), diagnostics: [] };
  } catch (e) {
    const found = templateSyntaxError(e, file, lexerPosition(handlebars));
    // The structure's explanation, in words and at the tag to fix, unless Handlebars stopped before the
    // problem starts: then that is the first problem of the file.
    const structure = tagStructureError(text);
    const first = structure && startsNoLater(structure.from ?? structure, found);
    if (first) return { diagnostics: [error(`template syntax error: ${structure.message}`, file, structure.line, structure.col)] };
    const jinja = found.line === undefined || found.col === undefined ? undefined : jinjaCallAt(text, { line: found.line, col: found.col });
    if (jinja) {
      return { diagnostics: [error(`template syntax error: ${jinja.written} is dbt's Jinja — modelrun templates are Handlebars: write ${jinja.handlebars}`, file, jinja.line, jinja.col)] };
    }
    return { diagnostics: [found] };
  }
}

function startsNoLater(at: { line: number; col: number }, d: Diagnostic): boolean {
  if (d.line === undefined) return true;
  return at.line < d.line || (at.line === d.line && at.col <= (d.col ?? Infinity));
}

/** Where Handlebars' lexer stopped: more exact than the column its message implies, which counts from an excerpt. */
function lexerPosition(hb: typeof import('handlebars') | undefined): { line: number; col: number } | undefined {
  const loc = (hb as unknown as { Parser?: { lexer?: { yylloc?: { first_line: number; first_column: number } } } } | undefined)?.Parser?.lexer?.yylloc;
  return loc ? { line: loc.first_line, col: loc.first_column + 1 } : undefined;
}

function templateSyntaxError(e: unknown, file: string, at: { line: number; col: number } | undefined): Diagnostic {
  const message = e instanceof Error ? e.message : String(e);
  // Handlebars: "Parse error on line 3:\n...\n----^\nExpecting 'ID', got 'EOF'" or "a doesn't match b - 3:5".
  const parseLine = /Parse error on line (\d+):\n(.*)\n(-*)\^\n(.*)/.exec(message);
  if (parseLine) {
    return error(`template syntax error: ${explainExpecting(parseLine[4]!)}`, file, at?.line ?? Number(parseLine[1]), at?.col);
  }
  const located = /^(.*) - (\d+):(\d+)$/s.exec(message);
  if (located) return error(`template syntax error: ${located[1]}`, file, Number(located[2]), Number(located[3]) + 1);
  return error(`template syntax error: ${message.split('\n')[0]}`, file);
}

/**
 * Handlebars' "Expecting 'X', 'Y', got 'Z'" in words, by the token it got and one it expected; the
 * first rule that matches wins. Mistakes of structure never get here (see tag-structure.ts).
 */
const EXPLANATIONS: [got: RegExp, expecting: string | undefined, message: string][] = [
  [/^EOF$/, undefined, 'the template ends inside {{ }} or an open {{#block}} — close it'],
  [/^INVALID$/, undefined, 'unexpected character inside {{ }}'],
  [/^(INVERSE|OPEN_INVERSE_CHAIN)$/, undefined, 'a second "{{else}}" in one block — remove it, or make the one before it "{{else if …}}"'],
  [/^CLOSE/, 'CLOSE_SEXPR', '"(" is never closed — add ")"'],
  [/^CLOSE$/, 'CLOSE_UNESCAPED', '"{{{" is closed by "}}" — write "}}}"'],
  [/^CLOSE_UNESCAPED$/, undefined, '"{{" is closed by "}}}" — write "}}"'],
  [/^CLOSE$/, 'ID', 'a name or a value is missing before "}}"'],
  [/^EQUALS$/, undefined, 'unexpected "=" — a name or a value belongs here'],
  [/^CLOSE_SEXPR$/, undefined, 'unexpected ")" — no "(" is open'],
];

function explainExpecting(text: string): string {
  const [, expected = '', got = ''] = /^Expecting (.*), got '(\w+)'$/.exec(text) ?? [];
  const rule = EXPLANATIONS.find(([g, expecting]) => g.test(got) && (expecting === undefined || expected.includes(`'${expecting}'`)));
  return rule?.[2] ?? text.replace(/^Expecting /, 'expected ');
}
