/**
 * End-to-end tests of dbt-style data tests: each test writes a small project into a temp folder,
 * runs the compiled CLI (dist/) against a real DuckDB warehouse and checks the console output, the
 * exit code, target/run_results.json (statuses, failure counts, dbt's test names), sources.json,
 * JUnit XML, the data quality report and the tables store_failures writes.
 */
import { createHash } from 'node:crypto';
import { copyFileSync, cpSync, existsSync, mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { exec, expectExit, expectStderr, output, readProjectFile, rows, runCli, summaryCounts, tempFolders, warehousePath, writeFile, type CliResult } from '../test-support/project.js';

// ---------------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------------

const PROJECT = 'test_project';
const { project, track } = tempFolders();
const dbPath = warehousePath;

function expectSummary(r: CliResult, expected: { PASS: number; WARN: number; ERROR: number; SKIP: number; TOTAL: number }): void {
  expect(summaryCounts(r), `summary of:\n${output(r)}`).toEqual(expected);
}

const read = readProjectFile;

interface RunResult {
  unique_id: string;
  status: string;
  message: string;
  failures: number | null;
  compiled_path: string | null;
  file: string | null;
  line: number | null;
}

function runResults(dir: string): RunResult[] {
  return (JSON.parse(read(dir, 'target/run_results.json')) as { results: RunResult[] }).results;
}

/** Test results keyed by the test's name (unique_id without `test.test_project.`): [status, failures]. */
function testOutcomes(dir: string): Record<string, [string, number | null]> {
  const prefix = `test.${PROJECT}.`;
  return Object.fromEntries(
    runResults(dir)
      .filter((r) => r.unique_id.startsWith(prefix))
      .map((r) => [r.unique_id.slice(prefix.length), [r.status, r.failures]]),
  );
}

function resultFor(dir: string, id: string): RunResult {
  const r = runResults(dir).find((x) => x.unique_id === id);
  expect(r, `no run result for ${id}`).toBeDefined();
  return r!;
}

/** The "n of m VERB name ... [STATUS in 0.01s]" line of a node. */
function doneLine(r: CliResult, name: string): string | undefined {
  const escaped = name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return r.stdout.split('\n').find((l) => new RegExp(`^\\d+ of \\d+ (PASS|WARN \\d+|FAIL \\d+|ERROR|SKIP|OK [a-z ]+) ${escaped} \\.`).test(l) || new RegExp(`^\\d+ of \\d+ (SKIP) relation main\\.${escaped} `).test(l));
}

/** The verb of a node's done line: "PASS", "FAIL 2", "WARN 3", "ERROR", "SKIP". */
function verb(r: CliResult, name: string): string | undefined {
  const line = doneLine(r, name);
  return line === undefined ? undefined : /^\d+ of \d+ (PASS|WARN \d+|FAIL \d+|ERROR|SKIP)/.exec(line)?.[1];
}

/** The index ("n" of "n of m") a node finished at. */
function finishedAt(r: CliResult, pattern: RegExp): number {
  const line = r.stdout.split('\n').find((l) => /^\d+ of \d+ (?!START)/.test(l) && pattern.test(l));
  expect(line, `no done line matching ${String(pattern)} in:\n${r.stdout}`).toBeDefined();
  return Number(/^(\d+) of/.exec(line!)![1]);
}

/** The block of the "Failures:" section for one test (from its "FAIL n name" header to the next blank line). */
function failureBlock(r: CliResult, header: string): string[] {
  const start = r.stdout.indexOf(`\n${header}`);
  expect(start, `no failure block "${header}" in:\n${r.stdout}`).toBeGreaterThanOrEqual(0);
  const end = r.stdout.indexOf('\n\n', start + 1);
  return r.stdout.slice(start + 1, end < 0 ? undefined : end).split('\n');
}

const md5 = (s: string) => createHash('md5').update(s).digest('hex');

// ---------------------------------------------------------------------------------------------
// built-in generic tests
// ---------------------------------------------------------------------------------------------

describe.concurrent('built-in generic tests', () => {
  // orders: order_id unique; customer_id 2 twice and 9 has no customer; amount has a null and a -5.
  const ORDERS = `{{config materialized="table"}}
select * from (values
  (1, 1, 'placed', 10, 1),
  (2, 2, 'shipped', 20, 1),
  (3, 2, 'completed', null, 2),
  (4, 9, 'returned', -5, 2)
) v(order_id, customer_id, status, amount, grp)
`;
  const CUSTOMERS = `{{config materialized="table"}}\nselect * from (values (1, 'alice'), (2, 'bob'), (3, 'o''brien')) v(id, name)\n`;
  const SCHEMA = `version: 2
sources:
  - name: raw
    schema: main
    tables:
      - name: people
        columns:
          - name: person_id
            tests: [unique, not_null]
models:
  - name: customers
    columns:
      - name: name
        tests:
          - accepted_values:
              values: ['alice', 'bob', "o'brien"]
          - accepted_values:
              values: ['alice', 'bob']
          - accepted_values:
              values: ["'bob'", "lower('ALICE')"]
              quote: false
          - accepted_values:
              values: ["'bob'", "lower('ALICE')"]
  - name: orders
    data_tests:
      - unique_combination_of_columns:
          combination_of_columns: [order_id, grp]
      - unique_combination_of_columns:
          combination_of_columns: [grp]
      - expression_is_true:
          expression: "amount < 100"
      - dbt_utils.expression_is_true:
          expression: "amount > 0"
      - row_count: { min_value: 1, max_value: 4 }
      - row_count: { min_value: 5 }
      - row_count: { equal_to: ref('orders_copy') }
      - row_count: { compare_model: ref('customers') }
      - not_empty
    columns:
      - name: order_id
        tests: [unique, not_null]
      - name: customer_id
        tests:
          - unique
          - not_null
          - relationships:
              to: ref('customers')
              field: id
          - relationships:
              to: source('raw', 'people')
              field: person_id
      - name: status
        tests:
          - accepted_values:
              values: [placed, shipped, completed, return_pending, returned]
          - accepted_values:
              values: [placed, shipped]
      - name: amount
        tests:
          - not_null
          - accepted_range:
              min_value: 0
          - accepted_range:
              min_value: -10
              max_value: 20
          - accepted_range:
              min_value: -5
              max_value: 20
              inclusive: false
          - expression_is_true:
              expression: "> -100"
  - name: nothing
    tests: [not_empty]
`;

  it('each passes and fails with the exact number of failing rows', async () => {
    const dir = project({
      'models/orders.sql': ORDERS,
      'models/orders_copy.sql': 'select * from range(4) t(n)\n', // not built on orders, so not skipped by its failures
      'models/customers.sql': CUSTOMERS,
      'models/nothing.sql': 'select 1 as x where false\n',
      'models/schema.yml': SCHEMA,
    });
    await exec(dir, 'create table main.people as select * from (values (1), (2), (9)) v(person_id)');
    const r = await runCli(['build'], dir);
    expectExit(r, 1);
    const hashedStatus = `accepted_values_orders_${md5('accepted_values_orders_status__placed__shipped__completed__return_pending__returned')}`;
    expect(testOutcomes(dir)).toEqual({
      // sources
      source_unique_raw_people_person_id: ['pass', 0],
      source_not_null_raw_people_person_id: ['pass', 0],
      // accepted_values, a value with a quote in it, and quote: false
      accepted_values_customers_name__alice__bob__o_brien: ['pass', 0],
      accepted_values_customers_name__alice__bob: ['fail', 1],
      accepted_values_customers_name__False___bob___lower_ALICE_: ['fail', 1], // in ('bob', lower('ALICE')): only o'brien fails
      accepted_values_customers_name___bob___lower_ALICE_: ['fail', 3], // quoted, the SQL text matches no name
      // model-level tests
      unique_combination_of_columns_orders_order_id__grp: ['pass', 0],
      unique_combination_of_columns_orders_grp: ['fail', 2],
      expression_is_true_orders_amount_100: ['pass', 0],
      dbt_utils_expression_is_true_orders_amount_0: ['fail', 1],
      row_count_orders_4__1: ['pass', 0],
      row_count_orders_5: ['fail', 1],
      row_count_orders_ref_orders_copy_: ['pass', 0],
      row_count_orders_ref_customers_: ['fail', 1],
      not_empty_orders_: ['pass', 0],
      not_empty_nothing_: ['fail', 1],
      // column tests
      unique_orders_order_id: ['pass', 0],
      not_null_orders_order_id: ['pass', 0],
      unique_orders_customer_id: ['fail', 1],
      not_null_orders_customer_id: ['pass', 0],
      relationships_orders_customer_id__id__ref_customers_: ['fail', 1],
      relationships_orders_customer_id__person_id__source_raw_people_: ['pass', 0],
      [hashedStatus]: ['pass', 0],
      accepted_values_orders_status__placed__shipped: ['fail', 2],
      not_null_orders_amount: ['fail', 1],
      accepted_range_orders_amount__0: ['fail', 1],
      accepted_range_orders_amount__20___10: ['pass', 0],
      accepted_range_orders_amount__False__20___5: ['fail', 2],
      expression_is_true_orders_amount___100: ['pass', 0],
    });
    expect(hashedStatus).toBe('accepted_values_orders_1ce6ab157c285f7cd2ac656013faf758'); // the name dbt gives it in jaffle_shop
    expect(verb(r, 'unique_orders_customer_id')).toBe('FAIL 1');
    expect(verb(r, 'accepted_values_orders_status__placed__shipped')).toBe('FAIL 2');
    expect(verb(r, 'unique_orders_order_id')).toBe('PASS');
    expectSummary(r, { PASS: 19, WARN: 0, ERROR: 14, SKIP: 0, TOTAL: 33 });
    expect(r.stdout).toContain('Found 4 models, 29 data tests, 1 source, 0 macros');
    // the failing rows of a test, with the compiled query to rerun
    expect(failureBlock(r, 'FAIL 2 accepted_values_orders_status__placed__shipped')).toEqual([
        'FAIL 2 accepted_values_orders_status__placed__shipped (models/schema.yml:56)',
        '  Got 2 results, configured to fail if !=0',
        '  | value_field | n_records |',
        '  |-------------|-----------|',
        expect.any(String),
        expect.any(String),
      '  rerun the query: target/compiled/test_project/models/schema.yml/accepted_values_orders_status__placed__shipped.sql',
    ]);
  });
});

// ---------------------------------------------------------------------------------------------
// test configuration
// ---------------------------------------------------------------------------------------------

describe.concurrent('test configuration', () => {
  // n = 1..20, so accepted_range with max_value k fails for 20 - k rows.
  const M = '{{config materialized="table"}}\nselect n::int as n from range(1, 21) t(n)\n';
  const SCHEMA = `version: 2
models:
  - name: m
    columns:
      - name: n
        tests:
          - accepted_range:
              max_value: 10
              where: "n > 15"
          - accepted_range:
              max_value: 9
              limit: 3
          - accepted_range:
              max_value: 11
              severity: warn
          - accepted_range:
              max_value: 12
              config:
                severity: warn
          - accepted_range:
              max_value: 13
              warn_if: ">5"
              error_if: ">9"
          - accepted_range:
              max_value: 8
              config:
                error_if: ">9"
          - accepted_range:
              max_value: 14
              error_if: ">100"
          - accepted_range:
              max_value: 15
              config: { warn_if: ">100", error_if: ">100" }
          - accepted_range:
              max_value: 16
              config:
                store_failures: true
          - accepted_range:
              max_value: 17
              enabled: false
          - accepted_range:
              max_value: 18
              config:
                enabled: false
          - accepted_range:
              max_value: 19
              tags: [nightly]
          - accepted_range:
              max_value: 7
              config:
                severity: ERROR
                tags: nightly
          - expression_is_true:
              expression: "<= 18"
              fail_calc: "sum(n)"
          - accepted_range:
              max_value: 6
              config: { severity: warn, error_if: "!=0" }
`;

  it('where, limit, severity, warn_if/error_if, fail_calc, enabled and store_failures decide each outcome', async () => {
    const dir = project({ 'models/m.sql': M, 'models/schema.yml': SCHEMA });
    const r = await runCli(['build', '--junit', 'target/junit.xml'], dir);
    expectExit(r, 1);
    expect(testOutcomes(dir)).toEqual({
      accepted_range_m_n__10: ['fail', 5], // where: n > 15
      accepted_range_m_n__9: ['fail', 3], // 11 failing rows, limit 3
      accepted_range_m_n__11: ['warn', 9], // severity: warn
      accepted_range_m_n__12: ['warn', 8], // config: { severity: warn }
      accepted_range_m_n__13: ['warn', 7], // warn_if >5, error_if >9
      accepted_range_m_n__8: ['fail', 12], // error_if >9
      accepted_range_m_n__14: ['warn', 6], // error_if >100, warn_if !=0
      accepted_range_m_n__15: ['pass', 5], // neither threshold reached
      accepted_range_m_n__16: ['fail', 4], // store_failures
      accepted_range_m_n__19: ['fail', 1],
      accepted_range_m_n__7: ['fail', 13],
      expression_is_true_m_n___18: ['fail', 39], // fail_calc sum(n) over 19 and 20
      accepted_range_m_n__6: ['warn', 14], // severity warn never errors, whatever error_if says
    });
    expectSummary(r, { PASS: 2, WARN: 5, ERROR: 7, SKIP: 0, TOTAL: 14 });
    expect(r.stdout).toContain('Found 1 model, 13 data tests, 0 macros');
    expect(verb(r, 'accepted_range_m_n__10')).toBe('FAIL 5');
    expect(verb(r, 'accepted_range_m_n__11')).toBe('WARN 9');
    expect(verb(r, 'accepted_range_m_n__15')).toBe('PASS');
    expect(verb(r, 'expression_is_true_m_n___18')).toBe('FAIL 39');
    expect(resultFor(dir, `test.${PROJECT}.accepted_range_m_n__13`).message).toBe('Got 7 results, configured to warn if >5');
    expect(resultFor(dir, `test.${PROJECT}.accepted_range_m_n__8`).message).toBe('Got 12 results, configured to fail if >9');
    expect(resultFor(dir, `test.${PROJECT}.accepted_range_m_n__15`).message).toBe('Got 5 results');

    // store_failures: the failing rows in <schema>_test_failures, named in the output
    expect(await rows(dir, 'select n from main_test_failures.accepted_range_m_n__16 order by n')).toEqual([{ n: 17 }, { n: 18 }, { n: 19 }, { n: 20 }]);
    expect(failureBlock(r, 'FAIL 4 accepted_range_m_n__16')).toEqual([
      'FAIL 4 accepted_range_m_n__16 (models/schema.yml:34)',
      '  Got 4 results, configured to fail if !=0',
      '  | n  |',
      '  |----|',
      expect.stringMatching(/^ {2}\| \d\d \|$/),
      expect.stringMatching(/^ {2}\| \d\d \|$/),
      expect.stringMatching(/^ {2}\| \d\d \|$/),
      expect.stringMatching(/^ {2}\| \d\d \|$/),
      '  failing rows stored in "main_test_failures"."accepted_range_m_n__16"',
      '  rerun the query: target/compiled/test_project/models/schema.yml/accepted_range_m_n__16.sql',
    ]);
    // only tests with store_failures store their rows
    expect(await rows(dir, "select table_name from information_schema.tables where table_schema = 'main_test_failures'")).toEqual([{ table_name: 'accepted_range_m_n__16' }]);
    // a warning is listed under Failures: too, with at most 5 sample rows
    const warned = failureBlock(r, 'WARN 9 accepted_range_m_n__11');
    expect(warned.slice(0, 4)).toEqual(['WARN 9 accepted_range_m_n__11 (models/schema.yml:13)', '  Got 9 results, configured to warn if !=0', '  | n  |', '  |----|']);
    expect(warned.filter((l) => /^ {2}\| \d+ +\|$/.test(l))).toHaveLength(5);
    expect(warned.at(-1)).toBe('  rerun the query: target/compiled/test_project/models/schema.yml/accepted_range_m_n__11.sql');

    // JUnit XML
    const junit = read(dir, 'target/junit.xml');
    expect(junit).toMatch(/^<\?xml version="1\.0" encoding="UTF-8"\?>\n<testsuites tests="13" failures="7" errors="0" skipped="0" time="\d+\.\d{3}">\n {2}<testsuite name="modelrun" tests="13" failures="7" errors="0" skipped="0" time="\d+\.\d{3}">\n/);
    expect(junit.match(/<testcase /g)).toHaveLength(13);
    expect(junit.match(/<failure /g)).toHaveLength(7);
    expect(junit).toMatch(
      /<testcase classname="m" name="accepted_range_m_n__8" file="models\/schema\.yml" time="\d+\.\d{3}">\n {6}<failure message="Got 12 results, configured to fail if &gt;9" type="12 failing rows">Got 12 results, configured to fail if &gt;9\ncompiled SQL: target\/compiled\/test_project\/models\/schema\.yml\/accepted_range_m_n__8\.sql<\/failure>\n {4}<\/testcase>/,
    );
    expect(junit).toMatch(/<testcase classname="m" name="accepted_range_m_n__15" file="models\/schema\.yml" time="\d+\.\d{3}"\/>/);
    expect(junit).toMatch(/<testcase classname="m" name="accepted_range_m_n__11" [^>]*>\n {6}<system-out>WARN: Got 9 results, configured to warn if !=0\n/);
    expect(junit.trimEnd().endsWith('</testsuite>\n</testsuites>')).toBe(true);

    // the data quality report
    const report = read(dir, 'target/data_quality_report.md');
    expect(report).toContain('**FAILING** — 13 tests: 1 passed, 5 warned, 7 failed, 0 errored, 0 skipped; 0 freshness checks, 0 stale.');
    expect(report).toContain('| node | type | rows | tests | passed | warned | failed | errored | freshness |\n|---|---|---:|---:|---:|---:|---:|---:|---|\n| m | model | 20 | 13 | 1 | 5 | 7 | 0 |  |\n');
    expect(report).toContain('\n## Needs attention\n');
    expect(report).toContain(
      '- **FAIL 5** accepted_range_m_n__10 (models/schema.yml:7): Got 5 results, configured to fail if !=0 — SQL: `target/compiled/test_project/models/schema.yml/accepted_range_m_n__10.sql`\n',
    );
    expect(report).toContain('- **WARN 9** accepted_range_m_n__11 (models/schema.yml:13): Got 9 results, configured to warn if !=0 — SQL: `target/compiled/test_project/models/schema.yml/accepted_range_m_n__11.sql`\n');
    expect(report.match(/^- \*\*/gm)).toHaveLength(12);
    expect(report).not.toContain('accepted_range_m_n__15');
  });

  it('tag: selection runs only the tagged tests; disabled tests are not nodes', async () => {
    const dir = project({ 'models/m.sql': M, 'models/schema.yml': SCHEMA });
    expectExit(await runCli(['run'], dir), 0);
    const r = await runCli(['test', '--select', 'tag:nightly'], dir);
    expectExit(r, 1);
    expect(testOutcomes(dir)).toEqual({ accepted_range_m_n__19: ['fail', 1], accepted_range_m_n__7: ['fail', 13] });
    expectSummary(r, { PASS: 0, WARN: 0, ERROR: 2, SKIP: 0, TOTAL: 2 });
    const ls = await runCli(['ls', '--resource-type', 'test', '--output', 'name'], dir);
    expectExit(ls, 0);
    expect(ls.stdout).not.toContain('accepted_range_m_n__17');
    expect(ls.stdout).not.toContain('accepted_range_m_n__18');
    expect(ls.stdout.trim().split('\n')).toHaveLength(13);
  });

  it("a column's tags apply to the tests of that column, as in dbt", async () => {
    const dir = project({
      'models/m.sql': 'select 1 as id, 2 as other\n',
      'models/schema.yml': 'version: 2\nmodels:\n  - name: m\n    columns:\n      - name: id\n        tags: [pii]\n        tests: [unique, { not_null: { tags: [nightly] } }]\n      - name: other\n        tests: [not_null]\n',
    });
    const r = await runCli(['ls', '--select', 'tag:pii', '--output', 'name'], dir);
    expectStderr(r, [], 0);
    expect(r.stdout.split('\n').filter(Boolean).sort()).toEqual(['not_null_m_id', 'unique_m_id']);
    const nightly = await runCli(['ls', '--select', 'tag:nightly', '--output', 'name'], dir);
    expect(nightly.stdout).toBe('not_null_m_id\n');
  });

  it('project.yml data_tests: sets folder defaults that a test can override', async () => {
    const dir = project({
      'project.yml': `name: ${PROJECT}\nprofile: ${PROJECT}\ndata_tests:\n  ${PROJECT}:\n    +severity: warn\n    strict:\n      +severity: error\n`,
      'models/m.sql': M,
      'models/schema.yml': 'version: 2\nmodels:\n  - name: m\n    columns:\n      - name: n\n        tests:\n          - accepted_range: { max_value: 10 }\n          - accepted_range: { max_value: 15, severity: error }\n',
      'tests/big.sql': 'select * from {{ref "m"}} where n > 18\n',
      'tests/strict/huge.sql': 'select * from {{ref "m"}} where n > 19\n',
    });
    const r = await runCli(['build', '--exclude', 'huge', 'accepted_range_m_n__15'], dir);
    expectExit(r, 0);
    expect(testOutcomes(dir)).toEqual({ accepted_range_m_n__10: ['warn', 10], big: ['warn', 2] });
    expectSummary(r, { PASS: 1, WARN: 2, ERROR: 0, SKIP: 0, TOTAL: 3 });
    const r2 = await runCli(['test'], dir);
    expectExit(r2, 1);
    expect(testOutcomes(dir)).toEqual({ accepted_range_m_n__10: ['warn', 10], accepted_range_m_n__15: ['fail', 5], big: ['warn', 2], huge: ['fail', 1] });
  });
});

// ---------------------------------------------------------------------------------------------
// custom generic tests and singular tests
// ---------------------------------------------------------------------------------------------

describe.concurrent('custom and singular tests', () => {
  it('a custom generic test uses its default argument, a singular test refs and vars, and test_type: selects', async () => {
    const dir = project({
      'macros/tests.sql': '{{#test "is_even" model column_name allow_odd_above=1000}}\nselect * from {{model}} where {{column_name}} % 2 <> 0 and {{column_name}} <= {{allow_odd_above}}\n{{/test}}\n',
      'tests/generic/multiple_of.sql': '{{#test "multiple_of" model column_name factor=3}}\nselect * from {{model}} where {{column_name}} % {{factor}} <> 0\n{{/test}}\n',
      'project.yml': `name: ${PROJECT}\nprofile: ${PROJECT}\nvars:\n  max_n: 18\n`,
      'models/m.sql': '{{config materialized="table"}}\nselect n::int as n from range(1, 21) t(n)\n',
      'models/evens.sql': 'select (n * 2)::int as n from range(1, 6) t(n)\n',
      'models/schema.yml': `version: 2
models:
  - name: evens
    columns:
      - name: n
        tests:
          - is_even
          - multiple_of
          - multiple_of: { factor: 2 }
  - name: m
    columns:
      - name: n
        tests:
          - is_even: { allow_odd_above: 15 }
`,
      'tests/assert_max.sql': 'select * from {{ref "m"}}\nwhere n > {{var "max_n"}}\n',
    });
    const r = await runCli(['build'], dir);
    expectExit(r, 1);
    expect(testOutcomes(dir)).toEqual({
      is_even_evens_n: ['pass', 0],
      multiple_of_evens_n: ['fail', 4], // factor defaults to 3: 2, 4, 8, 10
      multiple_of_evens_n__2: ['pass', 0],
      is_even_m_15__n: ['fail', 8], // odd n up to 15
      assert_max: ['fail', 2], // n > 18
    });
    expect(r.stdout).toContain('Found 2 models, 5 data tests, 2 macros');
    expect(resultFor(dir, `test.${PROJECT}.assert_max`).file).toBe('tests/assert_max.sql');
    expect(read(dir, 'target/compiled/test_project/tests/assert_max.sql')).toBe('select * from "main"."m"\nwhere n > 18\n');

    const singular = await runCli(['test', '--select', 'test_type:singular'], dir);
    expectExit(singular, 1);
    expect(testOutcomes(dir)).toEqual({ assert_max: ['fail', 2] });
    const passing = await runCli(['test', '--select', 'test_type:singular', '--vars', '{max_n: 25}'], dir);
    expectExit(passing, 0);
    expect(testOutcomes(dir)).toEqual({ assert_max: ['pass', 0] });
    expect(verb(passing, 'assert_max')).toBe('PASS');

    const generic = await runCli(['test', '--select', 'test_type:generic'], dir);
    expectExit(generic, 1);
    expect(Object.keys(testOutcomes(dir)).sort()).toEqual(['is_even_evens_n', 'is_even_m_15__n', 'multiple_of_evens_n', 'multiple_of_evens_n__2']);
    const one = await runCli(['test', '--select', 'evens'], dir);
    expectExit(one, 1);
    expect(Object.keys(testOutcomes(dir)).sort()).toEqual(['is_even_evens_n', 'multiple_of_evens_n', 'multiple_of_evens_n__2']);
  });
});

describe.concurrent('singular tests', () => {
  it('take {{config}}: severity, store_failures and tags; seeds have column tests', async () => {
    const dir = project({
      'seeds/people.csv': 'id,name\n1,ann\n2,bob\n3,cy\n',
      'models/schema.yml': 'version: 2\nseeds:\n  - name: people\n    columns:\n      - name: id\n        tests: [unique, not_null]\n',
      'models/grown.sql': 'select id, upper(name) as name from {{ref "people"}}\n',
      'tests/no_ann.sql': '{{config severity="warn" store_failures=true tags="[people]"}}\nselect * from {{ref "grown"}}\nwhere name = \'ANN\'\n',
      'tests/small_ids.sql': 'select * from {{ref "grown"}} where id > 5\n',
    });
    const r = await runCli(['build'], dir);
    expectExit(r, 0);
    expect(testOutcomes(dir)).toEqual({ unique_people_id: ['pass', 0], not_null_people_id: ['pass', 0], no_ann: ['warn', 1], small_ids: ['pass', 0] });
    expect(verb(r, 'no_ann')).toBe('WARN 1');
    expect(failureBlock(r, 'WARN 1 no_ann')).toEqual([
      'WARN 1 no_ann (tests/no_ann.sql)',
      '  Got 1 result, configured to warn if !=0',
      '  | id | name |',
      '  |----|------|',
      '  | 1  | ANN  |',
      '  failing rows stored in "main_test_failures"."no_ann"',
      '  rerun the query: target/compiled/test_project/tests/no_ann.sql',
    ]);
    expect(await rows(dir, 'select id, name from main_test_failures.no_ann')).toEqual([{ id: 1, name: 'ANN' }]);
    const tagged = await runCli(['test', '--select', 'tag:people'], dir);
    expectExit(tagged, 0);
    expect(testOutcomes(dir)).toEqual({ no_ann: ['warn', 1] });
  });

  it('a singular test that does not run is an ERROR at its template line', async () => {
    const dir = project({
      'models/m.sql': '{{config materialized="table"}}\nselect 1 as id\n',
      'tests/two.sql': '{{config severity="warn"}}\nselect * from {{ref "m"}} where x = 1\n',
      'tests/three.sql': 'select *\nfrom {{ref "m"}}\nwhere y = 1\n',
    });
    const r = await runCli(['build'], dir);
    expectExit(r, 1);
    expect(verb(r, 'two')).toBe('ERROR');
    expect(r.stdout).toContain('\ntests/three.sql:3: error: test three: Binder Error: Referenced column "y" not found in FROM clause! Candidate bindings: "id"\n');
    expect(r.stdout).toContain('\ntests/two.sql:2: error: test two: Binder Error: Referenced column "x" not found in FROM clause! Candidate bindings: "id"\n');
    expect(resultFor(dir, `test.${PROJECT}.two`)).toMatchObject({ status: 'error', file: 'tests/two.sql', line: 2 });
  });
});

describe.concurrent('dbt project compatibility', () => {
  it('accepts arguments:, where: on relationships, a date field in recency and column_name as a SQL expression', async () => {
    const dir = project({
      'models/orders.sql': "{{config materialized=\"table\"}}\nselect * from (values (1, 1, date '2024-01-01'), (2, 1, date '2024-01-02'), (3, 5, date '2024-01-03')) v(order_id, customer_id, d)\n",
      'models/customers.sql': '{{config materialized="table"}}\nselect 1 as customer_id\n',
      'models/schema.yml': `version: 2
models:
  - name: orders
    tests:
      - unique:
          column_name: "customer_id || '-' || order_id"
      - recency: { datepart: day, interval: 1, field: d }
    columns:
      - name: order_id
        tests:
          - accepted_values:
              arguments:
                values: [1, 2]
              config:
                store_failures: true
      - name: customer_id
        tests:
          - relationships: { to: ref('customers'), field: customer_id, where: "order_id < 3" }
          - relationships: { to: ref('customers'), field: customer_id, name: every_customer_exists }
`,
    });
    const r = await runCli(['build'], dir, { MODELRUN_NOW: '2024-01-03T12:00:00Z' });
    expect(testOutcomes(dir)).toEqual({
      // dbt writes column_name into the SQL as it is, so an expression works
      unique_orders_customer_id_order_id: ['pass', 0],
      recency_orders_day__d__1: ['pass', 0],
      accepted_values_orders_order_id__1__2: ['fail', 1],
      relationships_orders_customer_id__customer_id__ref_customers_: ['pass', 0],
      every_customer_exists: ['fail', 1],
    });
    expectExit(r, 1);
    expect(await rows(dir, 'select value_field, n_records from main_test_failures.accepted_values_orders_order_id__1__2')).toEqual([{ value_field: 3, n_records: 1 }]);
  });
});

// ---------------------------------------------------------------------------------------------
// build: tests between models
// ---------------------------------------------------------------------------------------------

describe.concurrent('build runs tests between models', () => {
  const files = (severity: string) => ({
    'models/base.sql': '{{config materialized="table"}}\nselect * from (values (1), (2), (null)) v(id)\n',
    'models/mid.sql': 'select id from {{ref "base"}} where id is not null\n',
    'models/top.sql': 'select count(*) as n from {{ref "mid"}}\n',
    'models/other.sql': 'select 1 as x\n',
    'models/customers.sql': '{{config materialized="table"}}\nselect * from (values (1), (2)) v(id)\n',
    'models/orders.sql': '{{config materialized="table"}}\nselect * from (values (10, 1), (11, 2)) v(order_id, customer_id)\n',
    'models/schema.yml': `version: 2
models:
  - name: base
    columns:
      - name: id
        tests:
          - not_null:
              severity: ${severity}
  - name: mid
    columns:
      - name: id
        tests: [unique]
  - name: orders
    columns:
      - name: customer_id
        tests:
          - relationships: { to: ref('customers'), field: id }
`,
  });

  it('a failing error-severity test skips what is built on the model; a warning does not', async () => {
    const dir = project(files('error'));
    const r = await runCli(['build', '--threads', '1'], dir);
    expectExit(r, 1);
    expectSummary(r, { PASS: 5, WARN: 0, ERROR: 1, SKIP: 3, TOTAL: 9 });
    expect(testOutcomes(dir)).toEqual({ not_null_base_id: ['fail', 1], unique_mid_id: ['skipped', null], relationships_orders_customer_id__id__ref_customers_: ['pass', 0] });
    expect(resultFor(dir, `model.${PROJECT}.mid`).status).toBe('skipped');
    expect(resultFor(dir, `model.${PROJECT}.top`).status).toBe('skipped');
    expect(resultFor(dir, `model.${PROJECT}.mid`).message).toBe('skipped because not_null_base_id failed');
    expect(verb(r, 'mid')).toBe('SKIP');
    expect(resultFor(dir, `model.${PROJECT}.other`).status).toBe('success');
    // the test runs right after its model, before its model's children would
    expect(finishedAt(r, / not_null_base_id /)).toBeGreaterThan(finishedAt(r, /model main\.base /));
    // a relationships test runs once both models are built
    const rel = finishedAt(r, / relationships_orders_customer_id__id__ref_customers_ /);
    expect(rel).toBeGreaterThan(finishedAt(r, /model main\.orders /));
    expect(rel).toBeGreaterThan(finishedAt(r, /model main\.customers /));

    writeFile(dir, 'models/schema.yml', files('warn')['models/schema.yml']);
    const r2 = await runCli(['build', '--threads', '1'], dir);
    expectExit(r2, 0);
    expectSummary(r2, { PASS: 8, WARN: 1, ERROR: 0, SKIP: 0, TOTAL: 9 });
    expect(testOutcomes(dir)).toEqual({ not_null_base_id: ['warn', 1], unique_mid_id: ['pass', 0], relationships_orders_customer_id__id__ref_customers_: ['pass', 0] });
    expect(await rows(dir, 'select n from main.top')).toEqual([{ n: 2 }]);
  });

  it('a test on a missing column is an ERROR at its YAML line', async () => {
    const dir = project({
      'models/m.sql': 'select 1 as id\n',
      'models/schema.yml': 'version: 2\nmodels:\n  - name: m\n    columns:\n      - name: id\n        tests: [not_null]\n      - name: nope\n        tests:\n          - unique\n',
    });
    const r = await runCli(['build'], dir);
    expectExit(r, 1);
    expect(verb(r, 'unique_m_nope')).toBe('ERROR');
    expect(r.stdout).toContain(
      '\nCompleted with 1 error:\nmodels/schema.yml:9: error: test unique_m_nope: Binder Error: Referenced column "nope" not found in FROM clause! Candidate bindings: "id"\n',
    );
    expect(testOutcomes(dir)).toEqual({ not_null_m_id: ['pass', 0], unique_m_nope: ['error', null] });
    expect(resultFor(dir, `test.${PROJECT}.unique_m_nope`)).toMatchObject({ file: 'models/schema.yml', line: 9 });
    expectSummary(r, { PASS: 2, WARN: 0, ERROR: 1, SKIP: 0, TOTAL: 3 });
  });
});

// ---------------------------------------------------------------------------------------------
// schema YAML errors
// ---------------------------------------------------------------------------------------------

describe.concurrent('schema YAML errors in tests', () => {
  const MULTIPLE_OF = '{{#test "multiple_of" model column_name factor}}\nselect * from {{model}} where {{column_name}} % {{factor}} <> 0\n{{/test}}\n';
  const withTests = (yaml: string) => project({ 'macros/tests.sql': MULTIPLE_OF, 'models/orders.sql': 'select 1 as id\n', 'models/schema.yml': yaml });
  const columnTest = (test: string) => `version: 2\nmodels:\n  - name: orders\n    columns:\n      - name: id\n        tests:\n${test}`;

  it.each([
    ['an unknown test suggests the nearest', '          - uniqe\n', ['models/schema.yml:7:13: error: unknown test "uniqe" — did you mean "unique"?']],
    ['an unknown test suggests a custom test', '          - multiple_off\n', ['models/schema.yml:7:13: error: unknown test "multiple_off" — did you mean "multiple_of"?']],
    ['a missing argument', '          - accepted_values:\n              quote: false\n', ['models/schema.yml:7:13: error: test "accepted_values" is missing argument "values"']],
    ['a missing argument of a custom test', '          - multiple_of\n', ['models/schema.yml:7:13: error: test "multiple_of" is missing argument "factor"']],
    [
      'a misspelt argument',
      "          - expression_is_true: { expresion: 'id > 0' }\n",
      [
        'models/schema.yml:7:13: error: test "expression_is_true" has no argument "expresion" — did you mean "expression"? (arguments: expression)',
        'models/schema.yml:7:13: error: test "expression_is_true" is missing argument "expression"',
      ],
    ],
    ['a bad severity', '          - not_null:\n              severity: fatal\n', ['models/schema.yml:7:13: error: config "severity" must be warn or error (got "fatal")']],
    ['a bad severity under config:', '          - not_null:\n              config:\n                severity: fatal\n', ['models/schema.yml:7:13: error: config "severity" must be warn or error (got "fatal")']],
    ['a bad warn_if', '          - not_null:\n              warn_if: lots\n', ['models/schema.yml:7:13: error: warn_if must be a comparison with a number, e.g. ">10" or "!=0" (got "lots")']],
    ['a bad error_if', '          - not_null:\n              config: { error_if: "> ten" }\n', ['models/schema.yml:7:13: error: error_if must be a comparison with a number, e.g. ">10" or "!=0" (got "> ten")']],
    ['a relationships test to a missing model', "          - relationships: { to: ref('ordrs'), field: id }\n", ['models/schema.yml:7:13: error: test "relationships": ref "ordrs" does not match any model or seed — did you mean "orders"?']],
    ['a relationships test whose to: is not a relation', '          - relationships: { to: orders, field: id }\n', [`models/schema.yml:7:13: error: argument "to" of test "relationships" must name a relation: ref('model') or source('source', 'table')`]],
  ])('%s stops the run with exit 2', async (_what, test, messages) => {
    const dir = withTests(columnTest(test));
    const r = await runCli(['build'], dir);
    expectStderr(r, messages, 2);
    expect(existsSync(dbPath(dir))).toBe(false);
  });

  it('a test that reads an ephemeral model, through an argument or a ref in its body, is an error at its place', async () => {
    const dir = project({
      'models/eph.sql': '{{config materialized="ephemeral"}}\nselect 1 as id\n',
      'models/orders.sql': 'select 1 as id\n',
      'macros/tests.sql': '{{#test "in_eph" model column_name}}\nselect * from {{model}} where {{column_name}} not in (select id from {{ref "eph"}})\n{{/test}}\n',
      'models/schema.yml': columnTest("          - relationships: { to: ref('eph'), field: id }\n          - in_eph\n"),
    });
    const r = await runCli(['build'], dir);
    expectStderr(
      r,
      [
        'macros/tests.sql:2:70: error: test in_eph_orders_id: ref "eph" is ephemeral and never built — a test can only read models built in the warehouse',
        'models/schema.yml:7:13: error: test relationships_orders_id__id__ref_eph_: argument "to" refers to eph, which is ephemeral and never built — refer to a model built from it',
      ],
      2,
    );
    expect(existsSync(dbPath(dir))).toBe(false);
  });

  it('a column test listed on the model, and a duplicate test, are errors', async () => {
    const dir = withTests('version: 2\nmodels:\n  - name: orders\n    tests:\n      - not_null\n    columns:\n      - name: id\n        tests: [unique, unique]\n');
    const r = await runCli(['test'], dir);
    expectStderr(
      r,
      [
        "models/schema.yml:5:9: error: test \"not_null\" checks a column — list it under a column's tests:, not the model's",
        'models/schema.yml:8:25: error: test unique_orders_id is declared twice (also at models/schema.yml:8) — remove one, or give one a name:',
      ],
      2,
    );
  });
});

// ---------------------------------------------------------------------------------------------
// dbt's test names
// ---------------------------------------------------------------------------------------------

describe.concurrent("dbt's test names", () => {
  it('are built from the test, the model and the sorted arguments, and hashed from 64 characters', async () => {
    const dir = project({
      'models/orders.sql': 'select 1 as order_id, 2 as customer_id, 3 as status\n',
      'models/customers.sql': 'select 1 as id\n',
      'models/schema.yml': `version: 2
sources:
  - name: raw
    tables:
      - name: people
        columns:
          - name: id
            tests: [unique]
models:
  - name: orders
    tests:
      - unique_combination_of_columns: { combination_of_columns: [order_id, customer_id, status] }
      - dbt_utils.expression_is_true: { expression: "order_id > 0" }
    columns:
      - name: customer_id
        tests:
          - relationships: { to: ref('customers'), field: id }
          - relationships: { to: "source('raw', 'people')", field: id, severity: warn }
          - not_null: { name: customer_must_be_set }
`,
    });
    const r = await runCli(['ls', '--resource-type', 'test'], dir);
    expectExit(r, 0);
    const full = 'unique_combination_of_columns_orders_order_id__customer_id__status';
    expect(full.length).toBeGreaterThanOrEqual(64);
    const hashed = `unique_combination_of_columns__${md5(full)}`; // the first 30 characters of "<test>_<model>", "_", md5 of the full name
    expect(r.stdout.split('\n').filter(Boolean).sort()).toEqual(
      [
        'test_project.customer_must_be_set',
        'test_project.dbt_utils_expression_is_true_orders_order_id_0',
        'test_project.relationships_orders_customer_id__id__ref_customers_',
        'test_project.relationships_orders_customer_id__id__source_raw_people_',
        'test_project.source_unique_raw_people_id',
        `test_project.${hashed}`,
      ].sort(),
    );
  });
});

// ---------------------------------------------------------------------------------------------
// recency and source freshness
// ---------------------------------------------------------------------------------------------

describe.concurrent('recency and source freshness', () => {
  it('recency compares the newest row with MODELRUN_NOW', async () => {
    const dir = project({
      'models/ev.sql': "{{config materialized=\"table\"}}\nselect * from (values (timestamp '2024-01-01 09:00:00'), (timestamp '2024-01-01 10:00:00')) v(ts)\n",
      'models/schema.yml': `version: 2
models:
  - name: ev
    tests:
      - recency: { datepart: hour, interval: 2, field: ts }
      - recency: { datepart: day, interval: 1, field: ts, config: { severity: warn } }
`,
    });
    const now = async (iso: string) => {
      const r = await runCli(['build'], dir, { MODELRUN_NOW: iso });
      return { r, outcomes: testOutcomes(dir) };
    };
    const fresh = await now('2024-01-01T11:00:00Z');
    expectExit(fresh.r, 0);
    expect(fresh.outcomes).toEqual({ recency_ev_hour__ts__2: ['pass', 0], recency_ev_day__ts__1: ['pass', 0] });
    const older = await now('2024-01-01T13:00:00Z');
    expectExit(older.r, 1);
    expect(older.outcomes).toEqual({ recency_ev_hour__ts__2: ['fail', 1], recency_ev_day__ts__1: ['pass', 0] });
    const old = await now('2024-01-03T00:00:00Z');
    expectExit(old.r, 1);
    expect(old.outcomes).toEqual({ recency_ev_hour__ts__2: ['fail', 1], recency_ev_day__ts__1: ['warn', 1] });
    expect(verb(old.r, 'recency_ev_day__ts__1')).toBe('WARN 1');
  });

  it('source freshness passes, warns and errors by max(loaded_at_field) and writes target/sources.json', async () => {
    const dir = project({
      'models/sources.yml': `version: 2
sources:
  - name: raw
    schema: main
    loaded_at_field: loaded_at
    freshness:
      warn_after: { count: 1, period: hour }
      error_after: { count: 1, period: day }
    tables:
      - name: events
        columns:
          - name: id
            tests: [unique]
      - name: users
        freshness: null
`,
      'models/ev.sql': 'select * from {{source "raw" "events"}}\n',
    });
    await exec(
      dir,
      "create table main.events as select * from (values (1, timestamp '2024-01-01 09:00:00'), (2, timestamp '2024-01-01 10:00:00')) v(id, loaded_at)",
      "create table main.users as select 1 as id, timestamp '2020-01-01 00:00:00' as loaded_at",
    );
    interface SourceResult {
      unique_id: string;
      status: string;
      max_loaded_at: string;
      snapshotted_at: string;
      max_loaded_at_time_ago_in_s: number;
      criteria: unknown;
      message: string;
    }
    const sources = () => (JSON.parse(read(dir, 'target/sources.json')) as { results: SourceResult[] }).results;
    const criteria = { warn_after: { count: 1, period: 'hour' }, error_after: { count: 1, period: 'day' }, filter: null };

    // the clock is UTC whatever the machine's time zone
    const pass = await runCli(['source', 'freshness'], dir, { MODELRUN_NOW: '2024-01-01T10:30:00Z', TZ: 'America/New_York' });
    expectExit(pass, 0);
    expect(pass.stdout).toMatch(/^1 of 1 PASS freshness of raw\.events \.+ \[PASS in \d+\.\d\ds\]$/m);
    expect(sources()).toEqual([
      expect.objectContaining({
        unique_id: `source.${PROJECT}.raw.events`,
        status: 'pass',
        max_loaded_at: '2024-01-01T10:00:00.000Z',
        snapshotted_at: '2024-01-01T10:30:00.000Z',
        max_loaded_at_time_ago_in_s: 1800,
        criteria,
        message: 'source raw.events was loaded 30.0 minutes ago',
      }),
    ]);

    const warn = await runCli(['source', 'freshness'], dir, { MODELRUN_NOW: '2024-01-01T11:30:00Z' });
    expectExit(warn, 0);
    expect(warn.stdout).toMatch(/^1 of 1 WARN freshness of raw\.events \.+ \[WARN in \d+\.\d\ds\]$/m);
    expectSummary(warn, { PASS: 0, WARN: 1, ERROR: 0, SKIP: 0, TOTAL: 1 });
    expect(sources()).toEqual([
      expect.objectContaining({
        status: 'warn',
        snapshotted_at: '2024-01-01T11:30:00.000Z',
        max_loaded_at_time_ago_in_s: 5400,
        criteria,
        message: 'source raw.events is getting stale: last loaded 90.0 minutes ago, warn after 1 hour',
      }),
    ]);

    const stale = await runCli(['source', 'freshness', '--junit', 'target/freshness.xml'], dir, { MODELRUN_NOW: '2024-01-03T10:00:00Z' });
    expectExit(stale, 1);
    const junit = read(dir, 'target/freshness.xml');
    expect(junit).toContain('<testsuites tests="1" failures="0" errors="1" skipped="0" ');
    expect(junit).toMatch(
      /<testcase classname="source\.raw" name="freshness of raw\.events" file="models\/sources\.yml" time="\d+\.\d{3}">\n {6}<error message="source raw\.events is stale: last loaded 2\.0 days ago, error after 1 day">/,
    );
    expect(stale.stdout).toMatch(/^1 of 1 ERROR freshness of raw\.events \.+ \[ERROR STALE in \d+\.\d\ds\]$/m);
    expect(stale.stdout).toContain('\nCompleted with 1 error:\nmodels/sources.yml:10: error: source raw.events is stale: last loaded 2.0 days ago, error after 1 day\n');
    expect(sources()).toEqual([
      expect.objectContaining({ status: 'error', max_loaded_at: '2024-01-01T10:00:00.000Z', snapshotted_at: '2024-01-03T10:00:00.000Z', max_loaded_at_time_ago_in_s: 172800, criteria }),
    ]);

    // `test` and `build` check freshness too, and a stale source fails them
    const test = await runCli(['test'], dir, { MODELRUN_NOW: '2024-01-03T10:00:00Z' });
    expectExit(test, 1);
    expect(test.stdout).toContain('models/sources.yml:10: error: source raw.events is stale: last loaded 2.0 days ago, error after 1 day\n');
    const build = await runCli(['build'], dir, { MODELRUN_NOW: '2024-01-03T10:00:00Z' });
    expectExit(build, 1);
    expect(build.stdout).toContain('models/sources.yml:10: error: source raw.events is stale: last loaded 2.0 days ago, error after 1 day\n');
    expect(resultFor(dir, `source.${PROJECT}.raw.events`).status).toBe('error');
    expect(resultFor(dir, `model.${PROJECT}.ev`).status).toBe('success');
    const report = read(dir, 'target/data_quality_report.md');
    expect(report).toContain('| raw.events | source | 2 | 1 | 1 | 0 | 0 | 0 | error stale (2.0 days) |\n');
    expect(report).toContain('- **ERROR STALE** raw.events (models/sources.yml:10): source raw.events is stale: last loaded 2.0 days ago, error after 1 day\n');
    const fresh = await runCli(['build'], dir, { MODELRUN_NOW: '2024-01-01T10:30:00Z' });
    expectExit(fresh, 0);
    // source: selects the source's freshness and the tests on it
    const selected = await runCli(['test', '--select', 'source:raw'], dir, { MODELRUN_NOW: '2024-01-01T10:30:00Z' });
    expectExit(selected, 0);
    expect(runResults(dir).map((x) => [x.unique_id, x.status])).toEqual([
      [`source.${PROJECT}.raw.events`, 'pass'],
      [`test.${PROJECT}.source_unique_raw_events_id`, 'pass'],
    ]);
    const other = await runCli(['test', '--select', 'source:nope'], dir);
    expectStderr(other, ["warning: The selection criterion 'source:nope' does not match any node"], 0);
    expect(other.stdout).toContain('Nothing to do: the selection matched no runnable node.\n');
  });
});

// ---------------------------------------------------------------------------------------------
// jaffle_shop with dbt's tests
// ---------------------------------------------------------------------------------------------

describe('jaffle_shop with dbt’s tests', () => {
  const here = dirname(fileURLToPath(import.meta.url));
  const SHARED = resolve(here, '../../../shared/fixtures/jaffle_shop');

  const MODELS_YML = `version: 2
models:
  - name: customers
    description: One row per customer, with their order history and lifetime value.
    columns:
      - name: customer_id
        description: The customer's id.
        tests:
          - unique
          - not_null
  - name: orders
    description: One row per order, with the amount paid by each payment method.
    columns:
      - name: order_id
        tests:
          - unique
          - not_null
      - name: customer_id
        tests:
          - not_null
          - relationships:
              to: ref('customers')
              field: customer_id
      - name: status
        tests:
          - accepted_values:
              values: ['placed', 'shipped', 'completed', 'return_pending', 'returned']
      - name: amount
        tests: [not_null]
      - name: credit_card_amount
        tests: [not_null]
      - name: coupon_amount
        tests: [not_null]
      - name: bank_transfer_amount
        tests: [not_null]
      - name: gift_card_amount
        tests: [not_null]
seeds:
  - name: raw_orders
    config:
      column_types: { order_date: date }
`;
  const STAGING_YML = `version: 2
models:
  - name: stg_customers
    columns:
      - name: customer_id
        tests: [unique, not_null]
  - name: stg_orders
    columns:
      - name: order_id
        tests: [unique, not_null]
      - name: status
        tests:
          - accepted_values:
              values: ['placed', 'shipped', 'completed', 'return_pending', 'returned']
  - name: stg_payments
    columns:
      - name: payment_id
        tests: [unique, not_null]
      - name: payment_method
        tests:
          - accepted_values:
              values: ['credit_card', 'coupon', 'bank_transfer', 'gift_card']
`;

  it('builds with all 20 of dbt’s tests passing, under dbt’s names', async () => {
    if (!existsSync(SHARED)) throw new Error(`the jaffle_shop fixture is missing: expected CSVs in ${SHARED}`);
    const dir = mkdtempSync(join(tmpdir(), 'modelrun-jaffle-tests-'));
    track(dir);
    cpSync(join(here, 'fixtures/jaffle_shop'), dir, { recursive: true });
    mkdirSync(join(dir, 'seeds'));
    for (const f of ['raw_customers.csv', 'raw_orders.csv', 'raw_payments.csv']) copyFileSync(join(SHARED, f), join(dir, 'seeds', f));
    writeFile(dir, 'models/schema.yml', MODELS_YML);
    writeFile(dir, 'models/staging/schema.yml', STAGING_YML);

    const r = await runCli(['build'], dir);
    expect(r.stderr).toBe('');
    expectExit(r, 0);
    expect(r.stdout).toMatch(/^Finished running 5 models, 3 seeds, 20 data tests in \d+\.\d\ds\.  PASS=28 WARN=0 ERROR=0 SKIP=0 TOTAL=28$/m);
    const results = (JSON.parse(read(dir, 'target/run_results.json')) as { results: RunResult[] }).results.filter((x) => x.unique_id.startsWith('test.'));
    expect(new Set(results.map((x) => x.status))).toEqual(new Set(['pass']));
    expect(results.map((x) => x.unique_id).sort()).toEqual(
      [
        'accepted_values_orders_1ce6ab157c285f7cd2ac656013faf758',
        'accepted_values_stg_orders_4f514bf94b77b7ea437830eec4421c58',
        'accepted_values_stg_payments_c7909fb19b1f0177c2bf99c7912f06ef',
        'not_null_customers_customer_id',
        'not_null_orders_amount',
        'not_null_orders_bank_transfer_amount',
        'not_null_orders_coupon_amount',
        'not_null_orders_credit_card_amount',
        'not_null_orders_customer_id',
        'not_null_orders_gift_card_amount',
        'not_null_orders_order_id',
        'not_null_stg_customers_customer_id',
        'not_null_stg_orders_order_id',
        'not_null_stg_payments_payment_id',
        'relationships_orders_customer_id__customer_id__ref_customers_',
        'unique_customers_customer_id',
        'unique_orders_order_id',
        'unique_stg_customers_customer_id',
        'unique_stg_orders_order_id',
        'unique_stg_payments_payment_id',
      ].map((n) => `test.jaffle_shop.${n}`),
    );
    for (const name of ['unique_customers_customer_id', 'relationships_orders_customer_id__customer_id__ref_customers_', 'accepted_values_stg_payments_c7909fb19b1f0177c2bf99c7912f06ef']) {
      expect(r.stdout).toMatch(new RegExp(`^\\d+ of 28 PASS ${name} \\.+ \\[PASS in \\d+\\.\\d\\ds\\]$`, 'm'));
    }
    const report = read(dir, 'target/data_quality_report.md');
    expect(report).toContain('**PASSING** — 20 tests: 20 passed, 0 warned, 0 failed, 0 errored, 0 skipped; 0 freshness checks, 0 stale.');
    expect(report).toContain('| orders | model | 99 | 10 | 10 | 0 | 0 | 0 |  |\n');
    expect(report).toContain('| customers | model | 100 | 2 | 2 | 0 | 0 | 0 |  |\n');
    expect(report).toContain('| stg_payments | model | 113 | 3 | 3 | 0 | 0 | 0 |  |\n');
    expect(report).not.toContain('Needs attention');
  });
});
