import { copyFileSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CHUNK_SIZE, type SiteData, type SiteIndex } from './site-data.js';

/** The browser code, beside this module's source (the same relative path from dist/docs/). */
export const ASSETS_DIR = fileURLToPath(new URL('../../src/docs/assets/', import.meta.url));

/** The files of this site in assets/; the dashboard's own files there belong to it. */
const SITE_ASSETS = ['site.css', 'docs.css', 'docs.js', 'lineage.js'];

/**
 * Writes the site into outDir: index.html, the browser code, dagre's browser bundle, the index
 * (assets/docs-data.js) and the node details in chunks (assets/nodes/<n>.js), each a classic
 * script that hands its data to a global, so the site opens from file:// as from any host.
 */
export function writeSite(outDir: string, data: SiteData): void {
  const assets = join(outDir, 'assets');
  const chunks = join(assets, 'nodes');
  // Chunks of a larger, earlier project must not linger.
  rmSync(chunks, { recursive: true, force: true });
  mkdirSync(chunks, { recursive: true });
  copyFileSync(join(ASSETS_DIR, 'index.html'), join(outDir, 'index.html'));
  for (const file of SITE_ASSETS) copyFileSync(join(ASSETS_DIR, file), join(assets, file));
  copyFileSync(dagreBundle(), join(assets, 'dagre.min.js'));
  writeIndexData(outDir, data.index);
  for (let k = 0; k * CHUNK_SIZE < data.details.length; k++) {
    const part = data.details.slice(k * CHUNK_SIZE, (k + 1) * CHUNK_SIZE);
    writeFileSync(join(chunks, `${k}.js`), `window.modelrunDocs.receiveChunk(${k}, ${JSON.stringify(part)});\n`);
  }
}

/** assets/docs-data.js: the index every page loads first. */
export function writeIndexData(outDir: string, index: SiteIndex): void {
  writeFileSync(join(outDir, 'assets', 'docs-data.js'), `window.modelrunDocsIndex = ${JSON.stringify(index)};\n`);
}

function dagreBundle(): string {
  const require = createRequire(import.meta.url);
  return join(dirname(require.resolve('@dagrejs/dagre/package.json')), 'dist', 'dagre.min.js');
}
