import { describe, expect, it } from 'vitest';
import { lineOfOffset } from '../util/text-position.js';
import { templateLineFor, templatePositionFor } from './line-map.js';

describe('templateLineFor', () => {
  const template = ['{{config materialized="table"}}', 'select', '  {{cents "amount"}} as amount,', '  bad_column', 'from {{ref "a"}}', 'where 1 = 1'].join('\n');
  const rendered = ['select', '  round(amount / 100.0, 2) as amount,', '  bad_column', 'from "main"."a"', 'where 1 = 1'].join('\n');

  it('maps lines that survive rendering to their template line', () => {
    expect(templateLineFor(rendered, template, 1)).toBe(2);
    expect(templateLineFor(rendered, template, 3)).toBe(4);
    expect(templateLineFor(rendered, template, 5)).toBe(6);
  });

  it('maps lines produced by helpers to the nearest anchor above', () => {
    expect(templateLineFor(rendered, template, 2)).toBe(3);
    expect(templateLineFor(rendered, template, 4)).toBe(5);
  });

  it('handles macros that expand to several lines', () => {
    const t = 'select\n{{many}}\nfrom x\nwhere oops';
    const r = 'select\na,\nb,\nc\nfrom x\nwhere oops';
    expect(templateLineFor(r, t, 6)).toBe(4);
  });
});

describe('lineOfOffset', () => {
  it('counts newlines before the offset', () => {
    expect(lineOfOffset('a\nbc\nd', 0)).toBe(1);
    expect(lineOfOffset('a\nbc\nd', 3)).toBe(2);
    expect(lineOfOffset('a\nbc\nd', 5)).toBe(3);
  });
});

describe('templateLineFor with helpers inside a line', () => {
  it('matches a line by the text around its mustaches', () => {
    const template = '{{config severity="warn"}}\nselect * from {{ref "m"}} where x = 1';
    const rendered = 'select * from "main"."m" where x = 1';
    expect(templateLineFor(rendered, template, 1)).toBe(2);
  });
});

describe('templatePositionFor', () => {
  const template = ['{{config materialized="table"}}', 'select a,', '  {{cents "amount"}} as oops oops,', 'from {{ref "a"}} where where'].join('\n');
  const rendered = ['select a,', '  round(amount / 100.0, 2) as oops oops,', 'from "main"."a" where where'].join('\n');
  const at = (needle: string, nth = 0) => {
    let i = -1;
    for (let k = 0; k <= nth; k++) i = rendered.indexOf(needle, i + 1);
    return i;
  };

  it('gives the column on a line the template holds unchanged', () => {
    expect(templatePositionFor(rendered, template, at('a,'))).toEqual({ line: 2, col: 8 });
  });

  it('gives the column before a line\'s first mustache, where the texts still agree', () => {
    expect(templatePositionFor(rendered, template, at('from'))).toEqual({ line: 4, col: 1 });
  });

  it('gives only the line after a mustache, where rendered columns no longer match the template', () => {
    expect(templatePositionFor(rendered, template, at('oops', 1))).toEqual({ line: 3 });
    expect(templatePositionFor(rendered, template, at('where', 1))).toEqual({ line: 4 });
  });
});
