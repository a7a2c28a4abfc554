import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { dataScript, jsonForScript } from './site-files.js';

// Names, descriptions, SQL and test messages are the project's own text, any character in them.
const HOSTILE = { name: '</script><script>alert(1)</script>', sql: "select '<!-- x -->' as \"q\"", message: 'line\u2028sep\u2029para', column: `<img src=x onerror="alert('x')">` };

describe('data in scripts', () => {
  it('leaves no `<` and no raw U+2028/U+2029 in the script text', () => {
    const text = dataScript('modelrunDocsIndex', HOSTILE);
    expect(text).not.toMatch(/[<\u2028\u2029]/);
    expect(text.startsWith('window.modelrunDocsIndex = {')).toBe(true);
  });

  it('gives the browser back exactly the data', () => {
    const window: Record<string, unknown> = {};
    runInNewContext(dataScript('data', HOSTILE), { window });
    expect(window.data).toEqual(HOSTILE);
    expect(JSON.parse(jsonForScript(HOSTILE))).toEqual(HOSTILE);
  });
});
