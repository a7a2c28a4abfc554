import { describe, expect, it } from 'vitest';
import { parseDashboard } from './spec.js';

describe('parseDashboard', () => {
  it('reads the title, as_of and each chart with the line its query starts on', () => {
    const { spec, diagnostics } = parseDashboard(`title: Shop
description: Orders by day
as_of: select max(day) from {{ref "orders"}}
charts:
  - title: Orders per day
    kind: line
    sql: |
      select day, count(*) as orders
      from {{ref "orders"}} group by day
    x: day
    series: orders
    format: integer
  - title: Status split
    kind: doughnut
    sql: select status, count(*) as n from {{ref "orders"}} group by status
    labels: status
    series: [n]
  - title: Biggest customers
    kind: bar
    horizontal: true
    sql: select customer, sum(amount) as amount from {{ref "orders"}} group by customer
    x: customer
    series: [amount]
    format: decimal
  - title: All orders
    kind: table
    sql: select * from {{ref "orders"}}
`);
    expect(diagnostics).toEqual([]);
    expect(spec!.title).toBe('Shop');
    expect(spec!.description).toBe('Orders by day');
    expect(spec!.asOf).toEqual({ sql: 'select max(day) from {{ref "orders"}}', sqlLine: 3 });
    expect(spec!.charts.map((c) => [c.title, c.kind, c.x, c.labels, c.series, c.format, c.horizontal, c.sqlLine, c.line, c.problem])).toEqual([
      ['Orders per day', 'line', 'day', undefined, ['orders'], 'integer', false, 8, 5, undefined],
      ['Status split', 'doughnut', undefined, 'status', ['n'], 'number', false, 15, 13, undefined],
      ['Biggest customers', 'bar', 'customer', undefined, ['amount'], 'decimal', true, 21, 18, undefined],
      ['All orders', 'table', undefined, undefined, [], 'number', false, 27, 25, undefined],
    ]);
    expect(spec!.charts[0]!.sql).toBe('select day, count(*) as orders\nfrom {{ref "orders"}} group by day\n');
  });

  const chart = (body: string) => parseDashboard(`title: Shop\ncharts:\n  - title: Orders\n${body}`);

  it('warns about an unknown key with the nearest one, and keeps the chart', () => {
    const { spec, diagnostics } = chart('    kind: table\n    sql: select 1 as n\n    serie: [n]\n');
    expect(diagnostics).toEqual([{ level: 'warn', message: 'unknown key "serie" in chart — did you mean "series"? (ignored)', file: 'dashboard.yml', line: 6, col: 5 }]);
    expect(spec!.charts[0]!.problem).toBeUndefined();
  });

  it('warns about an unknown top-level key', () => {
    const { diagnostics } = parseDashboard('titel: Shop\ncharts: []\n');
    expect(diagnostics).toEqual([{ level: 'warn', message: 'unknown key "titel" in dashboard.yml — did you mean "title"? (ignored)', file: 'dashboard.yml', line: 1, col: 1 }]);
  });

  it('reports a chart without sql at the chart, which then shows the problem in its place', () => {
    const { spec, diagnostics } = chart('    kind: table\n');
    const message = 'chart "Orders" has no sql — add sql: with the query whose rows it draws';
    expect(diagnostics).toEqual([{ level: 'error', message, file: 'dashboard.yml', line: 3, col: 5 }]);
    expect(spec!.charts[0]!.problem).toBe(message);
    expect(chart('    kind: table\n    sql: "  "\n').diagnostics).toEqual([{ level: 'error', message, file: 'dashboard.yml', line: 3, col: 5 }]);
  });

  it('reports an unknown kind with the nearest valid one', () => {
    const { spec, diagnostics } = chart('    kind: lines\n    sql: select 1\n');
    expect(diagnostics).toEqual([
      { level: 'error', message: 'kind must be one of line, bar, doughnut, table, number (got "lines") — did you mean "line"?', file: 'dashboard.yml', line: 4, col: 5 },
    ]);
    expect(spec!.charts[0]!.problem).toBe('kind must be one of line, bar, doughnut, table, number');
  });

  it('reports a missing kind', () => {
    expect(chart('    sql: select 1\n').diagnostics).toEqual([
      { level: 'error', message: 'chart "Orders" has no kind — add kind: with one of line, bar, doughnut, table, number', file: 'dashboard.yml', line: 3, col: 5 },
    ]);
  });

  it('reports an unknown number format', () => {
    expect(chart('    kind: table\n    sql: select 1\n    format: percentage\n').diagnostics).toEqual([
      { level: 'error', message: 'format must be one of number, integer, decimal, percent (got "percentage") — did you mean "percent"?', file: 'dashboard.yml', line: 6, col: 5 },
    ]);
  });

  it('needs the columns each kind draws', () => {
    const problems = (body: string) => chart(body).diagnostics.map((d) => `${d.line}: ${d.message}`);
    expect(problems('    kind: line\n    sql: select 1\n    series: [n]\n')).toEqual(['3: line chart "Orders" needs x: — name the column along its axis, e.g. x: date']);
    expect(problems('    kind: doughnut\n    sql: select 1\n    series: [n]\n')).toEqual(['3: doughnut chart "Orders" needs labels: — name the column naming its slices, e.g. labels: tool_category']);
    expect(problems('    kind: bar\n    sql: select 1\n    x: day\n')).toEqual(['3: bar chart "Orders" needs series: — list the value column(s), e.g. series: [total_uploads]']);
    expect(problems('    kind: number\n    sql: select 1\n    series: [a, b]\n')).toEqual(['6: a number chart shows one value column, but series lists 2 — keep one']);
    expect(problems('    kind: table\n    sql: select 1\n    series: {a: 1}\n')).toEqual(['6: series must be a column name or a list of them, e.g. series: [total_uploads, total_downloads]']);
  });

  it('needs horizontal to be a boolean and the file to be a mapping', () => {
    expect(chart('    kind: table\n    sql: select 1\n    horizontal: yes please\n').diagnostics).toEqual([
      { level: 'error', message: 'horizontal must be true or false (got "yes please")', file: 'dashboard.yml', line: 6, col: 5 },
    ]);
    expect(parseDashboard('- a\n').diagnostics).toEqual([
      { level: 'error', message: 'dashboard.yml must be a mapping with title: and charts: — see the dashboard.yml reference in the README', file: 'dashboard.yml', line: 1, col: 1 },
    ]);
  });

  it('needs charts to be a list', () => {
    expect(parseDashboard('title: Shop\ncharts: {a: 1}\n').diagnostics).toEqual([
      { level: 'error', message: 'charts must be a list of charts, each with title:, kind: and sql:', file: 'dashboard.yml', line: 2, col: 1 },
    ]);
  });

  it('reports YAML syntax errors at their line', () => {
    const { spec, diagnostics } = parseDashboard('title: Shop\ncharts: [unclosed\n');
    expect(spec).toBeUndefined();
    expect(diagnostics[0]).toMatchObject({ level: 'error', file: 'dashboard.yml' });
    expect(diagnostics[0]!.message).toMatch(/^invalid YAML: /);
  });
});
