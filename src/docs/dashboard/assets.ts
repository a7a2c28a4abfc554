import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The page's own script and styles; the same relative path holds from src/docs/dashboard and dist/docs/dashboard. */
const BROWSER_FILES = fileURLToPath(new URL('../../../src/docs/assets/', import.meta.url));
const OWN_ASSETS = ['dashboard.js', 'dashboard.css', 'dashboard-header.css'];

/** Chart.js's self-contained UMD build, found through node_modules (its package exports only the module entry). */
function chartJsFile(): string {
  return join(dirname(createRequire(import.meta.url).resolve('chart.js')), 'chart.umd.min.js');
}

/** Copies Chart.js and the dashboard's script and styles into `<outDir>/assets`. */
export function copyDashboardAssets(outDir: string): void {
  const assets = join(outDir, 'assets');
  mkdirSync(assets, { recursive: true });
  // The map is not shipped, so its comment goes too: a browser with devtools open would ask for it.
  writeFileSync(join(assets, 'chart.umd.min.js'), readFileSync(chartJsFile(), 'utf8').replace(/\n\/\/# sourceMappingURL=\S+\s*$/, '\n'));
  for (const name of OWN_ASSETS) copyFileSync(join(BROWSER_FILES, name), join(assets, name));
}
