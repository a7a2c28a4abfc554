import { lineCol } from '../util/text-position.js';

/**
 * Maps a line of rendered SQL back to the template line it came from. Rendering loses positions,
 * so the two texts are aligned: a template line matches a rendered line when its text around the
 * mustaches is the same (`from {{ref "a"}} where x` matches `from "main"."a" where x`); matched
 * lines anchor the mapping (longest common subsequence), and lines produced by helpers take the
 * nearest anchor above them.
 */
export function templateLineFor(rendered: string, template: string, renderedLine: number): number {
  const out = rendered.split('\n').map(normalise);
  const src = template.split('\n').map(linePattern);
  const anchors = alignLines(out, src);
  let i = renderedLine - 1;
  while (i >= 0 && anchors[i] === undefined) i--;
  if (i < 0) return Math.min(renderedLine, src.length);
  return Math.min(anchors[i]! + (renderedLine - 1 - i) + 1, src.length);
}

/**
 * The template line of a character offset in the rendered SQL, and its column when the template's
 * own text reaches that far unchanged (the line up to its first mustache, or the whole line when it
 * has none); after a mustache the rendered columns no longer match the template's.
 */
export function templatePositionFor(rendered: string, template: string, offset: number): { line: number; col?: number } {
  const { line: renderedLine, col } = lineCol(rendered, offset);
  const line = templateLineFor(rendered, template, renderedLine);
  const renderedText = rendered.split('\n')[renderedLine - 1] ?? '';
  const templateText = template.split('\n')[line - 1] ?? '';
  const mustache = templateText.indexOf('{{');
  const sameText = mustache === -1 ? renderedText === templateText && col <= templateText.length : renderedText.startsWith(templateText.slice(0, mustache)) && col <= mustache;
  return sameText ? { line, col } : { line };
}

function normalise(line: string): string {
  return line.trim().replace(/\s+/g, ' ');
}

/** What a template line's output looks like; undefined when it has too little literal text to recognise. */
function linePattern(line: string): RegExp | undefined {
  const parts = normalise(line).split(/\{\{[^}]*\}\}/);
  if (parts.join('').replace(/\s/g, '').length < 3) return undefined;
  return new RegExp(`^${parts.map((p) => p.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('.*?')}$`);
}

const MAX_CELLS = 1_000_000;

function alignLines(out: string[], src: (RegExp | undefined)[]): (number | undefined)[] {
  const same = (i: number, j: number) => out[i] !== '' && src[j] !== undefined && src[j]!.test(out[i]!);
  const anchors: (number | undefined)[] = new Array(out.length).fill(undefined);
  if (out.length * src.length > MAX_CELLS) return anchors;
  const n = out.length;
  const m = src.length;
  const lcs: Uint32Array[] = Array.from({ length: n + 1 }, () => new Uint32Array(m + 1));
  for (let i = n - 1; i >= 0; i--) {
    for (let j = m - 1; j >= 0; j--) {
      lcs[i]![j] = same(i, j) ? lcs[i + 1]![j + 1]! + 1 : Math.max(lcs[i + 1]![j]!, lcs[i]![j + 1]!);
    }
  }
  let i = 0;
  let j = 0;
  while (i < n && j < m) {
    if (same(i, j)) {
      anchors[i] = j;
      i++;
      j++;
    } else if (lcs[i + 1]![j]! >= lcs[i]![j + 1]!) i++;
    else j++;
  }
  return anchors;
}
