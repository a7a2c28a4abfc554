import { nodeRenderContext } from '../../compile/render-context.js';
import type { GraphNode } from '../../graph/nodes.js';
import type { LoadedProject } from '../../project/load.js';
import { analyzeTemplate, MODEL_VARIABLES } from '../../templating/analyze.js';
import { parseTemplate } from '../../templating/parse.js';
import { RenderError, TemplateEnvironment } from '../../templating/render.js';
import { error, hasErrors, type Diagnostic } from '../../util/diagnostics.js';
import { relationName } from '../../util/sql.js';
import { didYouMean } from '../../util/suggest.js';

/** Renders the dashboard's query templates against the project's built relations, with its macros and vars. */
export class DashboardSqlRenderer {
  private readonly environment: TemplateEnvironment;
  private readonly relations = new Map<string, GraphNode>();
  /** Templates see the dashboard as their `model`: it reads relations but builds none. */
  private readonly node: GraphNode;

  constructor(
    private readonly project: LoadedProject,
    file: string,
    private readonly runStartedAt = new Date().toISOString(),
  ) {
    this.environment = new TemplateEnvironment(project.macros);
    for (const n of project.nodes.values()) if (n.resourceType === 'model' || n.resourceType === 'seed') this.relations.set(n.name, n);
    this.node = {
      uniqueId: `dashboard.${project.config.name}`, resourceType: 'model', name: 'dashboard', packageName: project.config.name, path: file,
      fqn: [project.config.name, 'dashboard'], tags: [], config: { tags: [], enabled: true }, schema: project.target.schema, identifier: 'dashboard', dependsOn: [],
    };
  }

  /** The SQL of a template written at `line` of the dashboard file, or diagnostics at their line in that file. */
  render(template: string, line: number): { sql?: string; diagnostics: Diagnostic[] } {
    const file = this.node.path;
    const shift = (d: Diagnostic): Diagnostic => ({ ...d, file, line: d.line === undefined ? line : line + d.line - 1, col: undefined });
    const parsed = parseTemplate(template, file);
    if (!parsed.program) return { diagnostics: parsed.diagnostics.map(shift) };
    const { analysis, diagnostics } = analyzeTemplate(parsed.program, { file, macros: this.project.macros, variables: new Set(MODEL_VARIABLES), allowDynamicRelations: false });
    for (const ref of analysis.refs) {
      const problem = this.refProblem(ref.name);
      if (problem) diagnostics.push(error(problem, file, ref.line, ref.col));
    }
    for (const s of analysis.sources) {
      if (this.project.nodes.has(`source.${this.project.config.name}.${s.source}.${s.table}`)) continue;
      const declared = [...this.project.nodes.values()].filter((n) => n.resourceType === 'source').map((n) => `${n.sourceName}.${n.tableName}`);
      diagnostics.push(error(`source "${s.source}.${s.table}" is not declared in any schema YAML${didYouMean(`${s.source}.${s.table}`, declared)} — fix the name in dashboard.yml`, file, s.line, s.col));
    }
    if (hasErrors(diagnostics)) return { diagnostics: diagnostics.map(shift) };
    try {
      return { sql: this.environment.render(parsed.program, this.context()).trim(), diagnostics: diagnostics.map(shift) };
    } catch (e) {
      if (!(e instanceof RenderError)) throw e;
      return { diagnostics: [shift(error(e.message, file, e.file === file ? e.line : undefined))] };
    }
  }

  private refProblem(name: string): string | undefined {
    const target = this.relations.get(name);
    if (!target) return `ref "${name}" does not match any model or seed${didYouMean(name, this.relations.keys())} — fix the name in dashboard.yml`;
    if (target.config.materialized === 'ephemeral') return `ref "${name}" is an ephemeral model, which has no relation in the warehouse — chart a model built from it`;
    return undefined;
  }

  private context() {
    return nodeRenderContext(this.project, this.node, this.runStartedAt, {
      isIncremental: false,
      resolveRef: (name) => {
        const problem = this.refProblem(name);
        if (problem) return { error: problem };
        const target = this.relations.get(name)!;
        return { relation: relationName(target.schema, target.identifier) };
      },
    });
  }
}
