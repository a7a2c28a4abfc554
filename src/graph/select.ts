/**
 * dbt's node selection grammar (`--select` / `--exclude`), as a pure function over the node graph.
 *
 * The evaluation mirrors dbt-core's `NodeSelector.select_nodes_recursively`: every criterion yields a
 * pair of sets (direct, indirect), and unions / intersections / the final difference combine both
 * sets, so that test "indirect selection" behaves exactly as in dbt (e.g. `orders,test_type:generic`
 * selects the generic tests attached to `orders`, and `--exclude orders` also drops its tests).
 */
import type { GraphNode, ResourceType } from './nodes.js';
import { error, warning, type Diagnostic } from '../util/diagnostics.js';
import { closest, editDistance } from '../util/suggest.js';

export interface SelectionInput {
  nodes: ReadonlyMap<string, GraphNode>;
  parents: ReadonlyMap<string, readonly string[]>;
  children: ReadonlyMap<string, readonly string[]>;
}

/** How tests attached to selected nodes join the selection; dbt's `--indirect-selection`. */
export type IndirectSelection = 'eager' | 'cautious' | 'empty';

export interface SelectOptions {
  indirectSelection?: IndirectSelection;
}

export interface SelectionResult {
  /** Selected uniqueIds, in the iteration order of `input.nodes`. */
  selected: Set<string>;
  diagnostics: Diagnostic[];
}

export const SELECTOR_METHODS = [
  'fqn',
  'tag',
  'path',
  'file',
  'config',
  'source',
  'resource_type',
  'test_type',
  'package',
  'group',
  'access',
] as const;
export type SelectorMethod = (typeof SELECTOR_METHODS)[number];

/** dbt methods that exist but need state modelrun does not have; named so the error is not "unknown". */
const UNSUPPORTED_DBT_METHODS = [
  'state',
  'result',
  'source_status',
  'exposure',
  'metric',
  'semantic_model',
  'saved_query',
  'unit_test',
  'version',
  'selector',
  'test_name',
];

const RESOURCE_TYPES: readonly ResourceType[] = ['model', 'seed', 'test', 'source'];
/** Valid in dbt but never present in a modelrun graph: they select nothing rather than fail. */
const DBT_ONLY_RESOURCE_TYPES = ['snapshot', 'analysis', 'exposure', 'metric', 'semantic_model', 'saved_query', 'unit_test', 'function', 'operation', 'sql_operation'];
const TEST_TYPES = ['generic', 'singular', 'schema', 'data', 'unit'];

/** One parsed selection criterion: the part of a selector word between commas. */
export interface SelectionCriterion {
  raw: string;
  method: SelectorMethod;
  /** True when the user wrote `method:`; kept so suggestions read the way the user typed. */
  explicitMethod: boolean;
  /** Keys after the method, e.g. ['meta', 'owner'] for `config.meta.owner:x`. */
  methodArgs: string[];
  value: string;
  /** `@`: descendants, plus all ancestors of those descendants. */
  childrensParents: boolean;
  /** Depth of `n+x`: undefined without the operator, Infinity without a number. */
  ancestors?: number;
  /** Depth of `x+n`: undefined without the operator, Infinity without a number. */
  descendants?: number;
  /** The operator text around the method and value, to rebuild the criterion in suggestions. */
  prefix: string;
  suffix: string;
}

export type ParseFailure = { ok: false; message: string };
export type ParsedCriterion = { ok: true; criterion: SelectionCriterion } | ParseFailure;

// ---------------------------------------------------------------------------------------------
// Entry point
// ---------------------------------------------------------------------------------------------

