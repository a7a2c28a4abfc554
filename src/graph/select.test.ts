import { describe, expect, it } from 'vitest';
import type { GraphNode } from './nodes.js';
import { fqnMatches, glob, parseCriterion, selectNodes, type SelectionInput, type SelectOptions } from './select.js';

// ---------------------------------------------------------------------------------------------
// Fixtures
// ---------------------------------------------------------------------------------------------

type NodeSpec = Partial<Omit<GraphNode, 'config'>> & { config?: Partial<GraphNode['config']> };

function model(name: string, folder: string, spec: NodeSpec = {}): GraphNode {
  return make('model', name, {
    path: `models/${folder}/${name}.sql`,
    fqn: ['shop', ...folder.split('/'), name],
    ...spec,
  });
}

function seed(name: string, spec: NodeSpec = {}): GraphNode {
  return make('seed', name, { path: `seeds/${name}.csv`, fqn: ['shop', name], ...spec });
}

function source(sourceName: string, tableName: string, spec: NodeSpec = {}): GraphNode {
  return make('source', tableName, {
    uniqueId: `source.shop.${sourceName}.${tableName}`,
    path: 'models/sources.yml',
    fqn: ['shop', sourceName, tableName],
    sourceName,
    tableName,
    ...spec,
  });
}

function genericTest(name: string, dependsOn: string[], spec: NodeSpec = {}): GraphNode {
  return make('test', name, { path: 'models/schema.yml', fqn: ['shop', name], dependsOn, testType: 'generic', ...spec });
}

function singularTest(name: string, dependsOn: string[], spec: NodeSpec = {}): GraphNode {
  return make('test', name, { path: `tests/${name}.sql`, fqn: ['shop', name], dependsOn, testType: 'singular', ...spec });
}

function make(resourceType: GraphNode['resourceType'], name: string, spec: NodeSpec): GraphNode {
  const { config, ...rest } = spec;
  const tags = rest.tags ?? [];
  return {
    uniqueId: `${resourceType}.shop.${name}`,
    resourceType,
    name,
    packageName: 'shop',
    path: `${name}`,
    fqn: ['shop', name],
    schema: 'main',
    identifier: name,
    dependsOn: [],
    ...rest,
    tags,
    config: { tags, enabled: true, ...config },
  };
}

/** Parent/child maps derived from dependsOn, as the graph builder does. */
function graphOf(nodes: GraphNode[]): SelectionInput {
  const byId = new Map(nodes.map((n) => [n.uniqueId, n]));
  const parents = new Map<string, string[]>();
  const children = new Map<string, string[]>();
  for (const n of nodes) {
    parents.set(n.uniqueId, [...n.dependsOn]);
    children.set(n.uniqueId, children.get(n.uniqueId) ?? []);
    for (const p of n.dependsOn) {
      const list = children.get(p) ?? [];
      list.push(n.uniqueId);
      children.set(p, list);
    }
  }
  return { nodes: byId, parents, children };
}

const ids = {
  events: 'source.shop.supabase.events',
  users: 'source.shop.supabase.users',
  payments: 'source.shop.stripe.payments',
  countries: 'seed.shop.countries',
  stgEvents: 'model.shop.stg_events',
  stgUsers: 'model.shop.stg_users',
  stgPayments: 'model.shop.stg_payments',
  intUserEvents: 'model.shop.int_user_events',
  fctEvents: 'model.shop.fct_events',
  dimUsers: 'model.shop.dim_users',
  notNullStgEvents: 'test.shop.not_null_stg_events_id',
  uniqueFct: 'test.shop.unique_fct_events_id',
  relFctUsers: 'test.shop.relationships_fct_events_user_id__dim_users',
  assertPositive: 'test.shop.assert_positive_amounts',
  sourceNotNull: 'test.shop.source_not_null_supabase_events_id',
} as const;

/**
 *   events ─ stg_events ─┐
 *   users ── stg_users ──┼─ int_user_events ─ fct_events
 *                        └─ dim_users         ↑
 *   payments ─ stg_payments        countries ─┘
 * Tests: not_null(stg_events), unique(fct_events), relationships(fct_events, dim_users),
 * assert_positive(fct_events, singular), source_not_null(events).
 */
function shop(): SelectionInput {
  return graphOf([
    source('supabase', 'events'),
    source('supabase', 'users', { tags: ['pii'] }),
    source('stripe', 'payments'),
    seed('countries', { config: { materialized: 'seed' } }),
    model('stg_events', 'staging', { dependsOn: [ids.events], tags: ['nightly'], config: { materialized: 'view' } }),
    model('stg_users', 'staging', { dependsOn: [ids.users], tags: ['nightly', 'pii'], config: { materialized: 'view' } }),
    model('stg_payments', 'staging', { dependsOn: [ids.payments], config: { materialized: 'table' } }),
    model('int_user_events', 'intermediate', { dependsOn: [ids.stgEvents, ids.stgUsers], config: { materialized: 'ephemeral' } }),
    model('fct_events', 'marts/core', {
      dependsOn: [ids.intUserEvents, ids.countries],
      tags: ['daily'],
      config: { materialized: 'incremental', unique_key: ['event_id', 'user_id'], meta: { owner: 'ana', tier: 1 }, full_refresh: false },
    }),
    model('dim_users', 'marts/core', { dependsOn: [ids.stgUsers], tags: ['nightly'], config: { materialized: 'table', access: 'public', group: 'growth' } }),
    genericTest('not_null_stg_events_id', [ids.stgEvents], { config: { materialized: 'test', severity: 'warn' } }),
    genericTest('unique_fct_events_id', [ids.fctEvents], { config: { materialized: 'test', severity: 'error' } }),
    genericTest('relationships_fct_events_user_id__dim_users', [ids.fctEvents, ids.dimUsers], { config: { materialized: 'test' } }),
    singularTest('assert_positive_amounts', [ids.fctEvents], { tags: ['finance'] }),
    genericTest('source_not_null_supabase_events_id', [ids.events]),
  ]);
}

