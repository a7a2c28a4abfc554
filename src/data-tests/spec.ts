import { validateConfig, type PartialConfig } from '../config/node-config.js';
import type { TestSpec } from '../config/schema-yaml.js';
import { isRecord } from '../config/yaml-file.js';
import type { MacroDef } from '../templating/macros.js';
import { error, type Diagnostic } from '../util/diagnostics.js';
import { didYouMean } from '../util/suggest.js';
import { BUILTIN_BY_NAME, checkBuiltinArgs, type BuiltinTest } from './builtins.js';

/** A generic test as written in YAML, interpreted: which test, its arguments and its config. */
export interface TestInvocation {
  /** The test's name as written, namespace included (`dbt_utils.expression_is_true`). */
  testName: string;
  builtin?: BuiltinTest;
  custom?: MacroDef;
  args: Record<string, unknown>;
  config: PartialConfig;
  /** A `name:` the user gave the test instead of the generated one. */
  customName?: string;
  description?: string;
  column?: string;
  file: string;
  line: number;
  col: number;
}

/** dbt's test-level configuration keys, accepted directly on the test as well as under `config:`. */
const CONFIG_KEYS = ['severity', 'tags', 'enabled', 'where', 'limit', 'warn_if', 'error_if', 'fail_calc', 'store_failures', 'store_failures_as', 'meta', 'database', 'schema', 'alias'];
const THRESHOLD = /^\s*(>=|<=|!=|<>|==|=|>|<)\s*-?\d+(\.\d+)?\s*$/;
/** Packages whose tests modelrun has built in, so dbt projects using them load unchanged. */
const KNOWN_NAMESPACES = ['dbt', 'dbt_utils'];

export function parseTestSpec(spec: TestSpec, customTests: ReadonlyMap<string, MacroDef>): { invocation?: TestInvocation; diagnostics: Diagnostic[] } {
  const fail = (message: string) => ({ diagnostics: [error(message, spec.file, spec.line, spec.col)] });
  let testName: string;
  let body: Record<string, unknown> = {};
  if (typeof spec.raw === 'string') {
    testName = spec.raw;
  } else if (isRecord(spec.raw) && typeof spec.raw.test_name === 'string') {
    const { test_name, ...rest } = spec.raw;
    testName = test_name as string;
    body = rest;
  } else if (isRecord(spec.raw) && Object.keys(spec.raw).length === 1) {
    const [[name, value]] = Object.entries(spec.raw) as [[string, unknown]];
    testName = name;
    if (value !== null && value !== undefined && !isRecord(value)) return fail(`the arguments of test "${name}" must be a mapping, e.g. ${name}: { severity: warn }`);
    body = (value as Record<string, unknown> | null) ?? {};
  } else {
    return fail('a test is a name (- unique) or a mapping with one key (- accepted_values: { values: [a, b] })');
  }
  const { name, known } = resolveName(testName, customTests);
  const builtin = BUILTIN_BY_NAME.get(name);
  const custom = builtin ? undefined : customTests.get(name);
  if (!builtin && !custom) {
    const near = didYouMean(name, known);
    return fail(`unknown test "${testName}"${near || ` — built in: ${[...BUILTIN_BY_NAME.keys()].join(', ')}; or define {{#test "${name}" model column_name}} in macros/ or tests/generic/`}`);
  }
  // Its file does not parse, so its arguments are unknown: that syntax error is the one to report.
  if (custom?.unparsed) return { diagnostics: [] };
  return interpret(spec, testName, body, builtin, custom);
}

function resolveName(testName: string, customTests: ReadonlyMap<string, MacroDef>): { name: string; known: string[] } {
  const dot = testName.indexOf('.');
  const namespace = dot >= 0 ? testName.slice(0, dot) : undefined;
  const name = dot >= 0 && KNOWN_NAMESPACES.includes(namespace!) ? testName.slice(dot + 1) : testName;
  return { name, known: [...BUILTIN_BY_NAME.keys(), ...customTests.keys()] };
}

function interpret(spec: TestSpec, testName: string, body: Record<string, unknown>, builtin: BuiltinTest | undefined, custom: MacroDef | undefined): { invocation?: TestInvocation; diagnostics: Diagnostic[] } {
  const diagnostics: Diagnostic[] = [];
  const fail = (message: string) => diagnostics.push(error(message, spec.file, spec.line, spec.col));
  const { config: nested, arguments: argumentBlock, name: customName, description, column_name, ...rest } = body;
  const rawConfig: Record<string, unknown> = {};
  const args: Record<string, unknown> = isRecord(argumentBlock) ? { ...argumentBlock } : {};
  for (const [key, value] of Object.entries(rest)) {
    if (CONFIG_KEYS.includes(key)) rawConfig[key] = value;
    else args[key] = value;
  }
  if (nested !== undefined) {
    if (isRecord(nested)) Object.assign(rawConfig, nested);
    else fail(`"config" of test "${testName}" must be a mapping`);
  }
  const { config, diagnostics: configDs } = validateConfig(rawConfig, 'test', () => ({ file: spec.file, line: spec.line, col: spec.col }));
  diagnostics.push(...configDs);
  for (const key of ['warn_if', 'error_if']) {
    if (config[key] !== undefined && !THRESHOLD.test(String(config[key]))) fail(`${key} must be a comparison with a number, e.g. ">10" or "!=0" (got ${JSON.stringify(config[key])})`);
  }
  const column = typeof column_name === 'string' ? column_name : spec.column;
  const params = builtin ? [...builtin.required, ...builtin.optional] : custom!.params.filter((p) => p !== 'model' && p !== 'column_name');
  const required = builtin ? builtin.required : params.filter((p) => !(p in custom!.defaults));
  for (const key of Object.keys(args)) {
    if (!params.includes(key)) fail(`test "${testName}" has no argument "${key}"${didYouMean(key, [...params, ...CONFIG_KEYS])} (arguments: ${params.join(', ') || 'none'})`);
  }
  for (const key of required) if (args[key] === undefined) fail(`test "${testName}" is missing argument "${key}"`);
  if (builtin?.needsColumn && column === undefined) fail(`test "${testName}" checks a column — list it under a column's tests:, not the model's`);
  if (builtin && diagnostics.length === 0) checkBuiltinArgs(builtin, args).forEach(fail);
  if (custom?.params.includes('column_name') && column === undefined && !('column_name' in custom.defaults)) fail(`test "${testName}" takes column_name — list it under a column's tests:`);
  if (diagnostics.some((d) => d.level === 'error')) return { diagnostics };
  return {
    invocation: {
      testName,
      builtin,
      custom,
      args,
      config,
      customName: typeof customName === 'string' ? customName : undefined,
      description: typeof description === 'string' ? description : undefined,
      column,
      file: spec.file,
      line: spec.line,
      col: spec.col,
    },
    diagnostics,
  };
}

/** `ref('x')`, `ref("x")`, `source('s', 't')` as written in test arguments. */
export function parseRelationArg(value: unknown): { ref: string } | { source: string; table: string } | undefined {
  if (typeof value !== 'string') return undefined;
  const ref = /^\s*ref\(\s*['"]([^'"]+)['"]\s*(?:,\s*['"]([^'"]+)['"]\s*)?\)\s*$/.exec(value);
  if (ref) return { ref: ref[2] ?? ref[1]! };
  const source = /^\s*source\(\s*['"]([^'"]+)['"]\s*,\s*['"]([^'"]+)['"]\s*\)\s*$/.exec(value);
  if (source) return { source: source[1]!, table: source[2]! };
  return undefined;
}
