import { lineCol } from '../util/text-position.js';

/** A dbt-style call inside {{ }}: `{{ ref('orders') }}`, `{{ config(materialized='table') }}`. */
const JINJA_CALL = /\{\{-?\s*([A-Za-z_]\w*)\s*\(([^(){}]*)\)\s*-?\}\}/g;

/**
 * The first tag written as a Jinja call, with the Handlebars that means the same: people arriving
 * from dbt write `{{ ref('x') }}` by habit, and Handlebars only says it met an unexpected character.
 */
export function jinjaCall(text: string): { line: number; col: number; written: string; handlebars: string } | undefined {
  for (const m of text.matchAll(JINJA_CALL)) {
    const args = splitArgs(m[2]!);
    if (args === undefined) continue;
    const { line, col } = lineCol(text, m.index!);
    return { line, col, written: m[0], handlebars: `{{${[m[1]!, ...args].join(' ')}}}` };
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
    const literal = value !== undefined ? JSON.stringify(value) : m[4]!.toLowerCase();
    out.push(m[1] ? `${m[1]}=${literal}` : literal);
  }
  return out;
}
