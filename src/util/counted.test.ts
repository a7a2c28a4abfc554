import { expect, it } from 'vitest';
import { counted } from './counted.js';

it('puts the noun in the plural but for one, grouping thousands unless asked for plain digits', () => {
  expect(counted(1, 'table')).toBe('1 table');
  expect(counted(0, 'new row')).toBe('0 new rows');
  expect(counted(18501, 'row')).toBe('18,501 rows');
  expect(counted(10000, 'model', 'plain')).toBe('10000 models');
  expect(counted(1, 'data test', 'plain')).toBe('1 data test');
});
