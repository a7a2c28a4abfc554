import { createHash } from 'node:crypto';

/**
 * dbt's name for a generic test: `<test>_<target>_<args>`, arguments sorted by name and flattened,
 * non-word characters replaced by "_", e.g. `relationships_orders_customer_id__id__ref_customers_`.
 * A name of 64 characters or more becomes its first 30 characters and an md5 of the whole.
 */
export function genericTestName(testName: string, targetName: string, args: Readonly<Record<string, unknown>>): { name: string; fullName: string } {
  const flat: string[] = [];
  for (const key of Object.keys(args).sort()) {
    if (key === 'model') continue;
    const value = args[key];
    const parts = Array.isArray(value) ? value : value !== null && typeof value === 'object' ? Object.values(value) : [value];
    flat.push(...parts.map(pythonStr));
  }
  const unique = flat.map((p) => p.replace(/[^0-9a-zA-Z_]+/g, '_')).join('__');
  const identifier = `${testName}_${targetName}`;
  const fullName = `${identifier}_${unique}`;
  if (fullName.length < 64) return { name: fullName, fullName };
  return { name: `${identifier.slice(0, 30)}_${createHash('md5').update(fullName).digest('hex')}`, fullName };
}

/** Values print the way Python's str() prints them, so names match dbt's. */
function pythonStr(v: unknown): string {
  if (v === true) return 'True';
  if (v === false) return 'False';
  if (v === null || v === undefined) return 'None';
  if (Array.isArray(v)) return `[${v.map((x) => (typeof x === 'string' ? `'${x}'` : pythonStr(x))).join(', ')}]`;
  if (typeof v === 'object') return `{${Object.entries(v).map(([k, x]) => `'${k}': ${typeof x === 'string' ? `'${x}'` : pythonStr(x)}`).join(', ')}}`;
  return String(v);
}