function sel(select: string[] | undefined, exclude?: string[], options?: SelectOptions, input = shop()) {
  return selectNodes(input, select, exclude, options);
}

/** Selected ids, sorted, and assert there were no diagnostics. */
function pick(select: string[] | undefined, exclude?: string[], options?: SelectOptions): string[] {
  const result = sel(select, exclude, options);
  expect(result.diagnostics).toEqual([]);
  return [...result.selected].sort();
}

const sorted = (...xs: string[]) => [...xs].sort();
const allIds = () => [...shop().nodes.keys()].sort();

// ---------------------------------------------------------------------------------------------
// Defaults
// ---------------------------------------------------------------------------------------------

describe('no selection', () => {
  it('selects every node when select is undefined or empty', () => {
    expect(pick(undefined)).toEqual(allIds());
    expect(pick([])).toEqual(allIds());
  });

  it('returns the selection in the order of input.nodes, whatever the selector order', () => {
    const input = shop();
    const order = [...input.nodes.keys()];
    const selected = [...selectNodes(input, ['stg_payments', 'fct_events', '+dim_users'], undefined).selected];
    expect(selected).toEqual(order.filter((id) => selected.includes(id)));
  });

  it('selects nothing for a blank selection, with a warning', () => {
    const r = sel(['', '  ']);
    expect([...r.selected]).toEqual([]);
    expect(r.diagnostics).toEqual([{ level: 'warn', message: 'The selection is blank, so no node is selected', file: undefined, line: undefined, col: undefined }]);
  });

  it('applies exclude to the default selection', () => {
    expect(pick(undefined, ['resource_type:test'])).toEqual(allIds().filter((id) => !id.startsWith('test.')));
  });
});

// ---------------------------------------------------------------------------------------------
// Methods
// ---------------------------------------------------------------------------------------------

describe('bare names and fqn', () => {
  it('matches a model by name, pulling in its tests (eager)', () => {
    expect(pick(['stg_events'])).toEqual(sorted(ids.stgEvents, ids.notNullStgEvents));
  });

  it('matches a folder as an fqn prefix without the project name', () => {
    expect(pick(['staging'])).toEqual(sorted(ids.stgEvents, ids.stgUsers, ids.stgPayments, ids.notNullStgEvents));
  });

  it('matches dotted fqn prefixes with or without the project name', () => {
    expect(pick(['staging.stg_users'])).toEqual([ids.stgUsers]);
    expect(pick(['shop.staging.stg_users'])).toEqual([ids.stgUsers]);
    expect(pick(['shop.marts'])).toEqual(sorted(ids.fctEvents, ids.dimUsers, ids.uniqueFct, ids.relFctUsers, ids.assertPositive));
    expect(pick(['marts.core.dim_users'])).toEqual(sorted(ids.dimUsers, ids.relFctUsers));
  });

  it('does not match a partial segment', () => {
    expect(sel(['stag']).selected.size).toBe(0);
    expect(sel(['staging.stg']).selected.size).toBe(0);
  });

  it('takes an explicit fqn: method', () => {
    expect(pick(['fqn:staging.stg_users'])).toEqual([ids.stgUsers]);
    expect(pick(['fqn:*'], ['resource_type:test'])).toEqual(sorted(ids.countries, ids.stgEvents, ids.stgUsers, ids.stgPayments, ids.intUserEvents, ids.fctEvents, ids.dimUsers));
  });

  it('does not match sources by bare name (as in dbt)', () => {
    const r = sel(['events']);
    expect(r.selected.size).toBe(0);
    expect(r.diagnostics[0]?.message).toBe(`The selection criterion 'events' does not match any node — did you mean "source:supabase.events"?`);
  });

  it('matches tests by name, without indirectly adding anything else', () => {
    expect(pick(['unique_fct_events_id'])).toEqual([ids.uniqueFct]);
  });

  it('matches a seed by name', () => {
    expect(pick(['countries'])).toEqual([ids.countries]);
  });
});

describe('fqnMatches (port of dbt is_selected_node)', () => {
  const fqn = ['shop', 'staging', 'stg_orders'];
  it.each([
    ['stg_orders', true],
    ['shop', true],
    ['shop.staging', true],
    ['shop.staging.stg_orders', true],
    ['staging', false], // only through the unscoped fqn, which the method also tries
    ['shop.stag', false],
    ['shop.*', true],
    ['shop.staging.stg_*', true],
    ['shop.*.stg_orders', true],
    ['shop.staging.stg_orders.extra', false],
    ['*orders', true],
  ])('%s -> %s', (selector, expected) => {
    expect(fqnMatches(fqn, selector)).toBe(expected);
  });

  it('treats dots in segments as separators', () => {
    expect(fqnMatches(['shop', 'a.b'], 'shop.a')).toBe(true);
  });

  it('rejects an empty fqn', () => {
    expect(fqnMatches([], 'x')).toBe(false);
  });
});

