import { copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The browser code, beside this module's source (the same relative path from dist/docs/). */
export const ASSETS_DIR = fileURLToPath(new URL('../../src/docs/assets/', import.meta.url));

/** Copies files of ASSETS_DIR into `<outDir>/assets`. */
export function copyAssets(outDir: string, names: readonly string[]): void {
  const assets = join(outDir, 'assets');
  mkdirSync(assets, { recursive: true });
  for (const name of names) copyFileSync(join(ASSETS_DIR, name), join(assets, name));
}

/**
 * Copies a library's self-contained browser build, the file `bundle` beside the package's main entry
 * (packages may export neither it nor package.json), into `<outDir>/assets/`. The source map is not
 * shipped, so its comment goes too: a browser with devtools open would ask for it. The licence file
 * a minified build points to (`<bundle>.LEGAL.txt`) goes with it: the MIT licence asks for it.
 */
export function copyBrowserBundle(outDir: string, packageName: string, bundle: string): void {
  const file = join(dirname(createRequire(import.meta.url).resolve(packageName)), bundle);
  writeFileSync(join(outDir, 'assets', bundle), readFileSync(file, 'utf8').replace(/\n\/\/# sourceMappingURL=\S+\s*$/, '\n'));
  if (existsSync(`${file}.LEGAL.txt`)) copyFileSync(`${file}.LEGAL.txt`, join(outDir, 'assets', `${bundle}.LEGAL.txt`));
}

/** A classic script assigning `data` to `window.<global>`: fetch() of a local JSON file fails from file://, a script does not. */
export function dataScript(global: string, data: unknown): string {
  return `window.${global} = ${jsonForScript(data)};\n`;
}

/**
 * JSON as a JavaScript literal safe in any script: `<` escaped so no value can close a script
 * element or open an HTML comment should the data ever be inlined, and U+2028/U+2029, which
 * engines before ES2019 take for line ends inside strings.
 */
export function jsonForScript(data: unknown): string {
  return JSON.stringify(data).replace(/[<\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
