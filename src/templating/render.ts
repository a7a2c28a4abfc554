import Handlebars from 'handlebars';
import { didYouMean } from '../util/suggest.js';
import type { MacroDef } from './macros.js';
import type { Program } from './ast.js';

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

type HelperOptions = Handlebars.HelperOptions & { loc?: hbs.AST.SourceLocation; data: { modelrun: RenderState } };

interface RenderState {
  ctx: RenderContext;
  files: string[];
}

const COMPILE_OPTIONS: CompileOptions = { noEscape: true, strict: true, knownHelpersOnly: false };

/** One Handlebars environment per project: the built-in helpers plus every project macro as a helper. */
export class TemplateEnvironment {
  private readonly hb = Handlebars.create();
  private readonly compiled = new WeakMap<Program, HandlebarsTemplateDelegate>();

  constructor(private readonly macros: ReadonlyMap<string, MacroDef>) {
    this.registerBuiltins();
    for (const def of macros.values()) this.registerMacro(def);
  }

  render(program: Program, ctx: RenderContext): string {
    const state: RenderState = { ctx, files: [ctx.file] };
    try {
      return this.template(program)(rootContext(ctx), { data: { modelrun: state } });
    } catch (e) {
      throw asRenderError(e, state.files[state.files.length - 1] ?? ctx.file);
    }
  }

  private template(program: Program): HandlebarsTemplateDelegate {
    let t = this.compiled.get(program);
    if (!t) {
      t = this.hb.compile(program, COMPILE_OPTIONS);
      this.compiled.set(program, t);
    }
    return t;
  }

  private registerBuiltins(): void {
    const hb = this.hb;
    hb.registerHelper('ref', (...args: unknown[]) => {
      const o = args.pop() as HelperOptions;
      const name = String(args[args.length - 1]);
      return relationOrThrow(o, o.data.modelrun.ctx.resolveRef(name));
    });
    hb.registerHelper('source', (source: unknown, table: unknown, o: HelperOptions) =>
      relationOrThrow(o, o.data.modelrun.ctx.resolveSource(String(source), String(table))),
    );
    // Config is read statically before rendering; at render time it writes nothing.
    hb.registerHelper('config', () => '');
    hb.registerHelper('var', (...args: unknown[]) => {
      const o = args.pop() as HelperOptions;
      const name = String(args[0]);
      const vars = o.data.modelrun.ctx.vars;
      if (Object.prototype.hasOwnProperty.call(vars, name)) return vars[name];
      if (args.length > 1) return args[1];
      fail(o, `var "${name}" is not defined${didYouMean(name, Object.keys(vars))} — set it under vars: in project.yml, pass --vars '{${name}: ...}', or give a default: {{var "${name}" default}}`);
    });
    hb.registerHelper('env_var', (...args: unknown[]) => {
      const o = args.pop() as HelperOptions;
      const name = String(args[0]);
      const value = o.data.modelrun.ctx.env[name];
      if (value !== undefined) return value;
      if (args.length > 1) return args[1];
      fail(o, `environment variable ${name} is not set — export it, or give a default: {{env_var "${name}" "default"}}`);
    });
  }

  private registerMacro(def: MacroDef): void {
    this.hb.registerHelper(def.name, (...args: unknown[]) => {
      const o = args.pop() as HelperOptions;
      const state = o.data.modelrun;
      const scope: Record<string, unknown> = { ...baseVariables(state.ctx) };
      def.params.forEach((p, i) => {
        scope[p] = i < args.length ? args[i] : o.hash[p] !== undefined ? o.hash[p] : def.defaults[p];
      });
      withThis(scope, state.ctx.thisRelation);
      state.files.push(def.file);
      const out = this.template(def.body)(scope, { data: o.data });
      state.files.pop();
      return out;
    });
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

function rootContext(ctx: RenderContext): Record<string, unknown> {
  return withThis(baseVariables(ctx), ctx.thisRelation);
}

/** `{{this}}` prints the context object, so the context prints as the model's own relation. */
function withThis(scope: Record<string, unknown>, relation: string): Record<string, unknown> {
  Object.defineProperty(scope, 'toString', { value: () => relation, enumerable: false });
  return scope;
}

function relationOrThrow(o: HelperOptions, r: { relation: string } | { error: string }): string {
  if ('error' in r) fail(o, r.error);
  return (r as { relation: string }).relation;
}

function fail(o: HelperOptions, message: string): never {
  const state = o.data.modelrun;
  const file = state.files[state.files.length - 1] ?? state.ctx.file;
  throw new RenderError(message, file, o.loc?.start.line, o.loc ? o.loc.start.column + 1 : undefined);
}

function asRenderError(e: unknown, file: string): RenderError {
  if (e instanceof RenderError) return e;
  const err = e as Error & { lineNumber?: number; column?: number };
  const message = (err.message ?? String(e)).replace(/ - \d+:\d+$/, '').replace(/ not defined in .*$/s, ' is not defined');
  return new RenderError(message, file, err.lineNumber, err.column !== undefined ? err.column + 1 : undefined);
}
