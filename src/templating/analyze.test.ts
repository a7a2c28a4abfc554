import Handlebars from 'handlebars';
import { describe, expect, it } from 'vitest';
import { analyzeTemplate, MODEL_VARIABLES, type MacroSignature } from './analyze.js';

const macros = new Map<string, MacroSignature>([['cents', { name: 'cents', params: ['column', 'scale'], defaults: { scale: 2 } }]]);

function analyze(text: string, allowDynamicRelations = false) {
  return analyzeTemplate(Handlebars.parse(text), { file: 'models/m.sql', macros, variables: new Set(MODEL_VARIABLES), allowDynamicRelations });
}

const messages = (text: string) => analyze(text).diagnostics.map((d) => `${d.line}:${d.col} ${d.message}`);

describe('analyzeTemplate', () => {
  it('finds refs and sources in every branch, with positions', () => {
    const { analysis, diagnostics } = analyze('select *\nfrom {{ref "a"}}\n{{#if is_incremental}}join {{ref "b"}}{{else}}join {{source "s" "t"}}{{/if}}');
    expect(diagnostics).toEqual([]);
    expect(analysis.refs).toEqual([{ name: 'a', line: 2, col: 6 }, { name: 'b', line: 3, col: 28 }]);
    expect(analysis.sources).toEqual([{ source: 's', table: 't', line: 3, col: 52 }]);
  });

  it('reads config values and two-argument refs', () => {
    const { analysis } = analyze('{{config materialized="table" enabled=false}}{{ref "pkg" "model"}}');
    expect(analysis.config.map((c) => [c.key, c.value])).toEqual([['materialized', 'table'], ['enabled', false]]);
    expect(analysis.refs[0]!.name).toBe('model');
  });

  it('rejects unknown helpers, variables and blocks with suggestions', () => {
    expect(messages('select {{reff "a"}}')).toEqual(['1:8 unknown helper or macro "reff" — did you mean "ref"?']);
    expect(messages('{{is_incremantal}}')).toEqual(['1:3 unknown variable "is_incremantal" — did you mean "is_incremental"?']);
    expect(messages('{{#iff x}}{{/iff}}')).toEqual(['1:1 unknown block helper "iff" — did you mean "if"? — blocks are #if, #unless, #each and #with']);
  });

  it('checks argument counts and literal names', () => {
    expect(messages('{{ref}}')).toEqual(['1:1 ref takes 1 or 2 arguments, got 0 — write {{ref "model_name"}}']);
    expect(messages('{{source "s"}}')).toEqual(['1:1 source takes 2 arguments, got 1 — write {{source "source_name" "table_name"}}']);
    expect(messages('{{ref model}}')[0]).toContain('ref needs quoted names');
    expect(analyze('{{ref model}}', true).diagnostics.filter((d) => d.message.includes('ref needs'))).toEqual([]);
  });

  it('checks macro calls against the signature', () => {
    expect(messages('{{cents "a"}} {{cents column="a" scale=4}}')).toEqual([]);
    expect(messages('{{cents}}')).toEqual(['1:1 macro cents is missing argument "column"']);
    expect(messages('{{cents "a" 1 2}}')).toEqual(['1:1 macro cents takes 2 arguments (column, scale), got 3']);
    expect(messages('{{cents colum="a"}}')).toEqual(['1:1 macro cents has no argument "colum" — did you mean "column"?']);
  });

  it('allows fields of the context inside #each and block params', () => {
    expect(messages('{{#each target}}{{anything}}{{/each}}{{#with model as |m|}}{{m.name}}{{/with}}')).toEqual([]);
  });

  it('marks templates that read the environment or the clock as volatile', () => {
    expect(analyze('{{env_var "X" "d"}}').analysis.volatile).toBe(true);
    expect(analyze('{{run_started_at}}').analysis.volatile).toBe(true);
    expect(analyze('{{ref "a"}}').analysis.volatile).toBe(false);
  });
});
