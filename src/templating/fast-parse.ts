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
/** Whitespace beyond ASCII, as a regex's \s (and Handlebars' lexer) knows it. */
const WIDE_SPACE = /\s/;

type Pos = (offset: number) => { line: number; column: number };

/**
 * `{{name arg ... key=value ...}}` from `open` to `close` (where its braces close), scanned by
 * hand: a mustache is made of strings, numbers, names and dotted paths, each followed by space
 * or the closing braces. Anything else is left to Handlebars.
 */
function parseMustache(text: string, open: number, close: number, pos: Pos): hbs.AST.MustacheStatement | undefined {
  let at = skipSpaces(text, open + 2);
  const head = valueAt(text, at, close, pos);
  if (!head || head.expression.type !== 'PathExpression') return undefined;
  const params: Expression[] = [];
  const pairs: hbs.AST.HashPair[] = [];
  let end = head.end;
  for (;;) {
    at = skipSpaces(text, end);
    if (at === close) break;
    // A value must be followed by space or the closing braces.
    if (at === end) return undefined;
    const key = keyAt(text, at);
    const value = valueAt(text, key === undefined ? at : at + key.length + 1, close, pos);
    if (!value) return undefined;
    if (key !== undefined) {
      pairs.push({ type: 'HashPair', key, value: value.expression, loc: { start: pos(at), end: pos(value.end) } } as unknown as hbs.AST.HashPair);
    } else if (pairs.length > 0) {
      return undefined;
    } else {
      params.push(value.expression);
    }
    end = value.end;
  }
  const path = head.expression;
  const strip = { open: false, close: false };
  const loc = { start: pos(open), end: pos(close + 2) };
  // Keys in Handlebars' order, which makes the two ASTs compare equal.
  if (pairs.length === 0) return { type: 'MustacheStatement', path, params, escaped: true, strip, loc } as unknown as hbs.AST.MustacheStatement;
  const hash = { type: 'Hash', pairs, loc: { start: pairs[0]!.loc.start, end: pos(end) } };
  return { type: 'MustacheStatement', path, params, hash, escaped: true, strip, loc } as unknown as hbs.AST.MustacheStatement;
}

/** The expression that starts at `start` and where it ends, if it ends before `close`: a quoted string, a number, a name or a dotted path. */
function valueAt(text: string, start: number, close: number, pos: Pos): { expression: Expression; end: number } | undefined {
  const c = text.charCodeAt(start);
  let end: number;
  let expression: Expression;
  const loc = () => ({ start: pos(start), end: pos(end) }) as hbs.AST.SourceLocation;
  const literal = (type: string, value: unknown, original: unknown = value) => ({ type, value, original, loc: loc() }) as unknown as Expression;
  if (c === QUOTE || c === APOSTROPHE) {
    end = text.indexOf(text[start]!, start + 1) + 1;
    if (end === 0 || text.slice(start, end).includes('\\')) return undefined;
    expression = literal('StringLiteral', text.slice(start + 1, end - 1));
  } else if (isDigit(c) || (c === MINUS && isDigit(text.charCodeAt(start + 1)))) {
    end = digitsEnd(text, start + 1);
    if (text.charCodeAt(end) === DOT && isDigit(text.charCodeAt(end + 1))) end = digitsEnd(text, end + 1);
    if (!isSpace(text, end) && text.charCodeAt(end) !== CLOSE_BRACE) return undefined;
    expression = literal('NumberLiteral', Number(text.slice(start, end)));
  } else {
    end = nameEnd(text, start);
    if (end === start) return undefined;
    while (text.charCodeAt(end) === DOT && nameEnd(text, end + 1) > end + 1) end = nameEnd(text, end + 1);
    expression = word(text.slice(start, end), loc());
  }
  return end > close ? undefined : { expression, end };
}

/** A literal word, or a path: `this.x` names `x` of the context. */
function word(w: string, loc: hbs.AST.SourceLocation): Expression {
  const literal = (type: string, value: unknown) => ({ type, value, original: value, loc }) as unknown as Expression;
  if (w === 'true' || w === 'false') return literal('BooleanLiteral', w === 'true');
  if (w === 'null') return literal('NullLiteral', null);
  if (w === 'undefined') return literal('UndefinedLiteral', undefined);
  const segments = w.split('.');
  const isThis = segments[0] === 'this';
  return { type: 'PathExpression', data: false, depth: 0, parts: isThis ? segments.slice(1) : segments, original: w, loc } as unknown as Expression;
}

/** The name of a `name=` at `start`, if there is one. */
function keyAt(text: string, start: number): string | undefined {
  const end = nameEnd(text, start);
  return end > start && text.charCodeAt(end) === EQUALS ? text.slice(start, end) : undefined;
}

/** Where a name (a letter or underscore, then letters, digits and underscores) that starts at `start` ends; `start` when none does. */
function nameEnd(text: string, start: number): number {
  const first = text.charCodeAt(start);
  if (!(isLetter(first) || first === UNDERSCORE)) return start;
  let i = start + 1;
  for (let c = text.charCodeAt(i); isLetter(c) || isDigit(c) || c === UNDERSCORE; c = text.charCodeAt(++i));
  return i;
}

function digitsEnd(text: string, start: number): number {
  let i = start;
  while (isDigit(text.charCodeAt(i))) i++;
  return i;
}

function skipSpaces(text: string, start: number): number {
  let i = start;
  while (isSpace(text, i)) i++;
  return i;
}

function isSpace(text: string, i: number): boolean {
  const c = text.charCodeAt(i);
  return c === 32 || (c >= 9 && c <= 13) || (c >= 128 && WIDE_SPACE.test(text[i]!));
}

const isDigit = (c: number) => c >= 48 && c <= 57;
const isLetter = (c: number) => (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
const [QUOTE, APOSTROPHE, MINUS, DOT, EQUALS, UNDERSCORE, CLOSE_BRACE] = ['"', "'", '-', '.', '=', '_', '}'].map((ch) => ch.charCodeAt(0)) as [number, number, number, number, number, number, number];

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