describe('wildcards', () => {
  it('globs names with * ? and [abc]', () => {
    expect(pick(['stg_*'])).toEqual(sorted(ids.stgEvents, ids.stgUsers, ids.stgPayments, ids.notNullStgEvents));
    expect(pick(['stg_user?'])).toEqual([ids.stgUsers]);
    expect(pick(['stg_[ep]*'])).toEqual(sorted(ids.stgEvents, ids.stgPayments, ids.notNullStgEvents));
    expect(pick(['stg_[!ep]*'])).toEqual([ids.stgUsers]);
  });

  it('globs dotted fqns from the first wildcard on', () => {
    expect(pick(['marts.*'], ['resource_type:test'])).toEqual(sorted(ids.fctEvents, ids.dimUsers));
    expect(pick(['shop.*.stg_events'])).toEqual(sorted(ids.stgEvents, ids.notNullStgEvents));
  });

  it('globs tags, paths and sources', () => {
    expect(pick(['tag:nigh*'], ['resource_type:test'])).toEqual(sorted(ids.stgEvents, ids.stgUsers, ids.dimUsers));
    expect(pick(['path:models/st*'])).toEqual(sorted(ids.stgEvents, ids.stgUsers, ids.stgPayments, ids.notNullStgEvents));
    expect(pick(['source:supabase.*'])).toEqual(sorted(ids.events, ids.users, ids.sourceNotNull));
    expect(pick(['source:s*.u*'])).toEqual([ids.users]);
  });

  it('is case-sensitive, like fnmatch on POSIX', () => {
    expect(sel(['STG_*']).selected.size).toBe(0);
  });
});

describe('glob', () => {
  it.each([
    ['a*', 'abc', true],
    ['a*', 'xa', false],
    ['a?c', 'abc', true],
    ['a?c', 'ac', false],
    ['[ab]x', 'bx', true],
    ['[!ab]x', 'bx', false],
    ['[a-c]x', 'cx', true],
    ['a.b', 'axb', false],
    ['a[', 'a[', true],
    ['*', 'a.b/c', true],
    ['[]]', ']', true],
    ['[z-a]', '[z-a]', true],
    ['(x)+', '(x)+', true],
  ])('%s on %s -> %s', (pattern, s, expected) => {
    expect(glob(pattern)(s)).toBe(expected);
  });
});

describe('tag', () => {
  it('matches node tags', () => {
    expect(pick(['tag:daily'])).toEqual(sorted(ids.fctEvents, ids.uniqueFct, ids.relFctUsers, ids.assertPositive));
  });

  it('matches sources and tests too', () => {
    expect(pick(['tag:pii'], ['resource_type:test'])).toEqual(sorted(ids.users, ids.stgUsers));
    expect(pick(['tag:finance'])).toEqual([ids.assertPositive]);
  });

  it('matches tags present only in config.tags', () => {
    const input = graphOf([model('m', 'x', { config: { tags: ['late'] } })]);
    expect([...selectNodes(input, ['tag:late'], undefined).selected]).toEqual(['model.shop.m']);
  });
});

describe('path', () => {
  it('matches a folder prefix, with or without trailing slash or ./', () => {
    const staging = sorted(ids.stgEvents, ids.stgUsers, ids.stgPayments, ids.notNullStgEvents);
    expect(pick(['path:models/staging'])).toEqual(staging);
    expect(pick(['path:models/staging/'])).toEqual(staging);
    expect(pick(['path:./models/staging'])).toEqual(staging);
  });

  it('matches nested folders', () => {
    expect(pick(['path:models/marts'], ['resource_type:test'])).toEqual(sorted(ids.fctEvents, ids.dimUsers));
  });

  it('matches an exact file path', () => {
    expect(pick(['path:models/staging/stg_users.sql'])).toEqual([ids.stgUsers]);
  });

  it('does not match a partial folder name', () => {
    expect(sel(['path:models/stag']).selected.size).toBe(0);
  });

  it('is the default method for a bare value with a slash', () => {
    expect(pick(['models/marts/core'], ['resource_type:test'])).toEqual(sorted(ids.fctEvents, ids.dimUsers));
  });

  it('matches yml-defined nodes by their yml path', () => {
    expect(pick(['path:models/sources.yml'])).toEqual(sorted(ids.events, ids.users, ids.payments, ids.sourceNotNull));
  });

  it('keeps * within a folder and lets ** span folders', () => {
    expect(sel(['path:models/*/stg_users.sql']).selected).toEqual(new Set([ids.stgUsers]));
    expect(sel(['path:*/stg_users.sql']).selected.size).toBe(0);
    expect(pick(['path:**/stg_users.sql'])).toEqual([ids.stgUsers]);
    expect(pick(['path:models/**/*.sql'], ['resource_type:test'])).toEqual(
      sorted(ids.stgEvents, ids.stgUsers, ids.stgPayments, ids.intUserEvents, ids.fctEvents, ids.dimUsers),
    );
  });

  it('selects everything for the project root', () => {
    expect(pick(['path:.'])).toEqual(allIds());
  });
});

describe('file', () => {
  it('matches the file name, with or without extension', () => {
    expect(pick(['file:stg_users.sql'])).toEqual([ids.stgUsers]);
    expect(pick(['file:stg_users'])).toEqual([ids.stgUsers]);
    expect(pick(['file:countries.csv'])).toEqual([ids.countries]);
  });

  it('is the default method for a bare value with a file extension', () => {
    expect(pick(['stg_users.sql'])).toEqual([ids.stgUsers]);
  });

  it('globs', () => {
    expect(pick(['file:dim_*.sql'])).toEqual(sorted(ids.dimUsers, ids.relFctUsers));
  });
});

