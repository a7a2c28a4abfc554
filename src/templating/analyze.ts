import { error, type Diagnostic } from '../util/diagnostics.js';
import { didYouMean } from '../util/suggest.js';
import type { RefCall, SourceCall } from '../graph/nodes.js';
import {
  NOT_LITERAL, isPath, literalValue, position, simpleName,
  type CallNode, type Expression, type Literal, type Program, type Statement,
} from './ast.js';

/** What a template uses, found by walking every branch of its AST without running it. */
export interface TemplateAnalysis {
  refs: RefCall[];
  sources: SourceCall[];
  /** `{{config ...}}` values with where each was written. */
  config: { key: string; value: Literal; line: number; col: number }[];
  macroCalls: { name: string; line: number; col: number }[];
  /** A `ref`/`source` whose arguments are not literals (allowed in macros, resolved when rendered). */
  dynamicRelations: boolean;
  /** Reads the environment or the clock, so its output can change while its inputs do not. */
  volatile: boolean;
}

/** The signature of a project macro, enough to check calls statically. */
export interface MacroSignature {
  name: string;
  params: readonly string[];
  defaults: Readonly<Record<string, Literal>>;
  /** Declared in a file that does not parse: its parameters are unknown, so calls to it are not checked. */
  unparsed?: boolean;
}

export interface AnalysisScope {
  file: string;
  macros: ReadonlyMap<string, MacroSignature>;
  /** Names readable as `{{name}}`: the context variables, or a macro's parameters. */
  variables: ReadonlySet<string>;
  /** Models must name refs literally; macros may pass them through arguments. */
  allowDynamicRelations: boolean;
}

export const BUILTIN_HELPERS = ['ref', 'source', 'config', 'var', 'env_var'] as const;
const HANDLEBARS_BLOCKS = ['if', 'unless', 'each', 'with'];
const HANDLEBARS_HELPERS = ['lookup', 'log'];
/** Blocks that change the context, after which `{{name}}` may read the new context's fields. */
const CONTEXT_BLOCKS = ['each', 'with'];

export const MODEL_VARIABLES = ['is_incremental', 'this', 'target', 'model', 'run_started_at', 'project_name'];

const ARITY: Record<string, [min: number, max: number]> = { ref: [1, 2], source: [2, 2], var: [1, 2], env_var: [1, 2], config: [0, 0] };
const USAGE: Record<string, string> = {
  ref: '{{ref "model_name"}}',
  source: '{{source "source_name" "table_name"}}',
  var: '{{var "name"}} or {{var "name" default}}',
  env_var: '{{env_var "NAME"}} or {{env_var "NAME" "default"}}',
  config: '{{config materialized="table"}}',
};

/** What a template uses before any of it is found, and all that is known of one that does not parse. */
export function emptyAnalysis(): TemplateAnalysis {
  return { refs: [], sources: [], config: [], macroCalls: [], dynamicRelations: false, volatile: false };
}

export function analyzeTemplate(program: Program, scope: AnalysisScope): { analysis: TemplateAnalysis; diagnostics: Diagnostic[] } {
  const analysis = emptyAnalysis();
  const diagnostics: Diagnostic[] = [];
  const walker = new Walker(scope, analysis, diagnostics);
  walker.program(program, { loose: false, blockParams: new Set() });
  return { analysis, diagnostics };
}

interface Frame {
  /** Inside {{#each}}/{{#with}}: plain names may be fields of the new context. */
  loose: boolean;
  blockParams: ReadonlySet<string>;
}

class Walker {
  private readonly helperNames: string[];

  constructor(
    private readonly scope: AnalysisScope,
    private readonly out: TemplateAnalysis,
    private readonly diagnostics: Diagnostic[],
  ) {
    this.helperNames = [...BUILTIN_HELPERS, ...HANDLEBARS_HELPERS, ...HANDLEBARS_BLOCKS, ...scope.macros.keys()];
  }

  program(p: Program | undefined, frame: Frame): void {
    if (!p) return;
    for (const s of p.body) this.statement(s, frame);
  }

  private statement(s: Statement, frame: Frame): void {
    switch (s.type) {
      case 'MustacheStatement':
        return this.mustache(s as hbs.AST.MustacheStatement, frame);
      case 'BlockStatement':
        return this.block(s as hbs.AST.BlockStatement, frame);
      case 'PartialStatement':
      case 'PartialBlockStatement':
        return this.fail(s, 'partials ({{> name}}) are not supported — define a macro in macros/ and call it as {{name arg}}');
      case 'DecoratorBlock':
      case 'Decorator':
        return this.fail(s, 'decorators are not supported in SQL templates');
      default:
        return;
    }
  }

  private mustache(m: hbs.AST.MustacheStatement, frame: Frame): void {
    if (!isPath(m.path as Expression)) return;
    const path = m.path as hbs.AST.PathExpression;
    const name = simpleName(path);
    const isCall = m.params.length > 0 || m.hash?.pairs.length > 0;
    if (!isCall && name !== undefined && !this.isHelper(name)) {
      this.variable(path, frame);
      return;
    }
    this.call(m, frame);
  }

