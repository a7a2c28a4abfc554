import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { genericTestName } from './naming.js';

const md5 = (s: string) => createHash('md5').update(s).digest('hex');
const nameOf = (test: string, target: string, args: Record<string, unknown>) => genericTestName(test, target, args).name;

describe('genericTestName', () => {
  it('names a column test <test>_<model>_<column>', () => {
    expect(genericTestName('unique', 'orders', { column_name: 'order_id' })).toEqual({ name: 'unique_orders_order_id', fullName: 'unique_orders_order_id' });
    expect(nameOf('not_null', 'customers', { column_name: 'customer_id' })).toBe('not_null_customers_customer_id');
  });

  it('ends in "_" when the test has no arguments, as dbt does', () => {
    expect(nameOf('not_empty', 'orders', {})).toBe('not_empty_orders_');
  });

  it('sorts the arguments by name and replaces runs of non-word characters by "_"', () => {
    expect(nameOf('relationships', 'orders', { column_name: 'customer_id', to: "ref('customers')", field: 'id' })).toBe('relationships_orders_customer_id__id__ref_customers_');
    expect(nameOf('relationships', 'orders', { to: "source('raw', 'people')", field: 'person_id', column_name: 'customer_id' })).toBe(
      'relationships_orders_customer_id__person_id__source_raw_people_',
    );
    expect(nameOf('accepted_range', 'orders', { min_value: -10, max_value: 20, column_name: 'amount' })).toBe('accepted_range_orders_amount__20___10');
    expect(nameOf('expression_is_true', 'orders', { expression: 'amount >= 0' })).toBe('expression_is_true_orders_amount_0');
  });

  it('flattens lists and mappings into the name', () => {
    expect(nameOf('accepted_values', 'orders', { column_name: 'status', values: ['placed', 'shipped'] })).toBe('accepted_values_orders_status__placed__shipped');
    expect(nameOf('unique_combination_of_columns', 'orders', { combination_of_columns: ['order_id', 'grp'] })).toBe('unique_combination_of_columns_orders_order_id__grp');
    expect(nameOf('my_test', 'orders', { column_name: 'x', options: { b: 1, a: 'two' } })).toBe('my_test_orders_x__1__two');
  });

  it("prints values the way Python's str() does: True/False, None, and nested lists with quotes", () => {
    expect(nameOf('accepted_values', 'orders', { column_name: 'status', values: ['a'], quote: false })).toBe('accepted_values_orders_status__False__a');
    expect(nameOf('accepted_range', 'orders', { column_name: 'amount', min_value: 0, inclusive: true })).toBe('accepted_range_orders_amount__True__0');
    expect(nameOf('my_test', 'orders', { column_name: 'x', other: null })).toBe('my_test_orders_x__None');
    expect(nameOf('my_test', 'orders', { column_name: 'x', pairs: [['a', 'b'], [1, true]] })).toBe('my_test_orders_x___a_b____1_True_');
    expect(genericTestName('my_test', 'orders', { column_name: 'x', pairs: [['a', 'b']] }).fullName).toBe('my_test_orders_x___a_b_');
  });

  it('leaves out the model argument, which the name already holds', () => {
    expect(nameOf('unique', 'orders', { model: '"main"."orders"', column_name: 'id' })).toBe('unique_orders_id');
  });

  it('keeps names under 64 characters whole and hashes longer ones: the first 30 characters of <test>_<model>, "_", md5 of the full name', () => {
    const n63 = genericTestName('relationships', 'orders', { column_name: 'customer_id', field: 'person_id', to: "source('raw', 'people')" });
    expect(n63.fullName).toHaveLength(63);
    expect(n63.name).toBe(n63.fullName);

    const full = 'unique_combination_of_columns_orders_order_id__customer_id__status';
    const long = genericTestName('unique_combination_of_columns', 'orders', { combination_of_columns: ['order_id', 'customer_id', 'status'] });
    expect(long.fullName).toBe(full);
    expect(long.name).toBe(`unique_combination_of_columns__${md5(full)}`);
    expect(long.name).toHaveLength(30 + 1 + 32);

    // exactly 64 characters is hashed
    const col = 'c'.repeat(64 - 'not_null_t_'.length);
    const at64 = genericTestName('not_null', 't', { column_name: col });
    expect(at64.fullName).toHaveLength(64);
    expect(at64.name).toBe(`not_null_t_${md5(at64.fullName)}`);
  });

  it("matches the names dbt gives jaffle_shop's accepted_values tests", () => {
    const statuses = ['placed', 'shipped', 'completed', 'return_pending', 'returned'];
    expect(nameOf('accepted_values', 'orders', { column_name: 'status', values: statuses })).toBe('accepted_values_orders_1ce6ab157c285f7cd2ac656013faf758');
    expect(nameOf('accepted_values', 'stg_orders', { column_name: 'status', values: statuses })).toBe('accepted_values_stg_orders_4f514bf94b77b7ea437830eec4421c58');
    expect(nameOf('accepted_values', 'stg_payments', { column_name: 'payment_method', values: ['credit_card', 'coupon', 'bank_transfer', 'gift_card'] })).toBe(
      'accepted_values_stg_payments_c7909fb19b1f0177c2bf99c7912f06ef',
    );
  });

  it('takes the namespace and source prefixes as part of the test name', () => {
    expect(nameOf('dbt_utils_expression_is_true', 'orders', { expression: 'amount > 0' })).toBe('dbt_utils_expression_is_true_orders_amount_0');
    expect(nameOf('source_unique', 'raw_people', { column_name: 'id' })).toBe('source_unique_raw_people_id');
  });
});
