import { describe, expect, it } from 'vitest';
import { lineOfOffset, templateLineFor } from './line-map.js';

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
