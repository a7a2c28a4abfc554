/**
 * A small project for the docs tests, every status in it after `seed` then `build`:
 *
 *   seed countries ─────────────────────────────┐
 *   seed raw_orders → source shop.orders → stg_orders ──┬→ customer_orders
 *   customers (tests: unique id passes, accepted_values name warns) ──┘   ↑
 *   ephemeral_regions (ephemeral) ───────────────────────────────────┘
 *   broken (runtime error) → after_broken (skipped)
 *   lonely (not_null id fails)
 */
export const DOCS_PROJECT: Record<string, string> = {
  'seeds/countries.csv': 'code,name\nfr,France\nde,Germany\n',
  'seeds/raw_orders.csv': 'id,customer_id,ordered_at\n1,1,2024-01-01 10:00:00\n2,2,2024-01-02 11:00:00\n',
  'models/sources.yml': [
    'version: 2',
    'sources:',
    '  - name: shop',
    '    description: The shop database',
    '    schema: main',
    '    loaded_at_field: ordered_at',
    '    freshness: { warn_after: { count: 1, period: day } }',
    '    tables:',
    '      - name: orders',
    '        identifier: raw_orders',
    '        columns:',
    '          - name: id',
    '            description: Order key',
    '',
  ].join('\n'),
  'models/schema.yml': [
    'version: 2',
    'models:',
    '  - name: customers',
    '    description: One row per customer.',
    '    columns:',
    '      - name: id',
    '        description: The customer key',
    '        data_type: integer',
    '        tests: [unique]',
    '      - name: name',
    '        tests:',
    '          - accepted_values: { values: [ann], severity: warn }',
    '      - name: ghost_column',
    '        description: Declared but never selected',
    '  - name: lonely',
    '    columns:',
    '      - name: id',
    '        tests: [not_null]',
    '',
  ].join('\n'),
  'models/customers.sql': "{{config materialized=\"table\" tags=\"[core]\"}}\nselect 1 as id, 'ann' as name union all select 2, 'bob'\n",
  'models/staging/stg_orders.sql': 'select id as order_id, customer_id from {{source "shop" "orders"}}\n',
  'models/ephemeral_regions.sql': "{{config materialized=\"ephemeral\"}}\nselect 'fr' as code, 'west' as region\n",
  'models/marts/customer_orders.sql':
    'select c.id, c.name, count(o.order_id) as orders, max(r.region) as region, max(k.name) as country\nfrom {{ref "customers"}} c\nleft join {{ref "stg_orders"}} o on o.customer_id = c.id\nleft join {{ref "ephemeral_regions"}} r on true\nleft join {{ref "countries"}} k on k.code = r.code\ngroup by 1, 2\n',
  'models/broken.sql': "{{config materialized=\"table\"}}\nselect cast('not a number' as integer) as id\n",
  'models/after_broken.sql': 'select * from {{ref "broken"}}\n',
  'models/lonely.sql': 'select null::integer as id\n',
};
