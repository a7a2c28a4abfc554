import { columnOrExpression, quoteIdent, quoteLiteral } from '../util/sql.js';

/** What a generic test's SQL is built from. Relations are already resolved and quoted. */
export interface TestSqlInput {
  /** The tested relation, wrapped in a subquery when `where` filters it. */
  relation: string;
  column?: string;
  args: Readonly<Record<string, unknown>>;
  /** Relations named by arguments such as relationships' `to:`, resolved. */
  relations: Readonly<Record<string, string>>;
  /** SQL for "now" in UTC: the clock, or MODELRUN_NOW when set. */
  nowUtc: string;
}

export interface BuiltinTest {
  name: string;
  required: readonly string[];
  optional: readonly string[];
  /** Arguments naming relations: `ref('x')` or `source('s', 't')`. */
  relationArgs: readonly string[];
  needsColumn: boolean;
  /** A query returning one row per failure. */
  sql(input: TestSqlInput): string;
}

const col = (i: TestSqlInput) => columnOrExpression(i.column!);

const DATEPARTS = ['second', 'minute', 'hour', 'day', 'week', 'month', 'year'];

function literal(v: unknown, quote: boolean): string {
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (v === null) return 'NULL';
  return quote ? quoteLiteral(String(v)) : String(v);
}

export const BUILTIN_TESTS: readonly BuiltinTest[] = [
  {
    name: 'unique',
    required: [],
    optional: [],
    relationArgs: [],
    needsColumn: true,
    sql: (i) => `select ${col(i)} as unique_field, count(*) as n_records\nfrom ${i.relation}\nwhere ${col(i)} is not null\ngroup by ${col(i)}\nhaving count(*) > 1`,
  },
  {
    name: 'not_null',
    required: [],
    optional: [],
    relationArgs: [],
    needsColumn: true,
    sql: (i) => `select ${col(i)}\nfrom ${i.relation}\nwhere ${col(i)} is null`,
  },
  {
    name: 'accepted_values',
    required: ['values'],
    optional: ['quote'],
    relationArgs: [],
    needsColumn: true,
    sql: (i) => {
      const quote = i.args.quote !== false;
      const values = (i.args.values as unknown[]).map((v) => literal(v, quote)).join(', ');
      return `with all_values as (\n  select ${col(i)} as value_field, count(*) as n_records\n  from ${i.relation}\n  group by ${col(i)}\n)\nselect *\nfrom all_values\nwhere value_field not in (${values})`;
    },
  },
  {
    name: 'relationships',
    required: ['to', 'field'],
    optional: [],
    relationArgs: ['to'],
    needsColumn: true,
    sql: (i) =>
      `with child as (\n  select ${col(i)} as from_field\n  from ${i.relation}\n  where ${col(i)} is not null\n),\nparent as (\n  select ${quoteIdent(String(i.args.field))} as to_field\n  from ${i.relations.to}\n)\nselect from_field\nfrom child\nleft join parent on child.from_field = parent.to_field\nwhere parent.to_field is null`,
  },
  {
    name: 'unique_combination_of_columns',
    required: ['combination_of_columns'],
    optional: [],
    relationArgs: [],
    needsColumn: false,
    sql: (i) => {
      const cols = (i.args.combination_of_columns as string[]).map(quoteIdent).join(', ');
      return `select ${cols}, count(*) as n_records\nfrom ${i.relation}\ngroup by ${cols}\nhaving count(*) > 1`;
    },
  },
  {
    name: 'expression_is_true',
    required: ['expression'],
    optional: [],
    relationArgs: [],
    needsColumn: false,
    sql: (i) => `select *\nfrom ${i.relation}\nwhere not (${i.column ? `${col(i)} ` : ''}${String(i.args.expression)})`,
  },
  {
    name: 'accepted_range',
    required: [],
    optional: ['min_value', 'max_value', 'inclusive'],
    relationArgs: [],
    needsColumn: true,
    // As in dbt_utils, a bound may be a number or a SQL expression such as "current_date".
    sql: (i) => {
      const inclusive = i.args.inclusive !== false;
      const checks = ['1 = 2'];
      if (i.args.min_value !== undefined) checks.push(`not (${col(i)} ${inclusive ? '>=' : '>'} ${String(i.args.min_value)})`);
      if (i.args.max_value !== undefined) checks.push(`not (${col(i)} ${inclusive ? '<=' : '<'} ${String(i.args.max_value)})`);
      return `select *\nfrom ${i.relation}\nwhere ${checks.join('\n   or ')}`;
    },
  },
  {
    name: 'not_empty',
    required: [],
    optional: [],
    relationArgs: [],
    needsColumn: false,
    sql: (i) => `select 'no rows' as failure\nwhere not exists (select 1 from ${i.relation})`,
  },
  {
    name: 'row_count',
    required: [],
    optional: ['min_value', 'max_value', 'equal_to', 'compare_model'],
    relationArgs: ['equal_to', 'compare_model'],
    needsColumn: false,
    sql: (i) => {
      const other = i.relations.equal_to ?? i.relations.compare_model;
      if (other) {
        return `with a as (select count(*) as row_count from ${i.relation}),\nb as (select count(*) as row_count from ${other})\nselect a.row_count, b.row_count as expected_row_count\nfrom a, b\nwhere a.row_count <> b.row_count`;
      }
      const checks = ['1 = 2'];
      if (i.args.min_value !== undefined) checks.push(`row_count < ${Number(i.args.min_value)}`);
      if (i.args.max_value !== undefined) checks.push(`row_count > ${Number(i.args.max_value)}`);
      return `with c as (select count(*) as row_count from ${i.relation})\nselect row_count\nfrom c\nwhere ${checks.join(' or ')}`;
    },
  },
  {
    name: 'recency',
    required: ['datepart', 'interval', 'field'],
    optional: [],
    relationArgs: [],
    needsColumn: false,
    sql: (i) => {
      const threshold = `${i.nowUtc} - INTERVAL ${quoteLiteral(`${Number(i.args.interval)} ${String(i.args.datepart)}`)}`;
      return `with recency as (\n  select max(${quoteIdent(String(i.args.field))})::timestamp as most_recent, ${threshold} as threshold\n  from ${i.relation}\n)\nselect most_recent, threshold\nfrom recency\nwhere most_recent is null or most_recent < threshold`;
    },
  },
];

