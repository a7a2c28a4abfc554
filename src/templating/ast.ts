import type Handlebars from 'handlebars';

/** Handlebars' AST types, under short names. */
export type Program = hbs.AST.Program;
export type Statement = hbs.AST.Statement;
export type Expression = hbs.AST.Expression;
export type PathExpression = hbs.AST.PathExpression;
export type Hash = hbs.AST.Hash;
export type CallNode = hbs.AST.MustacheStatement | hbs.AST.BlockStatement | hbs.AST.SubExpression;

export type Literal = string | number | boolean | null | undefined;

export function isPath(e: Expression | undefined): e is PathExpression {
  return e?.type === 'PathExpression';
}

/** The value of a literal expression, or `NOT_LITERAL`. */
export const NOT_LITERAL = Symbol('not literal');
export function literalValue(e: Expression): Literal | typeof NOT_LITERAL {
  switch (e.type) {
    case 'StringLiteral':
    case 'NumberLiteral':
    case 'BooleanLiteral':
      return (e as hbs.AST.StringLiteral).value;
    case 'NullLiteral':
      return null;
    case 'UndefinedLiteral':
      return undefined;
    default:
      return NOT_LITERAL;
  }
}

/** The name a call is made by (`ref` in `{{ref "x"}}`); undefined for `this`, data (`@index`) and parent (`../x`) paths. */
export function simpleName(path: PathExpression): string | undefined {
  if (path.data || path.depth > 0 || path.parts.length === 0) return undefined;
  if (path.original.startsWith('this.') || path.original.startsWith('this/')) return undefined;
  return path.parts[0];
}

export function position(node: { loc: hbs.AST.SourceLocation }): { line: number; col: number } {
  return { line: node.loc.start.line, col: node.loc.start.column + 1 };
}

export type { Handlebars };
