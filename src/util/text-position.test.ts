import { expect, it } from 'vitest';
import { lineCol, offsetOf } from './text-position.js';

it('offsetOf inverts lineCol at every offset, and a line past the end is the end', () => {
  const text = 'ab\n\ncde\nf';
  for (let offset = 0; offset < text.length; offset++) {
    const { line, col } = lineCol(text, offset);
    expect(offsetOf(text, line, col), `offset ${offset}`).toBe(offset);
  }
  expect(offsetOf(text, 9, 1)).toBe(text.length);
});
