import Handlebars from 'handlebars';
import { describe, expect, it } from 'vitest';
import { tagStructureError } from './tag-structure.js';

/** The structural error of a template Handlebars refuses, as `line:col: message`. */
const explain = (text: string) => {
  expect(() => Handlebars.parse(text), text).toThrow();
  const found = tagStructureError(text);
  return found && `${found.line}:${found.col}: ${found.message}`;
};

describe('tagStructureError', () => {
  it('points at a "{{" that another tag or the end of the text follows before "}}"', () => {
    expect(explain('select 1\nfrom {{ref "a" e\n{{/if}}\n')).toBe('2:6: "{{" opened here is never closed — add "}}"');
    expect(explain('select {{x')).toBe('1:8: "{{" opened here is never closed — add "}}"');
    expect(explain('x {{!-- note {{y}}')).toBe('1:3: "{{!--" opened here is never closed — add "--}}"');
  });

  it('reads strings, comments and escapes as Handlebars does', () => {
    expect(explain('{{x "}}{{"}} {{!-- {{ --}} {{! {{ }} \\{{ {{#if a}}')).toBe('1:42: "{{#if}}" opened here is never closed — add "{{/if}}"');
  });

  it('points at a block never closed, the innermost first', () => {
    expect(explain('select 1\n{{#if a}}\n  {{~#each b}}x\n{{/if}}')).toBe('4:1: "{{/if}}" does not close "{{#each}}" opened at 3:3 — add "{{/each}}" before it, or write "{{/each}}" instead');
    expect(explain('{{#if a}}{{^each b}}x{{/each}}')).toBe('1:1: "{{#if}}" opened here is never closed — add "{{/if}}"');
    expect(explain('{{^each b}}x')).toBe('1:1: "{{^each}}" opened here is never closed — add "{{/each}}"');
  });

  it('points at a close or an else outside any block', () => {
    expect(explain('a {{/if}} b')).toBe('1:3: "{{/if}}" closes no open block — remove it, or open the block with "{{#if …}}"');
    expect(explain('a\n {{else}} b')).toBe('2:2: "{{else}}" is outside any block — remove it, or move it between "{{#if …}}" and "{{/if}}"');
    expect(explain('a {{^}} b')).toBe('1:3: "{{^}}" is outside any block — remove it, or move it between "{{#if …}}" and "{{/if}}"');
    expect(explain('{{#if a}}x{{else}}y{{^}}z')).toBe('1:1: "{{#if}}" opened here is never closed — add "{{/if}}"');
  });

  it('leaves other errors, and raw blocks, to Handlebars', () => {
    expect(explain('{{ = }}')).toBeUndefined();
    expect(explain('{{#if a}}x{{else}}y{{else}}z{{/if}}')).toBeUndefined();
    expect(explain('{{{{raw}}}} {{x')).toBeUndefined();
  });
});
