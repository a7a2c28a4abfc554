import { lineCol } from '../util/text-position.js';

/**
 * Handlebars reports a syntax error where its parser gave up, in its token names: a `{{` left
 * open shows up at the next tag, lines later, as "got 'OPEN_ENDBLOCK'". When Handlebars refuses a
 * template, its tags are scanned here for the usual mistakes — a `{{` never closed, a block never
 * closed or closed by another name, a stray `{{/name}}` or `{{else}}` — so the error points at
 * the tag to fix and says how. It runs only on templates Handlebars refused, so it may give up
 * (on raw blocks) and leave the error to Handlebars' message.
 */
export function tagStructureError(text: string): StructureError | undefined {
  const blocks: Block[] = [];
  for (let open = nextOpen(text, 0); open >= 0; ) {
    if (text.startsWith('{{{{', open)) return undefined;
    const end = tagEnd(text, open);
    if (end < 0) return at(text, open, isLongComment(text, open) ? '"{{!--" opened here is never closed — add "--}}"' : '"{{" opened here is never closed — add "}}"');
    const problem = blockProblem(text, open, blocks);
    if (problem) return problem;
    open = nextOpen(text, end);
  }
  const unclosed = blocks.pop();
  return unclosed && at(text, unclosed.open, `"{{${unclosed.sigil}${unclosed.name}}}" opened here is never closed — add "{{/${unclosed.name}}}"`);
}

/** The tag to fix; `from`, when the problem starts at an earlier tag (the block a wrong close should have closed). */
export interface StructureError {
  message: string;
  line: number;
  col: number;
  from?: { line: number; col: number };
}

interface Block {
  sigil: string;
  name: string;
  open: number;
}

/** `{{#name`, `{{^name`, `{{/name` (with whitespace control and partial or decorator blocks), or `{{else` and `{{^}}`. */
const BLOCK_TAG = /\{\{~?\s*(?:([#^/])\s*[>*]?\s*([^\s~}()"']*)|(else)\b)/y;

/** What is wrong with the tag at `open` given the blocks open before it, which it opens or closes. */
function blockProblem(text: string, open: number, blocks: Block[]): ReturnType<typeof tagStructureError> {
  BLOCK_TAG.lastIndex = open;
  const [, sigil, name, isElse] = BLOCK_TAG.exec(text) ?? [];
  if (isElse !== undefined || (sigil === '^' && !name)) {
    const tag = isElse === undefined ? '{{^}}' : '{{else}}';
    return blocks.length === 0 ? at(text, open, `"${tag}" is outside any block — remove it, or move it between "{{#if …}}" and "{{/if}}"`) : undefined;
  }
  if (!sigil || !name) return undefined;
  if (sigil !== '/') {
    blocks.push({ sigil, name, open });
    return undefined;
  }
  const block = blocks.pop();
  if (!block) return at(text, open, `"{{/${name}}}" closes no open block — remove it, or open the block with "{{#${name} …}}"`);
  if (block.name === name) return undefined;
  const from = lineCol(text, block.open);
  return { ...at(text, open, `"{{/${name}}}" does not close "{{${block.sigil}${block.name}}}" opened at ${from.line}:${from.col} — add "{{/${block.name}}}" before it, or write "{{/${block.name}}}" instead`), from };
}

/** The next `{{` from `from` that opens a tag: `\{{` is text (up to the next `{{`), `\\{{` a backslash and a tag. */
function nextOpen(text: string, from: number): number {
  let open = text.indexOf('{{', from);
  while (open > 0 && text[open - 1] === '\\' && text[open - 2] !== '\\') open = text.indexOf('{{', open + 2);
  return open;
}

/** Where the tag opened at `open` ends, after its closing braces; -1 when the text ends or another tag opens first. */
function tagEnd(text: string, open: number): number {
  const body = open + (text[open + 2] === '~' ? 3 : 2);
  if (isLongComment(text, open)) {
    const close = /--~?\}\}/g;
    close.lastIndex = body + 3;
    const found = close.exec(text);
    return found ? found.index + found[0].length : -1;
  }
  if (text[body] === '!') {
    const close = text.indexOf('}}', body);
    return close < 0 ? -1 : close + 2;
  }
  for (let i = body; i < text.length; i++) {
    const c = text[i];
    // A string may hold braces, as Handlebars' lexer reads it; a quote never closed is just a character.
    if (c === '"' || c === "'") i = Math.max(i, text.indexOf(c, i + 1));
    else if (text.startsWith('}}', i)) return i + 2;
    else if (text.startsWith('{{', i)) return -1;
  }
  return -1;
}

function isLongComment(text: string, open: number): boolean {
  return text.startsWith('!--', open + (text[open + 2] === '~' ? 3 : 2));
}

function at(text: string, offset: number, message: string): { message: string; line: number; col: number } {
  return { message, ...lineCol(text, offset) };
}