export function selectNodes(
  input: SelectionInput,
  select: readonly string[] | undefined,
  exclude: readonly string[] | undefined,
  options: SelectOptions = {},
): SelectionResult {
  const ctx = makeContext(input, options.indirectSelection ?? 'eager');
  const diagnostics: Diagnostic[] = [];
  const included = select === undefined || select.length === 0 ? everything(ctx) : evalUnion(select, 'selection', ctx, diagnostics);
  const excluded = evalUnion(exclude ?? [], 'exclusion', ctx, diagnostics);
  const result = combine([included, excluded], difference, ctx);
  const selected = new Set(ctx.ids.filter((id) => result.direct.has(id)));
  return { selected, diagnostics };
}

// ---------------------------------------------------------------------------------------------
// Parsing
// ---------------------------------------------------------------------------------------------

// Same shape as dbt's RAW_SELECTOR_PATTERN: `@`, `n+`, body, `+n`; the body is lazy so `+n` binds to the end.
const CRITERION_PATTERN = /^(@)?(?:(\d*)\+)?(.*?)(?:\+(\d*))?$/s;

export function parseCriterion(raw: string): ParsedCriterion {
  const m = CRITERION_PATTERN.exec(raw);
  const body = m?.[3] ?? '';
  if (!m || body === '') return fail(raw, 'there is no node criterion next to the graph operator (write e.g. "+my_model" or "my_model+2")');
  const at = m[1] !== undefined;
  const ancestors = depth(m[2]);
  const descendants = depth(m[4]);
  if (at && descendants !== undefined) return fail(raw, `the "@" prefix and a "+" suffix cannot be combined ("@" already includes every descendant)`);
  const method = splitMethod(raw, body);
  if (!method.ok) return method;
  const { name, args, value, explicit } = method;
  const problem = checkValue(name, args, value, explicit);
  if (problem !== undefined) return fail(raw, problem);
  const prefix = (m[1] ?? '') + (m[2] === undefined ? '' : `${m[2]}+`);
  const suffix = m[4] === undefined ? '' : `+${m[4]}`;
  return {
    ok: true,
    criterion: { raw, method: name, explicitMethod: explicit, methodArgs: args, value, childrensParents: at, ancestors, descendants, prefix, suffix },
  };
}

function fail(raw: string, why: string): ParseFailure {
  return { ok: false, message: `Invalid selector '${raw}': ${why}` };
}

function depth(digits: string | undefined): number | undefined {
  if (digits === undefined) return undefined;
  return digits === '' ? Infinity : Number(digits);
}

type SplitMethod = { ok: true; name: SelectorMethod; args: string[]; value: string; explicit: boolean } | ParseFailure;

function splitMethod(raw: string, body: string): SplitMethod {
  const colon = body.indexOf(':');
  const head = colon >= 0 ? body.slice(0, colon) : '';
  // Like dbt, text before ':' is a method only if it looks like one; `models/a:b` stays a plain value.
  if (colon === 0) return fail(raw, 'there is no method name before ":"');
  if (colon < 0 || !/^[\w.-]+$/.test(head)) return { ok: true, name: defaultMethod(body), args: [], value: body, explicit: false };
  const [name = '', ...args] = head.split('.');
  if (!isMethod(name)) return { ok: false, message: unknownMethodMessage(name, raw) };
  return { ok: true, name, args, value: body.slice(colon + 1), explicit: true };
}

function isMethod(name: string): name is SelectorMethod {
  return (SELECTOR_METHODS as readonly string[]).includes(name);
}

/** dbt's default: a value with a slash is a path, one with a file extension a file, anything else an fqn. */
function defaultMethod(value: string): SelectorMethod {
  if (value.includes('/') || value.includes('\\')) return 'path';
  if (/\.(sql|py|csv)$/i.test(value)) return 'file';
  return 'fqn';
}

function unknownMethodMessage(name: string, raw: string): string {
  const valid = `Valid methods: ${SELECTOR_METHODS.join(', ')}`;
  if (UNSUPPORTED_DBT_METHODS.includes(name)) return `Selection method '${name}' in '${raw}' is not supported by modelrun. ${valid}`;
  return `Unknown selection method '${name}' in '${raw}' — did you mean "${nearest(name, SELECTOR_METHODS)}"? ${valid}`;
}