describe('config', () => {
  it('matches config.materialized', () => {
    expect(pick(['config.materialized:incremental'])).toEqual(sorted(ids.fctEvents, ids.uniqueFct, ids.relFctUsers, ids.assertPositive));
    expect(pick(['config.materialized:table'])).toEqual(sorted(ids.stgPayments, ids.dimUsers, ids.relFctUsers));
    expect(pick(['config.materialized:seed'])).toEqual([ids.countries]);
  });

  it('matches arrays that contain the value', () => {
    expect(pick(['config.unique_key:user_id'], ['resource_type:test'])).toEqual([ids.fctEvents]);
  });

  it('descends into nested keys and compares numbers as text', () => {
    expect(pick(['config.meta.owner:ana'], ['resource_type:test'])).toEqual([ids.fctEvents]);
    expect(pick(['config.meta.tier:1'], ['resource_type:test'])).toEqual([ids.fctEvents]);
  });

  it('compares booleans in any case', () => {
    expect(pick(['config.full_refresh:False'], ['resource_type:test'])).toEqual([ids.fctEvents]);
    expect(pick(['config.enabled:true'])).toEqual(allIds());
  });

  it('compares severity case-insensitively only', () => {
    expect(pick(['config.severity:WARN'])).toEqual([ids.notNullStgEvents]);
    const r = sel(['config.materialized:TABLE']);
    expect(r.selected.size).toBe(0);
    expect(r.diagnostics[0]?.message).toBe(`The selection criterion 'config.materialized:TABLE' does not match any node — did you mean "config.materialized:table"?`);
  });

  it('does not glob config values', () => {
    expect(sel(['config.materialized:tab*']).selected.size).toBe(0);
  });
});

describe('source', () => {
  it('selects all tables of a source', () => {
    expect(pick(['source:supabase'], ['resource_type:test'])).toEqual(sorted(ids.events, ids.users));
  });

  it('selects one table', () => {
    expect(pick(['source:stripe.payments'])).toEqual([ids.payments]);
  });

  it('accepts package.source.table', () => {
    expect(pick(['source:shop.stripe.payments'])).toEqual([ids.payments]);
    expect(sel(['source:other.stripe.payments']).selected.size).toBe(0);
  });

  it('adds tests on source tables', () => {
    expect(pick(['source:supabase.events'])).toEqual(sorted(ids.events, ids.sourceNotNull));
  });

  it('with + selects the models built on the source', () => {
    expect(pick(['source:stripe+'])).toEqual(sorted(ids.payments, ids.stgPayments));
  });
});

describe('resource_type, test_type, package, group, access', () => {
  it('selects by resource type', () => {
    expect(pick(['resource_type:seed'])).toEqual([ids.countries]);
    expect(pick(['resource_type:source'], ['resource_type:test'])).toEqual(sorted(ids.events, ids.users, ids.payments));
    expect(pick(['resource_type:test'])).toEqual(sorted(ids.notNullStgEvents, ids.uniqueFct, ids.relFctUsers, ids.assertPositive, ids.sourceNotNull));
  });

  it('treats dbt-only resource types as valid but empty', () => {
    const r = sel(['resource_type:snapshot']);
    expect(r.selected.size).toBe(0);
    expect(r.diagnostics.map((d) => d.level)).toEqual(['warn']);
  });

  it('selects by test type', () => {
    expect(pick(['test_type:singular'])).toEqual([ids.assertPositive]);
    expect(pick(['test_type:generic'])).toEqual(sorted(ids.notNullStgEvents, ids.uniqueFct, ids.relFctUsers, ids.sourceNotNull));
    expect(pick(['test_type:schema'])).toEqual(pick(['test_type:generic']));
    expect(pick(['test_type:data'])).toEqual(pick(['resource_type:test']));
  });

  it('selects by package', () => {
    expect(pick(['package:shop'])).toEqual(allIds());
    expect(pick(['package:sh*'])).toEqual(allIds());
  });

  it('selects by group and access', () => {
    expect(pick(['group:growth'], ['resource_type:test'])).toEqual([ids.dimUsers]);
    expect(pick(['access:public'], ['resource_type:test'])).toEqual([ids.dimUsers]);
  });
});

// ---------------------------------------------------------------------------------------------
// Graph operators
// ---------------------------------------------------------------------------------------------