export const BUILTIN_BY_NAME = new Map(BUILTIN_TESTS.map((t) => [t.name, t]));

/** Argument checks beyond presence, as messages (empty when fine). */
export function checkBuiltinArgs(test: BuiltinTest, args: Readonly<Record<string, unknown>>): string[] {
  const problems: string[] = [];
  if (test.name === 'accepted_values' && !Array.isArray(args.values)) problems.push('accepted_values needs values: a list, e.g. values: [placed, shipped]');
  if (test.name === 'unique_combination_of_columns' && !(Array.isArray(args.combination_of_columns) && args.combination_of_columns.every((c) => typeof c === 'string'))) {
    problems.push('unique_combination_of_columns needs combination_of_columns: a list of column names');
  }
  if (test.name === 'recency') {
    if (!DATEPARTS.includes(String(args.datepart))) problems.push(`recency datepart must be one of ${DATEPARTS.join(', ')} (got ${JSON.stringify(args.datepart)})`);
    if (!Number.isFinite(Number(args.interval))) problems.push(`recency interval must be a number (got ${JSON.stringify(args.interval)})`);
  }
  if (test.name === 'row_count') {
    const has = (k: string) => args[k] !== undefined;
    if (!has('min_value') && !has('max_value') && !has('equal_to') && !has('compare_model')) problems.push('row_count needs min_value and/or max_value, or equal_to: ref(\'other\')');
    for (const k of ['min_value', 'max_value']) if (has(k) && !Number.isFinite(Number(args[k]))) problems.push(`row_count ${k} must be a number`);
  }
  if (test.name === 'accepted_range' && args.min_value === undefined && args.max_value === undefined) problems.push('accepted_range needs min_value and/or max_value');
  return problems;
}
