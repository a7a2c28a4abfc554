import { describe, expect, it } from 'vitest';
import { injectCtes } from './ephemeral.js';

const ctes = [{ name: 'e', sql: 'select 1 as x' }];

describe('injectCtes', () => {
  it('puts a WITH in front of a plain query', () => {
    expect(injectCtes('select * from "__modelrun_cte__e"', ctes)).toBe('WITH "__modelrun_cte__e" AS (\nselect 1 as x\n)\nselect * from "__modelrun_cte__e"');
  });

  it('joins the query\'s own WITH list, after leading comments', () => {
    expect(injectCtes('-- note\nWITH a AS (select 2)\nselect * from a', ctes)).toBe('-- note\nWITH "__modelrun_cte__e" AS (\nselect 1 as x\n),\na AS (select 2)\nselect * from a');
  });

  it('keeps RECURSIVE', () => {
    expect(injectCtes('with recursive r(n) as (select 1) select * from r', ctes)).toMatch(/^with recursive "__modelrun_cte__e" AS \(/);
  });

  it('leaves a query alone when nothing is inlined', () => {
    expect(injectCtes('select 1', [])).toBe('select 1');
  });
});