describe('graph operators', () => {
  const noTests = ['resource_type:test'];

  it('+x selects all ancestors', () => {
    expect(pick(['+int_user_events'], noTests)).toEqual(sorted(ids.events, ids.users, ids.stgEvents, ids.stgUsers, ids.intUserEvents));
  });

  it('n+x limits ancestor depth', () => {
    expect(pick(['1+int_user_events'], noTests)).toEqual(sorted(ids.stgEvents, ids.stgUsers, ids.intUserEvents));
    expect(pick(['2+fct_events'], noTests)).toEqual(sorted(ids.stgEvents, ids.stgUsers, ids.intUserEvents, ids.countries, ids.fctEvents));
    expect(pick(['0+fct_events'], noTests)).toEqual([ids.fctEvents]);
  });

  it('x+ selects all descendants, including tests reached through the graph', () => {
    expect(pick(['stg_users+'])).toEqual(sorted(ids.stgUsers, ids.intUserEvents, ids.dimUsers, ids.fctEvents, ids.uniqueFct, ids.relFctUsers, ids.assertPositive));
  });

  it('x+n limits descendant depth', () => {
    expect(pick(['stg_users+1'], noTests)).toEqual(sorted(ids.stgUsers, ids.intUserEvents, ids.dimUsers));
    expect(pick(['source:supabase.users+2'], noTests)).toEqual(sorted(ids.users, ids.stgUsers, ids.intUserEvents, ids.dimUsers));
  });

  it('+x+ selects both directions', () => {
    expect(pick(['+int_user_events+'], noTests)).toEqual(sorted(ids.events, ids.users, ids.stgEvents, ids.stgUsers, ids.intUserEvents, ids.fctEvents));
    expect(pick(['1+int_user_events+1'], noTests)).toEqual(sorted(ids.stgEvents, ids.stgUsers, ids.intUserEvents, ids.fctEvents));
  });

  it('@x selects descendants and all their ancestors', () => {
    expect(pick(['@stg_users'], noTests)).toEqual(
      sorted(ids.users, ids.stgUsers, ids.intUserEvents, ids.dimUsers, ids.fctEvents, ids.events, ids.stgEvents, ids.countries),
    );
  });

  it('@x walks through tests like dbt: a relationships test below x pulls in its other parent', () => {
    // fct_events is below stg_events; its relationships test is too, and that test's parents include dim_users.
    expect(pick(['@stg_events'], noTests)).toContain(ids.dimUsers);
    const withoutTestEdges = graphOf([...shop().nodes.values()].filter((n) => n.resourceType !== 'test'));
    expect([...selectNodes(withoutTestEdges, ['@stg_events'], undefined).selected]).not.toContain(ids.dimUsers);
  });

  it('@ and + prefix can be combined', () => {
    expect(pick(['@+stg_events'], noTests)).toEqual(pick(['@stg_events'], noTests));
  });

  it('applies operators to every node the method matched', () => {
    expect(pick(['tag:nightly+1'], noTests)).toEqual(sorted(ids.stgEvents, ids.stgUsers, ids.dimUsers, ids.intUserEvents));
    expect(pick(['1+tag:nightly'], noTests)).toEqual(sorted(ids.events, ids.users, ids.stgEvents, ids.stgUsers, ids.dimUsers));
  });

  it('ignores adjacency entries for unknown ids', () => {
    const input = graphOf([model('a', 'x')]);
    const children = new Map(input.children);
    children.set('model.shop.a', ['model.shop.ghost']);
    expect([...selectNodes({ ...input, children }, ['a+'], undefined).selected]).toEqual(['model.shop.a']);
  });

  it('terminates on cycles', () => {
    const a = model('a', 'x', { dependsOn: ['model.shop.b'] });
    const b = model('b', 'x', { dependsOn: ['model.shop.a'] });
    expect([...selectNodes(graphOf([a, b]), ['a+'], undefined).selected].sort()).toEqual(['model.shop.a', 'model.shop.b']);
  });
});

// ---------------------------------------------------------------------------------------------
// Set operations
// ---------------------------------------------------------------------------------------------

describe('union and intersection', () => {
  const noTests = ['resource_type:test'];

  it('unions space-separated words within one argument', () => {
    expect(pick(['stg_events dim_users'], noTests)).toEqual(sorted(ids.stgEvents, ids.dimUsers));
  });

  it('unions repeated arguments', () => {
    expect(pick(['stg_events', 'dim_users  countries'], noTests)).toEqual(sorted(ids.stgEvents, ids.dimUsers, ids.countries));
  });

  it('intersects comma-separated criteria', () => {
    expect(pick(['tag:nightly,config.materialized:table'])).toEqual(sorted(ids.dimUsers, ids.relFctUsers));
    expect(pick(['tag:nightly,staging'], noTests)).toEqual(sorted(ids.stgEvents, ids.stgUsers));
  });

  it('intersects after graph operators', () => {
    expect(pick(['+fct_events,resource_type:seed'])).toEqual([ids.countries]);
  });

  it('combines union of intersections', () => {
    expect(pick(['tag:nightly,tag:pii resource_type:seed'], noTests)).toEqual(sorted(ids.stgUsers, ids.countries));
  });

  it('selects the tests attached to a model with model,resource_type:test (dbt idiom)', () => {
    expect(pick(['fct_events,resource_type:test'])).toEqual(sorted(ids.uniqueFct, ids.relFctUsers, ids.assertPositive));
    expect(pick(['fct_events,test_type:singular'])).toEqual([ids.assertPositive]);
  });
});

describe('exclude', () => {
  it('removes excluded nodes', () => {
    expect(pick(['staging'], ['stg_payments'])).toEqual(sorted(ids.stgEvents, ids.stgUsers, ids.notNullStgEvents));
  });

  it('uses the full grammar', () => {
    expect(pick(['+fct_events'], ['resource_type:source tag:nightly', 'resource_type:test'])).toEqual(sorted(ids.intUserEvents, ids.countries, ids.fctEvents));
    expect(pick(['+fct_events'], ['+stg_users', 'resource_type:test'])).toEqual(sorted(ids.stgEvents, ids.events, ids.intUserEvents, ids.countries, ids.fctEvents));
  });

  it('removes a test matched directly', () => {
    expect(pick(['fct_events'], ['unique_fct_events_id'])).toEqual(sorted(ids.fctEvents, ids.relFctUsers, ids.assertPositive));
  });

  it('removes the tests of an excluded node, even if their other parent is selected (eager)', () => {
    expect(pick(['marts'], ['dim_users'])).toEqual(sorted(ids.fctEvents, ids.uniqueFct, ids.assertPositive));
  });

  it('removes everything when exclude covers the selection', () => {
    expect(pick(['stg_events'], ['stg_events'])).toEqual([]);
  });
});

