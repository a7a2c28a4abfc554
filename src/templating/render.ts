import { didYouMean } from '../util/suggest.js';
import type { Program } from './ast.js';
import { EvaluationError, Evaluator, rootFrame, type CallSite, type Helper } from './evaluate.js';
import type { MacroDef } from './macros.js';

/** What a template sees while it renders: its own relation, mode, and how to resolve names. */
export interface RenderContext {
  file: string;
  thisRelation: string;
  isIncremental: boolean;
  vars: Readonly<Record<string, unknown>>;
  env: Readonly<Record<string, string | undefined>>;
  target: Readonly<Record<string, unknown>>;
  model: Readonly<Record<string, unknown>>;
  projectName: string;
  runStartedAt: string;
  /** Returns the relation to put in the SQL, or an error message. */
  resolveRef(name: string): { relation: string } | { error: string };
  resolveSource(source: string, table: string): { relation: string } | { error: string };
}

/** A rendering failure located in the template (or macro) that caused it. */
export class RenderError extends Error {
  constructor(message: string, readonly file: string, readonly line?: number, readonly col?: number) {
    super(message);
    this.name = 'RenderError';
  }
}

/** One environment per project: the built-in helpers plus every project macro as a helper. */
export class TemplateEnvironment {
  private readonly evaluator: Evaluator;
  /** The render in progress and the files (model, then macros) it is inside; rendering is synchronous. */
  private ctx?: RenderContext;
  private files: string[] = [];

  constructor(macros: ReadonlyMap<string, MacroDef>) {
    const helpers = new Map<string, Helper>(Object.entries(this.builtins()));
    for (const def of macros.values()) helpers.set(def.name, this.macroHelper(def));
    this.evaluator = new Evaluator(helpers);
  }

  render(program: Program, ctx: RenderContext): string {
    return this.run(ctx, () => this.evaluator.render(program, rootFrame(withThis(baseVariables(ctx), ctx.thisRelation))));
  }

  /** Renders a macro (or custom test) body with the given arguments, as a call to it would. */
  renderMacro(def: MacroDef, args: Readonly<Record<string, unknown>>, ctx: RenderContext): string {
    return this.run({ ...ctx, file: def.file }, () => String(this.macroHelper(def)([], args, { line: def.line, col: def.col }, rootFrame({}))));
  }

  private run(ctx: RenderContext, render: () => string): string {
    this.ctx = ctx;
    this.files = [ctx.file];
    try {
      return render();
    } catch (e) {
      if (e instanceof EvaluationError) throw new RenderError(e.message, this.files[this.files.length - 1]!, e.at.line, e.at.col);
      throw e;
    } finally {
      this.ctx = undefined;
    }
  }

  private fail(message: string, at: CallSite): never {
    throw new EvaluationError(message, at);
  }

  private builtins(): Record<string, Helper> {
    const relation = (r: { relation: string } | { error: string }, at: CallSite) => ('error' in r ? this.fail(r.error, at) : r.relation);
    return {
      ref: (args, _hash, at) => relation(this.ctx!.resolveRef(String(args[args.length - 1])), at),
      source: (args, _hash, at) => relation(this.ctx!.resolveSource(String(args[0]), String(args[1])), at),
      // Config is read statically before rendering; at render time it writes nothing.
      config: () => '',
      var: (args, _hash, at) => {
        const name = String(args[0]);
        const vars = this.ctx!.vars;
        if (Object.prototype.hasOwnProperty.call(vars, name)) return vars[name];
        if (args.length > 1) return args[1];
        return this.fail(`var "${name}" is not defined${didYouMean(name, Object.keys(vars))} — set it under vars: in project.yml, pass --vars '{${name}: ...}', or give a default: {{var "${name}" default}}`, at);
      },
      env_var: (args, _hash, at) => {
        const name = String(args[0]);
        const value = this.ctx!.env[name];
        if (value !== undefined) return value;
        if (args.length > 1) return args[1];
        return this.fail(`environment variable ${name} is not set — export it, or give a default: {{env_var "${name}" "default"}}`, at);
      },
      lookup: (args) => {
        const [obj, key] = args;
        return obj !== null && typeof obj === 'object' ? (obj as Record<string, unknown>)[String(key)] : undefined;
      },
      log: () => '',
    };
  }

  private macroHelper(def: MacroDef): Helper {
    return (args, hash) => {
      const scope: Record<string, unknown> = baseVariables(this.ctx!);
      def.params.forEach((p, i) => {
        scope[p] = i < args.length ? args[i] : hash[p] !== undefined ? hash[p] : def.defaults[p];
      });
      this.files.push(def.file);
      const out = this.evaluator.render(def.body, rootFrame(withThis(scope, this.ctx!.thisRelation)));
      this.files.pop();
      return out;
    };
  }
}

function baseVariables(ctx: RenderContext): Record<string, unknown> {
  return {
    is_incremental: ctx.isIncremental,
    target: ctx.target,
    model: ctx.model,
    run_started_at: ctx.runStartedAt,
    project_name: ctx.projectName,
  };
}

/** `{{this}}` prints the context object, so the context prints as the model's own relation. */
function withThis(scope: Record<string, unknown>, relation: string): Record<string, unknown> {
  Object.defineProperty(scope, 'toString', { value: () => relation, enumerable: false });
  return scope;
}
