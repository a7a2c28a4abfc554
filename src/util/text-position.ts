/** The 1-based line of a character offset in `text`. */
export function lineOfOffset(text: string, offset: number): number {
  let line = 1;
  for (let i = text.indexOf('\n'); i >= 0 && i < offset; i = text.indexOf('\n', i + 1)) line++;
  return line;
}

/** The 1-based line and column of a character offset in `text`. */
export function lineCol(text: string, offset: number): { line: number; col: number } {
  return { line: lineOfOffset(text, offset), col: offset - text.lastIndexOf('\n', offset - 1) };
}

/** The character offset of a 1-based line and column in `text` (the inverse of lineCol). */
export function offsetOf(text: string, line: number, col: number): number {
  let start = 0;
  for (let l = 1; l < line && start >= 0; l++) start = text.indexOf('\n', start) + 1 || -1;
  return start < 0 ? text.length : start + col - 1;
}
