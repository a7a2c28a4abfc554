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
