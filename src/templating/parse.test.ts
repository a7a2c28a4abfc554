import { describe, expect, it } from 'vitest';
import { formatDiagnostic } from '../util/diagnostics.js';
import { parseTemplate } from './parse.js';

const errorOf = (text: string) => parseTemplate(text, 'm.sql').diagnostics.map(formatDiagnostic);

describe('parseTemplate', () => {
  it('reports a mistake of structure at the tag to fix', () => {
    expect(errorOf('select 1\nfrom {{ref "a" e\n{{/if}}\n')).toEqual(['m.sql:2:6: error: template syntax error: "{{" opened here is never closed — add "}}"']);
  });

  it('reports the first problem of the file when Handlebars stops before the structure goes wrong', () => {
    expect(errorOf('select {{x y=}}\n\n{{#if a}}\n')).toEqual(['m.sql:1:14: error: template syntax error: a name or a value is missing before "}}"']);
    expect(errorOf('select {{x y=}} {{/if}}')).toEqual(['m.sql:1:14: error: template syntax error: a name or a value is missing before "}}"']);
    // Handlebars reports a block closed by another name at its opening, two lines before the close: one problem.
    expect(errorOf('{{#if a}}\n  {{#each b}}\n  x\n{{/if}}\n')).toEqual(['m.sql:4:1: error: template syntax error: "{{/if}}" does not close "{{#each}}" opened at 2:3 — add "{{/each}}" before it, or write "{{/each}}" instead']);
  });

  it('says in words what Handlebars says in token names', () => {
    const cases: [string, string][] = [
      ['{{ = }}', '1:4: error: template syntax error: unexpected "=" — a name or a value belongs here'],
      ['{{x y=}}', '1:7: error: template syntax error: a name or a value is missing before "}}"'],
      ['{{x (y}}', '1:7: error: template syntax error: "(" is never closed — add ")"'],
      ['{{x)}}', '1:4: error: template syntax error: unexpected ")" — no "(" is open'],
      ['{{{x}}', '1:5: error: template syntax error: "{{{" is closed by "}}" — write "}}}"'],
      ['{{x}}}', '1:4: error: template syntax error: "{{" is closed by "}}}" — write "}}"'],
      ['{{#if a}}x{{else}}y{{else}}z{{/if}}', '1:20: error: template syntax error: a second "{{else}}" in one block — remove it, or make the one before it "{{else if …}}"'],
      ['{{#if a}}x{{else if b}}y{{else}}z{{else}}w{{/if}}', '1:34: error: template syntax error: a second "{{else}}" in one block — remove it, or make the one before it "{{else if …}}"'],
    ];
    for (const [text, message] of cases) expect(errorOf(text), text).toEqual([`m.sql:${message}`]);
  });

  it("shows the Handlebars for a call written as dbt's Jinja, at the call", () => {
    expect(errorOf("select *\nfrom {{ ref('fact_analytics') }}\n")).toEqual([`m.sql:2:6: error: template syntax error: {{ ref('fact_analytics') }} is dbt's Jinja — modelrun templates are Handlebars: write {{ref "fact_analytics"}}`]);
    expect(errorOf("{{ config(materialized='incremental', unique_key=\"id\") }}\nselect 1 from {{source('raw', 'orders')}}")).toEqual([
      `m.sql:1:1: error: template syntax error: {{ config(materialized='incremental', unique_key="id") }} is dbt's Jinja — modelrun templates are Handlebars: write {{config materialized="incremental" unique_key="id"}}`,
    ]);
    // The same text in a comment, a raw block or behind a backslash is fine: the real mistake is reported.
    for (const before of ["{{!-- old: {{ ref('x') }} --}}", "{{{{raw}}}}{{ ref('x') }}{{{{/raw}}}}", "\\{{ ref('x') }}"]) {
      expect(errorOf(`${before}\nselect {{foo bar=}} from t`), before).toEqual(['m.sql:2:18: error: template syntax error: a name or a value is missing before "}}"']);
    }
    expect(errorOf("{{ ref('a\\b') }}")).toEqual([`m.sql:1:1: error: template syntax error: {{ ref('a\\b') }} is dbt's Jinja — modelrun templates are Handlebars: write {{ref "a\\b"}}`]);
    // Not a plain call (an expression inside): Handlebars' own complaint, in words.
    expect(errorOf("{{ ref('a' ~ b) }}")).toEqual(['m.sql:1:4: error: template syntax error: unexpected character inside {{ }}']);
  });
});
