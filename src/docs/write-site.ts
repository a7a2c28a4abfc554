import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CHUNK_SIZE, type SiteData, type SiteIndex } from './site-data.js';
import { docsIndexHtml } from './site-page.js';
import { copyAssets, copyBrowserBundle, dataScript, jsonForScript } from './site-files.js';

/** The files of this site in assets/; the dashboard's own files there belong to it. */
const SITE_ASSETS = ['site.css', 'page.js', 'docs.css', 'docs.js', 'lineage.js'];

/**
 * Writes the site into outDir: index.html, the browser code, dagre's browser bundle, the index
 * (assets/docs-data.js) and the node details in chunks (assets/nodes/<n>.js), each a classic
 * script that hands its data to a global, so the site opens from file:// as from any host.
 */
export function writeSite(outDir: string, data: SiteData): void {
  const chunks = join(outDir, 'assets', 'nodes');
  // The folder is all generated: chunks of a larger, earlier project, or the dashboard of a project
  // that no longer declares one, must not linger.
  rmSync(outDir, { recursive: true, force: true });
  mkdirSync(chunks, { recursive: true });
  writeFileSync(join(outDir, 'index.html'), docsIndexHtml(data.index.project));
  copyAssets(outDir, SITE_ASSETS);
  copyBrowserBundle(outDir, '@dagrejs/dagre', 'dagre.min.js');
  writeIndexData(outDir, data.index);
  for (let k = 0; k * CHUNK_SIZE < data.details.length; k++) {
    const part = data.details.slice(k * CHUNK_SIZE, (k + 1) * CHUNK_SIZE);
    writeFileSync(join(chunks, `${k}.js`), `window.modelrunDocs.receiveChunk(${k}, ${jsonForScript(part)});\n`);
  }
}

/** assets/docs-data.js: the index every page loads first. */
export function writeIndexData(outDir: string, index: SiteIndex): void {
  writeFileSync(join(outDir, 'assets', 'docs-data.js'), dataScript('modelrunDocsIndex', index));
}