/** Unlike `closest`, always answers: an unknown method should always be paired with the likeliest one. */
function nearest(word: string, candidates: readonly string[]): string {
  let best = candidates[0] ?? '';
  let bestDistance = Infinity;
  for (const c of candidates) {
    const d = editDistance(word.toLowerCase(), c);
    if (d < bestDistance) [best, bestDistance] = [c, d];
  }
  return best;
}

/** Problems dbt would only find while searching (or never); found up front so all are reported together. */
function checkValue(method: SelectorMethod, args: string[], value: string, explicit: boolean): string | undefined {
  if (method === 'config' && (args.length === 0 || args.some((a) => a === ''))) {
    return 'the config method needs a key, as in "config.materialized:table"';
  }
  if (method !== 'config' && args.length > 0) return `the "${method}" method takes no ".${args.join('.')}" qualifier (only config does)`;
  if (value === '') return `there is no value after "${method}:"`;
  switch (method) {
    case 'fqn':
      return checkFqnValue(value, explicit);
    case 'source':
      return checkSourceValue(value);
    case 'resource_type':
      return checkChoice(value, 'resource type', [...RESOURCE_TYPES], DBT_ONLY_RESOURCE_TYPES);
    case 'test_type':
      return checkChoice(value, 'test type', ['generic', 'singular'], TEST_TYPES);
    case 'path':
      return value.startsWith('/') ? 'paths must be relative to the project directory' : undefined;
    default:
      return undefined;
  }
}

function checkFqnValue(value: string, explicit: boolean): string | undefined {
  // Node names cannot hold these, so they are misplaced operators (e.g. "a+b" missing a space).
  if (value.includes('+')) return `"+" may only appear at the start or end of a criterion${explicit ? '' : ' (separate selectors with spaces)'}`;
  if (value.includes('@')) return '"@" may only appear at the very start of a criterion';
  return undefined;
}

function checkSourceValue(value: string): string | undefined {
  const parts = value.split('.');
  if (parts.length <= 3 && !parts.includes('')) return undefined;
  return 'sources are selected as "source:<source>", "source:<source>.<table>" or "source:<package>.<source>.<table>"';
}

function checkChoice(value: string, what: string, shown: string[], alsoValid: readonly string[]): string | undefined {
  if (shown.includes(value) || alsoValid.includes(value)) return undefined;
  return `unknown ${what} '${value}' — did you mean "${nearest(value, shown)}"? Valid: ${shown.join(', ')}`;
}

// ---------------------------------------------------------------------------------------------
// Evaluation: (direct, indirect) bundles, combined as dbt does
// ---------------------------------------------------------------------------------------------

interface Context {
  input: SelectionInput;
  mode: IndirectSelection;
  ids: readonly string[];
  /** parent uniqueId -> tests whose dependsOn includes it; the only edges indirect selection follows. */
  testsByParent: ReadonlyMap<string, readonly string[]>;
}

/** `direct` is the selection; `indirect` holds tests waiting (cautious mode) for all their parents. */
interface Bundle {
  direct: Set<string>;
  indirect: Set<string>;
}

function makeContext(input: SelectionInput, mode: IndirectSelection): Context {
  const testsByParent = new Map<string, string[]>();
  for (const [id, node] of input.nodes) {
    if (node.resourceType !== 'test') continue;
    for (const parent of new Set(node.dependsOn)) {
      const list = testsByParent.get(parent);
      if (list) list.push(id);
      else testsByParent.set(parent, [id]);
    }
  }
  return { input, mode, ids: [...input.nodes.keys()], testsByParent };
}

function everything(ctx: Context): Bundle {
  return { direct: new Set(ctx.ids), indirect: new Set() };
}

type Kind = 'selection' | 'exclusion';

