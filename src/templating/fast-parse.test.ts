import Handlebars from 'handlebars';
import { describe, expect, it } from 'vitest';
import { parseFlatTemplate } from './fast-parse.js';

const same = (text: string) => {
  const fast = parseFlatTemplate(text);
  expect(fast, `fast path declined: ${JSON.stringify(text)}`).toBeDefined();
  expect(JSON.parse(JSON.stringify(fast))).toEqual(JSON.parse(JSON.stringify(Handlebars.parse(text))));
};

describe('parseFlatTemplate', () => {
  it('builds the same AST as Handlebars for flat templates', () => {
    same('select 1');
    same('select * from {{ref "orders"}}');
    same('{{config materialized="table" unique_key="id"}}\nselect {{cents_to_dollars "amount" 4}} as a\nfrom {{ref "a"}} join {{source "s" "t"}} using (id)\n');
    same("{{ var 'x' 1.5 }} {{this}} {{this.name}} {{target.name}} {{m -3 true false null}}\n\n");
    same('{{config   tags="[a, b]"  enabled=false }}');
    same('{{a}}{{b}}');
    same('');
    same('}} not a mustache');
    same('line1\r\nline2 {{x}}\r\n');
  });

  it('agrees with Handlebars on random flat templates', () => {
    const pieces = ['select ', '\n', '  ', 'from ', '{{ref "a_1"}}', "{{source 's' 't'}}", '{{var "n" 2}}', '{{x}}', '{{m "a" k=1 j="z"}}', ', ', '-- c\n', '{{ this }}', '{{n.a.b}}', '{{f 0.25 -1}}'];
    let seed = 7;
    const rand = (n: number) => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed % n;
    };
    for (let i = 0; i < 300; i++) {
      const text = Array.from({ length: 1 + rand(12) }, () => pieces[rand(pieces.length)]).join('');
      same(text);
    }
  });

  it('leaves everything else to Handlebars', () => {
    for (const text of ['{{#if a}}x{{/if}}', '{{! c }}', '{{> p}}', '{{{raw}}}', '{{~x~}}', '\\{{x}}', '{{f (g 1)}}', '{{x', '{{"lit"}}', '{{a "b\\"c"}}', '{{@index}}', '{{../x}}', '{{else}}', '{{x=}}', '{{a b=}}', '{{a b= 1}}']) {
      expect(parseFlatTemplate(text), text).toBeUndefined();
    }
  });
});
