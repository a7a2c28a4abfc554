/** Quoting for every name and value that reaches generated SQL. */
export function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

export function quoteLiteral(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}

export function relationName(schema: string, identifier: string): string {
  return `${quoteIdent(schema)}.${quoteIdent(identifier)}`;
}

/**
 * A column named in YAML: a plain name is quoted; anything else (`lower(email)`, `a || '-' || b`)
 * is a SQL expression, which dbt projects write on purpose.
 */
export function columnOrExpression(name: string): string {
  return isPlainColumn(name) ? quoteIdent(name) : name;
}

export function isPlainColumn(name: string): boolean {
  return /^[A-Za-z_][A-Za-z0-9_$]*$/.test(name);
}