function evalUnion(values: readonly string[], kind: Kind, ctx: Context, diagnostics: Diagnostic[]): Bundle {
  const words = values.flatMap((v) => v.split(/\s+/)).filter((w) => w !== '');
  // dbt selects nothing for `--select ""`; say so, because "run everything" would be the dangerous reading.
  if (words.length === 0 && values.length > 0 && kind === 'selection') diagnostics.push(warning('The selection is blank, so no node is selected'));
  return combine(
    words.map((w) => evalWord(w, kind, ctx, diagnostics)),
    union,
    ctx,
  );
}

/** One space-separated word: the intersection of its comma-separated criteria. */
function evalWord(word: string, kind: Kind, ctx: Context, diagnostics: Diagnostic[]): Bundle {
  const parsed = word.split(',').map((part) => (part === '' ? fail(word, 'it has an empty criterion around ","') : parseCriterion(part)));
  const criteria: SelectionCriterion[] = [];
  for (const p of parsed) {
    if (p.ok) criteria.push(p.criterion);
    else diagnostics.push(error(p.message));
  }
  if (criteria.length < parsed.length) return emptyBundle();
  const results = criteria.map((c) => evalCriterion(c, ctx));
  const bundle = combine(
    results.map((r) => r.bundle),
    intersection,
    ctx,
  );
  if (bundle.direct.size === 0) diagnostics.push(noMatchWarning(word, kind, criteria, results, ctx));
  return bundle;
}

function emptyBundle(): Bundle {
  return { direct: new Set(), indirect: new Set() };
}

function evalCriterion(c: SelectionCriterion, ctx: Context): { bundle: Bundle; matched: number } {
  const matched = matchMethod(c, ctx);
  const withNeighbours = expandGraph(c, matched, ctx.input);
  return { bundle: expandTests(withNeighbours, ctx), matched: matched.size };
}

/** dbt's `expand_selection`: tests attached to the selected nodes, per the indirect-selection mode. */
function expandTests(selected: Set<string>, ctx: Context): Bundle {
  const bundle: Bundle = { direct: new Set(selected), indirect: new Set() };
  if (ctx.mode === 'empty') return bundle;
  for (const id of selected) {
    for (const test of ctx.testsByParent.get(id) ?? []) {
      if (ctx.mode === 'eager' || parentsWithin(test, selected, ctx)) bundle.direct.add(test);
      else bundle.indirect.add(test);
    }
  }
  return bundle;
}

function parentsWithin(testId: string, selected: ReadonlySet<string>, ctx: Context): boolean {
  const test = ctx.input.nodes.get(testId);
  return test !== undefined && test.dependsOn.every((p) => selected.has(p));
}

/**
 * dbt's set combination: the operation applies to `direct` and to `direct ∪ indirect` separately;
 * in cautious mode a pending test then joins once all its parents made it into the combined selection.
 */
function combine(bundles: Bundle[], op: (sets: Set<string>[]) => Set<string>, ctx: Context): Bundle {
  if (bundles.length === 0) return emptyBundle();
  const direct = op(bundles.map((b) => b.direct));
  const indirect = op(bundles.map((b) => unionOf(b.direct, b.indirect)));
  if (ctx.mode === 'cautious') {
    for (const id of indirect) {
      if (!direct.has(id) && ctx.input.nodes.get(id)?.resourceType === 'test' && parentsWithin(id, direct, ctx)) direct.add(id);
    }
  }
  return { direct, indirect };
}

function unionOf(a: Set<string>, b: Set<string>): Set<string> {
  return b.size === 0 ? a : union([a, b]);
}

function union(sets: Set<string>[]): Set<string> {
  const out = new Set<string>();
  for (const s of sets) for (const id of s) out.add(id);
  return out;
}

function intersection(sets: Set<string>[]): Set<string> {
  const [first, ...rest] = sets;
  if (!first) return new Set();
  const out = new Set<string>();
  for (const id of first) if (rest.every((s) => s.has(id))) out.add(id);
  return out;
}

