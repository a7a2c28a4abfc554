import type { Expression, Program } from './ast.js';

/**
 * Most models are flat: SQL text with `{{name "arg" key=value}}` mustaches and no blocks.
 * Handlebars' generated parser spends ~40 µs on each such file, the largest part of compiling a
 * big project, so flat templates are parsed here into the very AST Handlebars would build
 * (checked against Handlebars.parse in fast-parse.test.ts). Anything else returns undefined and
 * goes to Handlebars: blocks, comments, partials, escapes, whitespace control, sub-expressions,
 * unusual literals, and every syntax error.
 */
export function parseFlatTemplate(text: string): Program | undefined {
  if (NOT_FLAT.test(text)) return undefined;
  const lines = lineStarts(text);
  const pos = (offset: number) => position(lines, offset);
  const body: hbs.AST.Statement[] = [];
  let i = 0;
  while (i < text.length) {
    const open = text.indexOf('{{', i);
    const end = open < 0 ? text.length : open;
    if (end > i) {
      const value = text.slice(i, end);
      body.push({ type: 'ContentStatement', original: value, value, loc: { start: pos(i), end: pos(end) } } as unknown as hbs.AST.Statement);
    }
    if (open < 0) break;
    const close = text.indexOf('}}', open + 2);
    if (close < 0) return undefined;
    const mustache = parseMustache(text, open, close, pos);
    if (!mustache) return undefined;
    body.push(mustache);
    i = close + 2;
  }
  const loc = body.length > 0 ? { start: body[0]!.loc.start, end: body[body.length - 1]!.loc.end } : undefined;
  return { type: 'Program', body, strip: {}, loc } as unknown as Program;
}

const NOT_FLAT = /\{\{\s*(?:[#/^!>&{~*(]|else\b)|~\}\}|\\\{\{|\}\}\}/;
const TOKEN = /\s*(?:("[^"\\]*")|('[^'\\]*')|(-?\d+(?:\.\d+)?)(?=[\s}])|([A-Za-z_][A-Za-z0-9_]*)=|([A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*))/y;

// Each evaluation of a regex literal makes a new RegExp: these run per token, so they are made once.
const SPACES = /\s*/y;
const SPACE = /\s/;

type Pos = (offset: number) => { line: number; column: number };

function parseMustache(text: string, open: number, close: number, pos: Pos): hbs.AST.MustacheStatement | undefined {
  const tokens: { kind: 'expr' | 'key'; value: Expression | string; start: number; end: number }[] = [];
  TOKEN.lastIndex = open + 2;
  for (;;) {
    SPACES.lastIndex = TOKEN.lastIndex;
    SPACES.exec(text);
    if (SPACES.lastIndex === close) break;
    const start = SPACES.lastIndex;
    const m = TOKEN.exec(text);
    if (!m || TOKEN.lastIndex > close) return undefined;
    const end = TOKEN.lastIndex;
    const loc = { start: pos(start), end: pos(end) } as hbs.AST.SourceLocation;
    if (m[4] !== undefined) {
      tokens.push({ kind: 'key', value: m[4], start, end });
      continue;
    }
    tokens.push({ kind: 'expr', value: expression(m, loc), start, end });
    // A value must be followed by space or the closing braces.
    if (end < close && !SPACE.test(text[end]!)) return undefined;
  }
  const head = tokens[0];
  if (!head || head.kind !== 'expr' || (head.value as Expression).type !== 'PathExpression') return undefined;
  const params: Expression[] = [];
  const pairs: hbs.AST.HashPair[] = [];
  for (let k = 1; k < tokens.length; k++) {
    const t = tokens[k]!;
    if (t.kind === 'key') {
      const value = tokens[k + 1];
      if (!value || value.kind !== 'expr' || value.start !== t.end) return undefined;
      pairs.push({ type: 'HashPair', key: t.value as string, value: value.value as Expression, loc: { start: pos(t.start), end: pos(value.end) } } as unknown as hbs.AST.HashPair);
      k++;
    } else {
      if (pairs.length > 0) return undefined;
      params.push(t.value as Expression);
    }
  }
  const path = head.value;
  const strip = { open: false, close: false };
  const loc = { start: pos(open), end: pos(close + 2) };
  // Keys in Handlebars' order, which makes the two ASTs compare equal.
  if (pairs.length === 0) return { type: 'MustacheStatement', path, params, escaped: true, strip, loc } as unknown as hbs.AST.MustacheStatement;
  const hash = { type: 'Hash', pairs, loc: { start: pairs[0]!.loc.start, end: pos(tokens[tokens.length - 1]!.end) } };
  return { type: 'MustacheStatement', path, params, hash, escaped: true, strip, loc } as unknown as hbs.AST.MustacheStatement;
}

function expression(m: RegExpExecArray, loc: hbs.AST.SourceLocation): Expression {
  const literal = (type: string, value: unknown, original: unknown = value) => ({ type, value, original, loc }) as unknown as Expression;
  if (m[1] !== undefined || m[2] !== undefined) {
    const s = (m[1] ?? m[2]!).slice(1, -1);
    return literal('StringLiteral', s);
  }
  if (m[3] !== undefined) return literal('NumberLiteral', Number(m[3]));
  const word = m[5]!;
  if (word === 'true' || word === 'false') return literal('BooleanLiteral', word === 'true');
  if (word === 'null') return literal('NullLiteral', null);
  if (word === 'undefined') return literal('UndefinedLiteral', undefined);
  const segments = word.split('.');
  const isThis = segments[0] === 'this';
  return {
    type: 'PathExpression',
    data: false,
    depth: 0,
    parts: isThis ? segments.slice(1) : segments,
    original: word,
    loc,
  } as unknown as Expression;
}

function lineStarts(text: string): number[] {
  const starts = [0];
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
  return starts;
}

function position(starts: readonly number[], offset: number): { line: number; column: number } {
  let lo = 0;
  let hi = starts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (starts[mid]! <= offset) lo = mid;
    else hi = mid - 1;
  }
  return { line: lo + 1, column: offset - starts[lo]! };
}