// ---------------------------------------------------------------------------------------------
// Indirect selection of tests
// ---------------------------------------------------------------------------------------------

describe('indirect test selection', () => {
  it('eager: adds a test when any parent is selected', () => {
    expect(pick(['dim_users'])).toEqual(sorted(ids.dimUsers, ids.relFctUsers));
    expect(pick(['dim_users'], undefined, { indirectSelection: 'eager' })).toEqual(sorted(ids.dimUsers, ids.relFctUsers));
  });

  it('cautious: adds a test only when all parents are selected', () => {
    const cautious = { indirectSelection: 'cautious' } as const;
    expect(pick(['dim_users'], undefined, cautious)).toEqual([ids.dimUsers]);
    expect(pick(['fct_events'], undefined, cautious)).toEqual(sorted(ids.fctEvents, ids.uniqueFct, ids.assertPositive));
    expect(pick(['fct_events dim_users'], undefined, cautious)).toEqual(sorted(ids.fctEvents, ids.dimUsers, ids.uniqueFct, ids.relFctUsers, ids.assertPositive));
    expect(pick(['fct_events', 'dim_users'], undefined, cautious)).toEqual(pick(['fct_events dim_users'], undefined, cautious));
  });

  it('cautious: a test pending in one word joins once a later word brings its other parent', () => {
    expect(pick(['marts.core.fct_events', 'tag:nightly,config.materialized:table'], undefined, { indirectSelection: 'cautious' })).toContain(ids.relFctUsers);
  });

  it('cautious: exclusion runs after indirect selection, so a test whose parents were all included survives (dbt quirk)', () => {
    // dbt: include gives {fct, dim, relationships}; excluding dim_users (cautious) only excludes dim_users itself,
    // because the relationships test's other parent is not in the exclusion.
    const cautious = { indirectSelection: 'cautious' } as const;
    expect(pick(['fct_events dim_users'], ['dim_users'], cautious)).toEqual(sorted(ids.fctEvents, ids.uniqueFct, ids.relFctUsers, ids.assertPositive));
    expect(pick(['fct_events dim_users'], ['fct_events'], cautious)).toEqual(sorted(ids.dimUsers, ids.relFctUsers));
    // Whereas in eager mode excluding a parent also excludes all of its tests.
    expect(pick(['fct_events dim_users'], ['dim_users'])).toEqual(sorted(ids.fctEvents, ids.uniqueFct, ids.assertPositive));
  });

  it('empty: never adds tests indirectly', () => {
    const empty = { indirectSelection: 'empty' } as const;
    expect(pick(['fct_events'], undefined, empty)).toEqual([ids.fctEvents]);
    expect(pick(['source:supabase'], undefined, empty)).toEqual(sorted(ids.events, ids.users));
    // Tests reached by graph traversal are selected directly, as in dbt.
    expect(pick(['dim_users+'], undefined, empty)).toEqual(sorted(ids.dimUsers, ids.relFctUsers));
  });

  it('does not add tests when tests are excluded', () => {
    expect(pick(['fct_events'], ['resource_type:test'])).toEqual([ids.fctEvents]);
    expect(pick(['fct_events'], ['test_type:generic'])).toEqual(sorted(ids.fctEvents, ids.assertPositive));
  });

  it('uses dependsOn even when the children map omits tests', () => {
    const input = shop();
    const children = new Map([...input.children].map(([id, cs]) => [id, cs.filter((c) => !c.startsWith('test.'))]));
    expect([...selectNodes({ ...input, children }, ['stg_events'], undefined).selected].sort()).toEqual(sorted(ids.stgEvents, ids.notNullStgEvents));
  });
});

// ---------------------------------------------------------------------------------------------
// Diagnostics
// ---------------------------------------------------------------------------------------------

