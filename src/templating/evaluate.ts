import { NOT_LITERAL, literalValue, type Expression, type PathExpression, type Program } from './ast.js';

/**
 * Runs a parsed Handlebars template directly from its AST. Handlebars' own compile step generates
 * and evaluates JavaScript for every template, which costs more than the whole rest of a compile
 * when a project has thousands of models rendered once each; walking the AST costs a fraction.
 * It follows Handlebars' semantics for the subset SQL templates use: mustaches, sub-expressions,
 * #if/#unless/#each/#with with else, block params, @data variables, this and ../ paths.
 */

export interface CallSite {
  line: number;
  col: number;
}

export type Helper = (args: unknown[], hash: Record<string, unknown>, at: CallSite, frame: Frame) => unknown;

/** A failure inside a template, located at the expression that caused it. */
export class EvaluationError extends Error {
  constructor(message: string, readonly at: CallSite) {
    super(message);
  }
}

export interface Frame {
  context: unknown;
  parent?: Frame;
  data: Readonly<Record<string, unknown>>;
  blockParams: ReadonlyMap<string, unknown>;
}

export function rootFrame(context: unknown): Frame {
  return { context, data: { root: context }, blockParams: new Map() };
}

export class Evaluator {
  constructor(private readonly helpers: ReadonlyMap<string, Helper>) {}

  render(program: Program, frame: Frame): string {
    let out = '';
    for (const s of program.body) {
      switch (s.type) {
        case 'ContentStatement':
          out += (s as hbs.AST.ContentStatement).value;
          break;
        case 'MustacheStatement':
          out += toText(this.mustache(s as hbs.AST.MustacheStatement, frame));
          break;
        case 'BlockStatement':
          out += this.block(s as hbs.AST.BlockStatement, frame);
          break;
        default:
          break;
      }
    }
    return out;
  }

  private mustache(m: hbs.AST.MustacheStatement, frame: Frame): unknown {
    const path = m.path as Expression;
    if (path.type !== 'PathExpression') return literal(path);
    const p = path as PathExpression;
    const helper = this.helperFor(p);
    if (helper) return this.call(helper, m, frame);
    if (m.params.length > 0 || m.hash?.pairs.length) throw new EvaluationError(`unknown helper "${p.original}"`, at(m));
    return this.lookup(p, frame);
  }

  private helperFor(p: PathExpression): Helper | undefined {
    if (p.data || p.depth > 0 || p.parts.length !== 1 || /^(this|\.)[./]/.test(p.original)) return undefined;
    return this.helpers.get(p.parts[0]!);
  }

  private call(helper: Helper, node: hbs.AST.MustacheStatement | hbs.AST.SubExpression, frame: Frame): unknown {
    const args = node.params.map((e) => this.value(e, frame));
    const hash: Record<string, unknown> = {};
    for (const pair of node.hash?.pairs ?? []) hash[pair.key] = this.value(pair.value, frame);
    return helper(args, hash, at(node), frame);
  }

  private value(e: Expression, frame: Frame): unknown {
    if (e.type === 'SubExpression') {
      const sub = e as hbs.AST.SubExpression;
      const helper = this.helperFor(sub.path);
      if (!helper) throw new EvaluationError(`unknown helper "${sub.path.original}"`, at(sub));
      return this.call(helper, sub, frame);
    }
    if (e.type === 'PathExpression') return this.lookup(e as PathExpression, frame);
    return literal(e);
  }

  private lookup(p: PathExpression, frame: Frame): unknown {
    let f: Frame | undefined = frame;
    for (let d = 0; d < p.depth && f; d++) f = f.parent;
    if (!f) return undefined;
    const [head, ...rest] = p.parts;
    let value: unknown;
    if (p.data) {
      value = head === undefined ? undefined : f.data[head];
    } else if (head === undefined || /^(this|\.)([./]|$)/.test(p.original)) {
      value = f.context;
      if (head !== undefined) value = property(value, head);
    } else if (f.blockParams.has(head)) {
      value = f.blockParams.get(head);
    } else if (hasOwn(f.context, head)) {
      value = (f.context as Record<string, unknown>)[head];
    } else {
      throw new EvaluationError(`"${head}" is not defined`, at(p));
    }
    // Deeper segments read leniently, so {{#if model.config.unique_key}} works when the key is unset.
    for (const part of rest) value = property(value, part);
    return value;
  }

  private block(b: hbs.AST.BlockStatement, frame: Frame): string {
    const name = b.path.parts[0];
    const arg = b.params[0] === undefined ? undefined : this.value(b.params[0], frame);
    const inverse = () => (b.inverse ? this.render(b.inverse, frame) : '');
    const child = (context: unknown, data: Record<string, unknown>, params: unknown[]): Frame => ({
      context,
      parent: frame,
      data: { ...frame.data, ...data },
      blockParams: new Map([...frame.blockParams, ...(b.program.blockParams ?? []).map((n, i) => [n, params[i]] as const)]),
    });
    switch (name) {
      case 'if':
        return isEmpty(arg) ? inverse() : this.render(b.program, frame);
      case 'unless':
        return isEmpty(arg) ? this.render(b.program, frame) : inverse();
      case 'with':
        return isEmpty(arg) ? inverse() : this.render(b.program, child(arg, {}, [arg]));
      case 'each':
        return this.each(b, arg, child, inverse);
      default:
        throw new EvaluationError(`unknown block helper "${b.path.original}"`, at(b));
    }
  }

  private each(b: hbs.AST.BlockStatement, items: unknown, child: (c: unknown, d: Record<string, unknown>, p: unknown[]) => Frame, inverse: () => string): string {
    const entries: [unknown, unknown][] = Array.isArray(items)
      ? items.map((v, i) => [i, v])
      : items !== null && typeof items === 'object'
        ? Object.entries(items)
        : [];
    if (entries.length === 0) return inverse();
    let out = '';
    entries.forEach(([key, value], index) => {
      const data = { index, key, first: index === 0, last: index === entries.length - 1 };
      out += this.render(b.program, child(value, data, [value, key]));
    });
    return out;
  }
}

function at(node: { loc: hbs.AST.SourceLocation }): CallSite {
  return { line: node.loc.start.line, col: node.loc.start.column + 1 };
}

function literal(e: Expression): unknown {
  const v = literalValue(e);
  return v === NOT_LITERAL ? undefined : v;
}

function hasOwn(obj: unknown, key: string): boolean {
  return obj !== null && typeof obj === 'object' && Object.prototype.hasOwnProperty.call(obj, key);
}

function property(obj: unknown, key: string): unknown {
  return hasOwn(obj, key) ? (obj as Record<string, unknown>)[key] : undefined;
}

/** Handlebars' notion of empty: what #if treats as false. */
export function isEmpty(v: unknown): boolean {
  return !v || (Array.isArray(v) && v.length === 0);
}

export function toText(v: unknown): string {
  if (v === undefined || v === null) return '';
  return String(v);
}
