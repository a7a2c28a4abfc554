import { describe, expect, it } from 'vitest';
import { formatDiagnostic } from '../util/diagnostics.js';
import { parseTemplate } from './parse.js';

const errorOf = (text: string) => parseTemplate(text, 'm.sql').diagnostics.map(formatDiagnostic);

describe('parseTemplate', () => {
  it('reports a mistake of structure at the tag to fix', () => {
    expect(errorOf('select 1\nfrom {{ref "a" e\n{{/if}}\n')).toEqual(['m.sql:2:6: error: template syntax error: "{{" opened here is never closed — add "}}"']);
  });

  it('says in words what Handlebars says in token names', () => {
    const cases: [string, string][] = [
      ['{{ = }}', '1:4: error: template syntax error: unexpected "=" — a name or a value belongs here'],
      ['{{x y=}}', '1:7: error: template syntax error: a name or a value is missing before "}}"'],
      ['{{x (y}}', '1:7: error: template syntax error: "(" is never closed — add ")"'],
      ['{{x)}}', '1:4: error: template syntax error: unexpected ")" — no "(" is open'],
      ['{{{x}}', '1:5: error: template syntax error: "{{{" is closed by "}}" — write "}}}"'],
      ['{{x}}}', '1:4: error: template syntax error: "{{" is closed by "}}}" — write "}}"'],
      ['{{#if a}}x{{else}}y{{else}}z{{/if}}', '1:20: error: template syntax error: a second "{{else}}" in one block — remove it, or make the first one "{{else if …}}"'],
    ];
    for (const [text, message] of cases) expect(errorOf(text), text).toEqual([`m.sql:${message}`]);
  });
});