function difference(sets: Set<string>[]): Set<string> {
  const [first, ...rest] = sets;
  if (!first) return new Set();
  const out = new Set<string>();
  for (const id of first) if (!rest.some((s) => s.has(id))) out.add(id);
  return out;
}

// ---------------------------------------------------------------------------------------------
// Graph operators
// ---------------------------------------------------------------------------------------------

function expandGraph(c: SelectionCriterion, matched: Set<string>, graph: SelectionInput): Set<string> {
  const out = new Set(matched);
  if (matched.size === 0) return out;
  if (c.childrensParents) {
    const downstream = reach(matched, graph.children, Infinity);
    addAll(out, reach(downstream, graph.parents, Infinity));
  }
  if (c.ancestors !== undefined) addAll(out, reach(matched, graph.parents, c.ancestors));
  if (c.descendants !== undefined) addAll(out, reach(matched, graph.children, c.descendants));
  return out;
}

/** Multi-source BFS: the starts plus every node within `maxDepth` edges of one; O(V + E). */
function reach(starts: Iterable<string>, edges: ReadonlyMap<string, readonly string[]>, maxDepth: number): Set<string> {
  const seen = new Set(starts);
  let frontier = [...seen];
  for (let d = 0; d < maxDepth && frontier.length > 0; d++) {
    const next: string[] = [];
    for (const id of frontier) {
      for (const n of edges.get(id) ?? []) {
        if (seen.has(n)) continue;
        seen.add(n);
        next.push(n);
      }
    }
    frontier = next;
  }
  return seen;
}

function addAll(target: Set<string>, source: Iterable<string>): void {
  for (const id of source) target.add(id);
}

// ---------------------------------------------------------------------------------------------
// Methods
// ---------------------------------------------------------------------------------------------

function matchMethod(c: SelectionCriterion, ctx: Context): Set<string> {
  const test = nodePredicate(c);
  const out = new Set<string>();
  for (const [id, node] of ctx.input.nodes) if (test(node)) out.add(id);
  return out;
}

type Predicate = (node: GraphNode) => boolean;

function nodePredicate(c: SelectionCriterion): Predicate {
  const v = c.value;
  switch (c.method) {
    case 'fqn':
      return fqnPredicate(v);
    case 'tag': {
      const m = glob(v);
      return (n) => n.tags.some(m) || (Array.isArray(n.config.tags) && n.config.tags.some(m));
    }
    case 'path':
      return pathPredicate(v);
    case 'file': {
      const m = glob(v);
      return (n) => m(basename(n.path)) || m(stem(basename(n.path)));
    }
    case 'config':
      return configPredicate(c.methodArgs, v);
    case 'source':
      return sourcePredicate(v);
    case 'resource_type':
      return (n) => n.resourceType === v;
    case 'test_type':
      return testTypePredicate(v);
    case 'package': {
      const m = glob(v);
      return (n) => m(n.packageName);
    }
    case 'group': {
      const m = glob(v);
      return (n) => n.resourceType !== 'source' && typeof n.config.group === 'string' && m(n.config.group);
    }
    case 'access':
      return (n) => n.resourceType === 'model' && n.config.access === v;
  }
}

/**
 * dbt's fqn method (sources excluded, as in dbt): the value matches the fqn with or without its
 * package prefix. Also a glob on the name, so `stg_*` works whatever folder the model is in.
 */
function fqnPredicate(value: string): Predicate {
  const nameMatches = glob(value);
  const matcher = fqnMatcher(value);
  return (n) => {
    if (n.resourceType === 'source') return false;
    if (nameMatches(n.name)) return true;
    const flat = flatFqn(n.fqn);
    // dbt also matches the fqn without its package (which may itself hold dots); the leaf is the same.
    const packageParts = n.fqn.length > 0 ? (n.fqn[0] ?? '').split('.').length : 0;
    return matcher(n.fqn, flat, 0) || (n.fqn.length > 1 && matcher(n.fqn, flat, packageParts));
  };
}