describe('no-match warnings', () => {
  it('warns with a suggestion from node names', () => {
    const r = sel(['stg_ordr'], undefined, undefined, graphOf([model('stg_orders', 'staging')]));
    expect(r.selected.size).toBe(0);
    expect(r.diagnostics).toEqual([
      { level: 'warn', message: `The selection criterion 'stg_ordr' does not match any node — did you mean "stg_orders"?`, file: undefined, line: undefined, col: undefined },
    ]);
  });

  it('keeps operators and other criteria in the suggestion', () => {
    expect(sel(['+stg_evnts+1']).diagnostics[0]?.message).toBe(`The selection criterion '+stg_evnts+1' does not match any node — did you mean "+stg_events+1"?`);
    expect(sel(['tag:nightyl,staging']).diagnostics[0]?.message).toBe(`The selection criterion 'tag:nightyl,staging' does not match any node — did you mean "tag:nightly,staging"?`);
  });

  it('suggests per method', () => {
    const message = (s: string) => sel([s]).diagnostics[0]?.message;
    expect(message('source:supabse')).toBe(`The selection criterion 'source:supabse' does not match any node — did you mean "source:supabase"?`);
    expect(message('source:supabase.evnts')).toBe(`The selection criterion 'source:supabase.evnts' does not match any node — did you mean "source:supabase.events"?`);
    expect(message('path:models/stagin')).toBe(`The selection criterion 'path:models/stagin' does not match any node — did you mean "path:models/staging"?`);
    expect(message('models/stagin')).toBe(`The selection criterion 'models/stagin' does not match any node — did you mean "models/staging"?`);
    expect(message('file:stg_user.sql')).toBe(`The selection criterion 'file:stg_user.sql' does not match any node — did you mean "file:stg_users.sql"?`);
    expect(message('staging.stg_evnts')).toBe(`The selection criterion 'staging.stg_evnts' does not match any node — did you mean "staging.stg_events"?`);
    expect(message('package:shp')).toBe(`The selection criterion 'package:shp' does not match any node — did you mean "package:shop"?`);
  });

  it('warns without a suggestion when nothing is close', () => {
    expect(sel(['zzzzzzzzzz']).diagnostics.map((d) => d.message)).toEqual([`The selection criterion 'zzzzzzzzzz' does not match any node`]);
    expect(sel(['stg_x*']).diagnostics.map((d) => d.message)).toEqual([`The selection criterion 'stg_x*' does not match any node`]);
  });

  it('explains an empty intersection of matching parts', () => {
    expect(sel(['tag:daily,resource_type:seed']).diagnostics.map((d) => d.message)).toEqual([
      `The selection criterion 'tag:daily,resource_type:seed' does not match any node (each part matches nodes, but no node matches all of them)`,
    ]);
  });

  it('warns once per word, and still selects the other words', () => {
    const r = sel(['stg_events nope_nope_nope']);
    expect([...r.selected].sort()).toEqual(sorted(ids.stgEvents, ids.notNullStgEvents));
    expect(r.diagnostics.map((d) => [d.level, d.message])).toEqual([['warn', `The selection criterion 'nope_nope_nope' does not match any node`]]);
  });

  it('warns for exclusion criteria too', () => {
    const r = sel(['stg_events'], ['stg_evnts']);
    expect([...r.selected].sort()).toEqual(sorted(ids.stgEvents, ids.notNullStgEvents));
    expect(r.diagnostics.map((d) => d.message)).toEqual([`The exclusion criterion 'stg_evnts' does not match any node — did you mean "stg_events"?`]);
  });

  it('has no location', () => {
    const d = sel(['nope_nope_nope']).diagnostics[0];
    expect(d?.file).toBeUndefined();
    expect(d?.line).toBeUndefined();
  });
});

describe('errors', () => {
  const errors = (select: string[], exclude?: string[]) =>
    sel(select, exclude)
      .diagnostics.filter((d) => d.level === 'error')
      .map((d) => d.message);

  it('names an unknown method and the nearest valid one', () => {
    expect(errors(['foo:bar'])).toEqual([
      `Unknown selection method 'foo' in 'foo:bar' — did you mean "fqn"? Valid methods: fqn, tag, path, file, config, source, resource_type, test_type, package, group, access`,
    ]);
    expect(errors(['tags:nightly'])[0]).toMatch(/^Unknown selection method 'tags' in 'tags:nightly' — did you mean "tag"\?/);
    expect(errors(['confg.materialized:table'])[0]).toMatch(/did you mean "config"\?/);
    expect(errors(['+resource-type:model'])[0]).toMatch(/^Unknown selection method 'resource-type' in '\+resource-type:model' — did you mean "resource_type"\?/);
  });

  it('says when a dbt method is not supported', () => {
    expect(errors(['state:modified+'])[0]).toMatch(/^Selection method 'state' in 'state:modified\+' is not supported by modelrun\./);
  });

  it('rejects operators without a criterion', () => {
    for (const raw of ['+', '1+', '@', '++', '2+']) {
      expect(errors([raw])).toEqual([`Invalid selector '${raw}': there is no node criterion next to the graph operator (write e.g. "+my_model" or "my_model+2")`]);
    }
  });

  it('rejects config without a key', () => {
    const why = 'the config method needs a key, as in "config.materialized:table"';
    expect(errors(['config.:x'])).toEqual([`Invalid selector 'config.:x': ${why}`]);
    expect(errors(['config:x'])).toEqual([`Invalid selector 'config:x': ${why}`]);
    expect(errors(['config.meta.:x'])).toEqual([`Invalid selector 'config.meta.:x': ${why}`]);
  });

  it('rejects a method with no value, or a value with no method', () => {
    expect(errors(['tag:'])).toEqual([`Invalid selector 'tag:': there is no value after "tag:"`]);
    expect(errors([':x'])).toEqual([`Invalid selector ':x': there is no method name before ":"`]);
  });

  it('rejects misplaced operators', () => {
    expect(errors(['a+b'])[0]).toBe(`Invalid selector 'a+b': "+" may only appear at the start or end of a criterion (separate selectors with spaces)`);
    expect(errors(['+@a'])[0]).toBe(`Invalid selector '+@a': "@" may only appear at the very start of a criterion`);
    expect(errors(['@a+'])[0]).toBe(`Invalid selector '@a+': the "@" prefix and a "+" suffix cannot be combined ("@" already includes every descendant)`);
  });

  it('rejects empty criteria around commas', () => {
    expect(errors(['a,,b'])).toEqual([`Invalid selector 'a,,b': it has an empty criterion around ","`]);
    expect(errors(['a,'])).toEqual([`Invalid selector 'a,': it has an empty criterion around ","`]);
  });

  it('rejects bad values for enumerated methods', () => {
    expect(errors(['resource_type:modle'])).toEqual([`Invalid selector 'resource_type:modle': unknown resource type 'modle' — did you mean "model"? Valid: model, seed, test, source`]);
    expect(errors(['test_type:unique'])[0]).toMatch(/^Invalid selector 'test_type:unique': unknown test type 'unique'/);
    expect(errors(['source:a.b.c.d'])[0]).toMatch(/sources are selected as/);
    expect(errors(['tag.x:y'])).toEqual([`Invalid selector 'tag.x:y': the "tag" method takes no ".x" qualifier (only config does)`]);
    expect(errors(['path:/abs/models'])).toEqual([`Invalid selector 'path:/abs/models': paths must be relative to the project directory`]);
  });

  it('reports every error, in order, and no no-match warning for broken words', () => {
    const r = sel(['foo:bar stg_events', '+'], ['tag:']);
    expect(r.diagnostics.map((d) => d.level)).toEqual(['error', 'error', 'error']);
    expect([...r.selected].sort()).toEqual(sorted(ids.stgEvents, ids.notNullStgEvents));
  });

  it('has no location', () => {
    const d = sel(['foo:bar']).diagnostics[0];
    expect(d).toMatchObject({ level: 'error', file: undefined, line: undefined, col: undefined });
  });
});

