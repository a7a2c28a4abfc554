import { describe, expect, it } from 'vitest';
import { compare, failuresSchema, judge } from './run-test.js';

describe('compare', () => {
  it.each([
    [11, '>10', true],
    [10, '>10', false],
    [10, '>=10', true],
    [9, '>=10', false],
    [9, '<10', true],
    [10, '<10', false],
    [10, '<=10', true],
    [11, '<=10', false],
    [3, '=3', true],
    [3, '==3', true],
    [4, '==3', false],
    [0, '!=0', false],
    [1, '!=0', true],
    [1, '<>0', true],
    [0, '<>0', false],
  ])('%d %s is %s', (value, threshold, expected) => {
    expect(compare(value, threshold)).toBe(expected);
  });

  it('accepts spaces, decimals and negative numbers', () => {
    expect(compare(6, ' > 5 ')).toBe(true);
    expect(compare(5, '>  5')).toBe(false);
    expect(compare(3, '>2.5')).toBe(true);
    expect(compare(2, '>2.5')).toBe(false);
    expect(compare(0, '>-1')).toBe(true);
  });

  it('falls back to "!=0" for a threshold it cannot read', () => {
    expect(compare(0, 'lots')).toBe(false);
    expect(compare(2, 'lots')).toBe(true);
  });
});

describe('judge', () => {
  it('passes with no failing rows', () => {
    expect(judge(0, 'error', '!=0', '!=0')).toEqual({ status: 'pass', message: 'Got 0 results' });
    expect(judge(0, 'warn', '!=0', '!=0')).toEqual({ status: 'pass', message: 'Got 0 results' });
  });

  it('fails an error-severity test by error_if', () => {
    expect(judge(1, 'error', '!=0', '!=0')).toEqual({ status: 'fail', message: 'Got 1 result, configured to fail if !=0' });
    expect(judge(12, 'error', '!=0', '>9')).toEqual({ status: 'fail', message: 'Got 12 results, configured to fail if >9' });
  });

  it('warns when error_if is not reached but warn_if is', () => {
    expect(judge(7, 'error', '>5', '>9')).toEqual({ status: 'warn', message: 'Got 7 results, configured to warn if >5' });
    expect(judge(6, 'error', '!=0', '>100')).toEqual({ status: 'warn', message: 'Got 6 results, configured to warn if !=0' });
  });

  it('passes, still counting the rows, when neither threshold is reached', () => {
    expect(judge(3, 'error', '>5', '>9')).toEqual({ status: 'pass', message: 'Got 3 results' });
    expect(judge(1, 'error', '>1', '>1')).toEqual({ status: 'pass', message: 'Got 1 result' });
  });

  it('never fails a warn-severity test, whatever error_if says', () => {
    expect(judge(5, 'warn', '!=0', '!=0')).toEqual({ status: 'warn', message: 'Got 5 results, configured to warn if !=0' });
    expect(judge(50, 'warn', '>10', '>0')).toEqual({ status: 'warn', message: 'Got 50 results, configured to warn if >10' });
    expect(judge(5, 'warn', '>10', '>0')).toEqual({ status: 'pass', message: 'Got 5 results' });
  });

  it('shows the thresholds trimmed', () => {
    expect(judge(11, 'error', '!=0', '  >10 ')).toEqual({ status: 'fail', message: 'Got 11 results, configured to fail if >10' });
  });
});

describe('failuresSchema', () => {
  it('suffixes the target schema', () => {
    expect(failuresSchema('main')).toBe('main_test_failures');
    expect(failuresSchema('analytics')).toBe('analytics_test_failures');
  });
});