/** Port of dbt's `is_selected_node`: a dotted prefix of the fqn, the leaf name, or a glob from the first wildcard on. */
export function fqnMatches(fqn: readonly string[], selector: string): boolean {
  return fqnMatcher(selector)(fqn, flatFqn(fqn), 0);
}

type FqnMatcher = (fqn: readonly string[], flat: readonly string[], offset: number) => boolean;

/** Splits the selector once, so matching 10k nodes does not re-parse it per node. */
function fqnMatcher(selector: string): FqnMatcher {
  const parts = selector.split('.');
  const wildcardAt = parts.findIndex((p) => /[*?[\]]/.test(p));
  const literal = wildcardAt < 0 ? parts : parts.slice(0, wildcardAt);
  const tail = wildcardAt < 0 ? undefined : glob(parts.slice(wildcardAt).join('.'));
  return (fqn, flat, offset) => {
    if (fqn.length === 0) return false;
    if (fqn[fqn.length - 1] === selector) return true;
    if (flat.length - offset < parts.length) return false;
    for (let i = 0; i < literal.length; i++) if (flat[offset + i] !== literal[i]) return false;
    return tail === undefined || tail(flat.slice(offset + literal.length).join('.'));
  };
}

/** dbt flattens dots inside segments into separators; most fqns have none, so skip the copy. */
function flatFqn(fqn: readonly string[]): readonly string[] {
  return fqn.some((s) => s.includes('.')) ? fqn.flatMap((s) => s.split('.')) : fqn;
}

function sourcePredicate(value: string): Predicate {
  const parts = value.split('.');
  const [pkg, source, table] = parts.length === 3 ? parts : ['*', parts[0] ?? '', parts[1] ?? '*'];
  const [p, s, t] = [glob(pkg ?? '*'), glob(source ?? ''), glob(table ?? '*')];
  return (n) => n.resourceType === 'source' && p(n.packageName) && s(n.sourceName ?? '') && t(n.tableName ?? n.name);
}

function testTypePredicate(value: string): Predicate {
  // 'schema' and 'data' are dbt's legacy spellings; 'unit' is valid in dbt but modelrun has no unit tests.
  const wanted = value === 'generic' || value === 'schema' ? ['generic'] : value === 'singular' ? ['singular'] : value === 'data' ? ['generic', 'singular'] : [];
  return (n) => n.resourceType === 'test' && n.testType !== undefined && wanted.includes(n.testType);
}

function configPredicate(keys: readonly string[], selector: string): Predicate {
  // dbt compares severity case-insensitively, since users write both `warn` and `WARN`.
  const caseless = keys.length === 1 && keys[0] === 'severity';
  return (n) => {
    const found = descend(n.config, keys);
    if (!found.ok) return false;
    return Array.isArray(found.value) ? found.value.some((v) => configEquals(v, selector, caseless)) : configEquals(found.value, selector, caseless);
  };
}

function descend(value: unknown, keys: readonly string[]): { ok: true; value: unknown } | { ok: false } {
  let current = value;
  for (const key of keys) {
    if (typeof current !== 'object' || current === null || !Object.hasOwn(current, key)) return { ok: false };
    current = (current as Record<string, unknown>)[key];
  }
  return { ok: true, value: current };
}

/** The CLI value is text, so compare as text; booleans accept any case, as in dbt. */
function configEquals(actual: unknown, selector: string, caseless: boolean): boolean {
  switch (typeof actual) {
    case 'string':
      return caseless ? actual.toLowerCase() === selector.toLowerCase() : actual === selector;
    case 'boolean':
      return String(actual) === selector.toLowerCase();
    case 'number':
    case 'bigint':
      return String(actual) === selector;
    default:
      return false;
  }
}

// ---------------------------------------------------------------------------------------------
// Paths and globs
// ---------------------------------------------------------------------------------------------