describe('parseCriterion', () => {
  it('parses methods, arguments and operators', () => {
    const p = parseCriterion('2+config.meta.owner:ana+3');
    expect(p).toEqual({
      ok: true,
      criterion: {
        raw: '2+config.meta.owner:ana+3',
        method: 'config',
        explicitMethod: true,
        methodArgs: ['meta', 'owner'],
        value: 'ana',
        childrensParents: false,
        ancestors: 2,
        descendants: 3,
        prefix: '2+',
        suffix: '+3',
      },
    });
  });

  it('uses Infinity for operators without depth and undefined without operators', () => {
    const p = parseCriterion('+x+');
    expect(p.ok && [p.criterion.ancestors, p.criterion.descendants]).toEqual([Infinity, Infinity]);
    const q = parseCriterion('x');
    expect(q.ok && [q.criterion.ancestors, q.criterion.descendants, q.criterion.method]).toEqual([undefined, undefined, 'fqn']);
  });

  it('keeps colons after the first in the value', () => {
    const p = parseCriterion('config.meta.url:http://x');
    expect(p.ok && p.criterion.value).toBe('http://x');
  });

  it('picks default methods like dbt', () => {
    const method = (raw: string) => {
      const p = parseCriterion(raw);
      return p.ok ? p.criterion.method : p.message;
    };
    expect(method('models/a')).toBe('path');
    expect(method('a.sql')).toBe('file');
    expect(method('a.CSV')).toBe('file');
    expect(method('a.py')).toBe('file');
    expect(method('a.b')).toBe('fqn');
  });
});

// ---------------------------------------------------------------------------------------------
// Determinism and scale
// ---------------------------------------------------------------------------------------------

describe('determinism', () => {
  it('returns the same output for the same input', () => {
    const run = () => {
      const r = sel(['@stg_events tag:nightly,staging', 'nope_nope_nope'], ['dim_users'], { indirectSelection: 'cautious' });
      return { selected: [...r.selected], diagnostics: r.diagnostics };
    };
    expect(run()).toEqual(run());
  });
});

describe('scale', () => {
  const N = 10_000;

  function chain(): SelectionInput {
    const nodes: GraphNode[] = [];
    for (let i = 0; i < N; i++) {
      const deps = i === 0 ? [] : [`model.shop.m${i - 1}`];
      nodes.push(model(`m${i}`, `f${i % 10}`, { dependsOn: deps, tags: i % 2 === 0 ? ['even'] : [] }));
      nodes.push(genericTest(`t${i}`, deps.length ? [`model.shop.m${i}`, ...deps] : [`model.shop.m${i}`]));
    }
    return graphOf(nodes);
  }

  function wide(): SelectionInput {
    const roots = Array.from({ length: 100 }, (_, i) => model(`root${i}`, 'roots'));
    const leaves = Array.from({ length: N }, (_, i) =>
      model(`leaf${i}`, 'leaves', { dependsOn: [`model.shop.root${i % 100}`, `model.shop.root${(i * 7) % 100}`] }),
    );
    const tests = leaves.map((l, i) => genericTest(`t_leaf${i}`, [l.uniqueId]));
    return graphOf([...roots, ...leaves, ...tests]);
  }

  it('walks a 10k-node chain in both directions', () => {
    const input = chain();
    expect(selectNodes(input, [`+m${N - 1}`], ['resource_type:test']).selected.size).toBe(N);
    expect(selectNodes(input, ['m0+'], undefined).selected.size).toBe(2 * N);
    expect(selectNodes(input, ['@m5000'], ['resource_type:test']).selected.size).toBe(N);
    expect(selectNodes(input, ['m0+10'], ['resource_type:test']).selected.size).toBe(11);
    expect(selectNodes(input, ['tag:even'], undefined, { indirectSelection: 'cautious' }).selected.size).toBe(N / 2 + 1);
    expect(selectNodes(input, ['m*'], ['tag:even']).selected.size).toBe(N / 2);
  });

  it('handles a wide 10k-node graph', () => {
    const input = wide();
    expect(selectNodes(input, ['root0+'], undefined).selected.size).toBeGreaterThan(100);
    expect(selectNodes(input, ['@root0'], ['resource_type:test']).selected.size).toBeGreaterThan(100);
    expect(selectNodes(input, ['leaves'], undefined).selected.size).toBe(2 * N);
    expect(selectNodes(input, ['path:models/leaves', 'nope_nope'], undefined).diagnostics).toHaveLength(1);
  });
});