  private block(b: hbs.AST.BlockStatement, frame: Frame): void {
    const name = simpleName(b.path);
    if (name === undefined || !HANDLEBARS_BLOCKS.includes(name)) {
      this.fail(b, `unknown block helper "${b.path.original}"${didYouMean(b.path.original, HANDLEBARS_BLOCKS)} — blocks are #if, #unless, #each and #with`);
      return;
    }
    for (const p of b.params) this.expression(p, frame);
    for (const pair of b.hash?.pairs ?? []) this.expression(pair.value, frame);
    const inner: Frame = {
      loose: frame.loose || CONTEXT_BLOCKS.includes(name),
      blockParams: new Set([...frame.blockParams, ...(b.program?.blockParams ?? [])]),
    };
    this.program(b.program, inner);
    this.program(b.inverse, frame);
  }

  private expression(e: Expression, frame: Frame): void {
    if (e.type === 'SubExpression') this.call(e as hbs.AST.SubExpression, frame);
    else if (isPath(e)) this.variable(e, frame);
  }

  private variable(path: hbs.AST.PathExpression, frame: Frame): void {
    const name = simpleName(path);
    if (name === 'run_started_at') this.out.volatile = true;
    if (name === undefined || frame.loose || frame.blockParams.has(name) || this.scope.variables.has(name)) return;
    if (this.isHelper(name)) return;
    this.fail(path, `unknown variable "${path.original}"${didYouMean(name, [...this.scope.variables, ...this.helperNames])}`);
  }

  private isHelper(name: string): boolean {
    return this.helperNames.includes(name);
  }

  private call(c: CallNode, frame: Frame): void {
    const name = simpleName(c.path as hbs.AST.PathExpression);
    for (const p of c.params) this.expression(p, frame);
    for (const pair of c.hash?.pairs ?? []) this.expression(pair.value, frame);
    if (name === undefined) return;
    if (name in ARITY) return this.builtin(name, c);
    const macro = this.scope.macros.get(name);
    if (macro) return this.macroCall(macro, c);
    if (HANDLEBARS_HELPERS.includes(name) || HANDLEBARS_BLOCKS.includes(name)) return;
    this.fail(c, `unknown helper or macro "${name}"${didYouMean(name, this.helperNames)}`);
  }

  private builtin(name: string, c: CallNode): void {
    const [min, max] = ARITY[name]!;
    const n = c.params.length;
    if (n < min || n > max) {
      return this.fail(c, `${name} takes ${min === max ? min : `${min} or ${max}`} argument${max === 1 ? '' : 's'}, got ${n} — write ${USAGE[name]}`);
    }
    const at = position(c);
    if (name === 'config') return this.config(c);
    if (name === 'env_var') this.out.volatile = true;
    if (name !== 'ref' && name !== 'source') {
      if (c.hash?.pairs.length) this.fail(c, `${name} takes no named arguments — write ${USAGE[name]}`);
      return;
    }
    const values = c.params.map(literalValue);
    if (values.some((v) => typeof v !== 'string')) {
      if (this.scope.allowDynamicRelations && values.every((v) => v === NOT_LITERAL || typeof v === 'string')) {
        this.out.dynamicRelations = true;
        return;
      }
      return this.fail(c, `${name} needs quoted names — write ${USAGE[name]}`);
    }
    const strings = values as string[];
    if (name === 'ref') this.out.refs.push({ name: strings[strings.length - 1]!, ...at });
    else this.out.sources.push({ source: strings[0]!, table: strings[1]!, ...at });
  }

  private config(c: CallNode): void {
    if (!c.hash?.pairs.length) return this.fail(c, `config needs at least one setting — write ${USAGE.config}`);
    for (const pair of c.hash.pairs) {
      const value = literalValue(pair.value);
      if (value === NOT_LITERAL) {
        this.fail(pair, `config ${pair.key} must be a literal value (a quoted string, number or true/false)`);
        continue;
      }
      this.out.config.push({ key: pair.key, value, ...position(pair) });
    }
  }

  private macroCall(macro: MacroSignature, c: CallNode): void {
    this.out.macroCalls.push({ name: macro.name, ...position(c) });
    if (macro.unparsed) return;
    const named = (c.hash?.pairs ?? []).map((p) => p.key);
    if (c.params.length > macro.params.length) {
      return this.fail(c, `macro ${macro.name} takes ${macro.params.length} argument${macro.params.length === 1 ? '' : 's'} (${macro.params.join(', ') || 'none'}), got ${c.params.length}`);
    }
    for (const key of named) {
      if (!macro.params.includes(key)) return this.fail(c, `macro ${macro.name} has no argument "${key}"${didYouMean(key, macro.params)}`);
    }
    const missing = macro.params.filter((p, i) => i >= c.params.length && !named.includes(p) && !(p in macro.defaults));
    if (missing.length > 0) this.fail(c, `macro ${macro.name} is missing argument${missing.length > 1 ? 's' : ''} ${missing.map((m) => `"${m}"`).join(', ')}`);
  }

  private fail(node: { loc: hbs.AST.SourceLocation }, message: string): void {
    const at = position(node);
    this.diagnostics.push(error(message, this.scope.file, at.line, at.col));
  }
}
