import { lineCol, offsetOf } from '../util/text-position.js';

/** A dbt-style call inside {{ }}: `{{ ref('orders') }}`, `{{ config(materialized='table') }}`. */
const JINJA_CALL = /\{\{-?\s*([A-Za-z_]\w*)\s*\(([^(){}]*)\)\s*-?\}\}/g;

/**
 * The tag written as a Jinja call where Handlebars stopped, with the Handlebars that means the same:
 * people arriving from dbt write `{{ ref('x') }}` by habit, and Handlebars only says it met an
 * unexpected character. Only where it stopped: the same text in a comment or a raw block is fine.
 */
export function jinjaCallAt(text: string, at: { line: number; col: number }): { line: number; col: number; written: string; handlebars: string } | undefined {
  const stopped = offsetOf(text, at.line, at.col);
  for (const m of text.matchAll(JINJA_CALL)) {
    const args = m.index! <= stopped && stopped < m.index! + m[0].length ? splitArgs(m[2]!) : undefined;
    if (args !== undefined) return { ...lineCol(text, m.index!), written: m[0], handlebars: `{{${[m[1]!, ...args].join(' ')}}}` };
  }
  return undefined;
}

/** `'a', b='c'` → `"a"`, `b="c"`; undefined when an argument is not a plain literal or name. */
function splitArgs(list: string): string[] | undefined {
  if (list.trim() === '') return [];
  const out: string[] = [];
  for (const part of list.split(',')) {
    const m = /^\s*(?:(\w+)\s*=\s*)?(?:'([^']*)'|"([^"]*)"|(-?\d+(?:\.\d+)?|true|false|True|False))\s*$/.exec(part);
    if (!m) return undefined;
    const value = m[2] ?? m[3];
    // Handlebars strings unescape \" only: a backslash stays as written.
    const literal = value !== undefined ? `"${value.replace(/"/g, '\\"')}"` : m[4]!.toLowerCase();
    out.push(m[1] ? `${m[1]}=${literal}` : literal);
  }
  return out;
}