/** dbt globs the path under the project root, then selects nodes whose file or any parent folder matched. */
function pathPredicate(value: string): Predicate {
  const pattern = normalisePath(value);
  if (pattern === '' || pattern === '.') return () => true;
  if (!/[*?[]/.test(pattern)) return (n) => pathOrParentIs(normalisePath(n.path), pattern);
  const patternSegments = pattern.split('/');
  return (n) => {
    const segments = normalisePath(n.path).split('/');
    for (let k = 1; k <= segments.length; k++) if (segmentsMatch(patternSegments, segments.slice(0, k))) return true;
    return false;
  };
}

function pathOrParentIs(path: string, folderOrFile: string): boolean {
  return path === folderOrFile || path.startsWith(folderOrFile + '/');
}

function normalisePath(p: string): string {
  let out = p.replace(/\\/g, '/').replace(/\/{2,}/g, '/');
  while (out.startsWith('./')) out = out.slice(2);
  return out.endsWith('/') ? out.slice(0, -1) : out;
}

/** pathlib-style: `*` stays within one folder, a `**` segment spans any number of folders. */
function segmentsMatch(pattern: readonly string[], path: readonly string[]): boolean {
  const [head, ...rest] = pattern;
  if (head === undefined) return path.length === 0;
  if (head === '**') {
    for (let skip = 0; skip <= path.length; skip++) if (segmentsMatch(rest, path.slice(skip))) return true;
    return false;
  }
  const [first, ...others] = path;
  return first !== undefined && glob(head)(first) && segmentsMatch(rest, others);
}

function basename(p: string): string {
  const normal = normalisePath(p);
  return normal.slice(normal.lastIndexOf('/') + 1);
}

function stem(name: string): string {
  const dot = name.lastIndexOf('.');
  return dot > 0 ? name.slice(0, dot) : name;
}

const globCache = new Map<string, (s: string) => boolean>();

/** Python's fnmatch (case-sensitive): `*`, `?`, `[abc]`, `[!abc]`; `*` crosses "." and "/". */
export function glob(pattern: string): (s: string) => boolean {
  let matcher = globCache.get(pattern);
  if (!matcher) {
    matcher = compileGlob(pattern);
    globCache.set(pattern, matcher);
  }
  return matcher;
}

function compileGlob(pattern: string): (s: string) => boolean {
  if (!/[*?[]/.test(pattern)) return (s) => s === pattern;
  try {
    const re = new RegExp(`^${globToRegExp(pattern)}$`, 's');
    return (s) => re.test(s);
  } catch {
    // A class like `[z-a]` is invalid as a RegExp; treat the whole pattern literally rather than throw.
    return (s) => s === pattern;
  }
}

function globToRegExp(pattern: string): string {
  let out = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i] ?? '';
    if (c === '*') out += '.*';
    else if (c === '?') out += '.';
    else if (c === '[') {
      const end = classEnd(pattern, i + 1);
      if (end < 0) out += '\\[';
      else {
        out += charClass(pattern.slice(i + 1, end));
        i = end;
      }
    } else out += escapeRegExp(c);
  }
  return out;
}

/** Index of the `]` closing a class opened before `start`, or -1 (then `[` is literal, as in fnmatch). */
function classEnd(pattern: string, start: number): number {
  let j = start;
  if (pattern[j] === '!') j++;
  if (pattern[j] === ']') j++;
  while (j < pattern.length && pattern[j] !== ']') j++;
  return j < pattern.length ? j : -1;
}

function charClass(body: string): string {
  const negated = body.startsWith('!');
  const members = (negated ? body.slice(1) : body).replace(/[\\\]\[^]/g, '\\$&');
  return `[${negated ? '^' : ''}${members}]`;
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}

// ---------------------------------------------------------------------------------------------
// "Does not match" warnings and their suggestions
// ---------------------------------------------------------------------------------------------

function noMatchWarning(
  word: string,
  kind: Kind,
  criteria: readonly SelectionCriterion[],
  results: readonly { matched: number }[],
  ctx: Context,
): Diagnostic {
  const base = `The ${kind} criterion '${word}' does not match any node`;
  const empty = criteria.filter((_, i) => results[i]?.matched === 0);
  if (empty.length === 0) return warning(`${base} (each part matches nodes, but no node matches all of them)`);
  const fixes = new Map(empty.map((c) => [c, suggestCriterion(c, ctx)]));
  if ([...fixes.values()].some((f) => f === undefined)) return warning(base);
  const fixed = criteria.map((c) => fixes.get(c) ?? c.raw).join(',');
  return warning(`${base} — did you mean "${fixed}"?`);
}

/** The criterion rewritten with the closest existing value (operators kept), if one is close enough. */
function suggestCriterion(c: SelectionCriterion, ctx: Context): string | undefined {
  if (/[*?[]/.test(c.value)) return undefined;
  const candidates = suggestionCandidates(c, ctx);
  const key = closest(c.value, candidates.keys());
  const body = key === undefined ? undefined : candidates.get(key);
  return body === undefined ? undefined : c.prefix + body + c.suffix;
}

/** Candidate value -> the criterion body to suggest for it (which may switch method, e.g. to `source:`). */
function suggestionCandidates(c: SelectionCriterion, ctx: Context): Map<string, string> {
  const out = new Map<string, string>();
  const add = (value: string, body = bodyText(c, value)) => {
    if (value !== '' && !out.has(value)) out.set(value, body);
  };
  const nodes = [...ctx.input.nodes.values()];
  switch (c.method) {
    case 'fqn':
      addFqnCandidates(c, nodes, add);
      break;
    case 'tag':
      for (const n of nodes) n.tags.forEach((t) => add(t));
      break;
    case 'path':
      for (const n of nodes) pathAndParents(normalisePath(n.path)).forEach((p) => add(p));
      break;
    case 'file':
      for (const n of nodes) add(basename(n.path));
      break;
    case 'source':
      for (const n of sourcesOf(nodes)) [n.sourceName ?? '', `${n.sourceName ?? ''}.${n.tableName ?? n.name}`].forEach((v) => add(v));
      break;
    case 'config':
      for (const n of nodes) configValues(n, c.methodArgs).forEach((v) => add(v));
      break;
    case 'package':
      for (const n of nodes) add(n.packageName);
      break;
    default:
      break;
  }
  return out;
}

function addFqnCandidates(c: SelectionCriterion, nodes: readonly GraphNode[], add: (value: string, body?: string) => void): void {
  const others = nodes.filter((n) => n.resourceType !== 'source');
  for (const n of others) add(n.name);
  if (c.value.includes('.')) {
    for (const n of others) {
      add(n.fqn.join('.'));
      add(n.fqn.slice(1).join('.'));
    }
  }
  // People often type a source table as a bare name; point them at the `source:` method.
  for (const n of sourcesOf(nodes)) add(n.tableName ?? n.name, `source:${n.sourceName ?? ''}.${n.tableName ?? n.name}`);
}

function sourcesOf(nodes: readonly GraphNode[]): GraphNode[] {
  return nodes.filter((n) => n.resourceType === 'source');
}

function bodyText(c: SelectionCriterion, value: string): string {
  return c.explicitMethod ? `${[c.method, ...c.methodArgs].join('.')}:${value}` : value;
}

function pathAndParents(path: string): string[] {
  const segments = path.split('/');
  return segments.map((_, i) => segments.slice(0, i + 1).join('/'));
}

function configValues(n: GraphNode, keys: readonly string[]): string[] {
  const found = descend(n.config, keys);
  if (!found.ok) return [];
  const values = Array.isArray(found.value) ? found.value : [found.value];
  return values.filter((v) => ['string', 'number', 'boolean'].includes(typeof v)).map(String);
}
