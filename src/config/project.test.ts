import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { mergeConfigs } from './node-config.js';
import { folderLayers, loadProject } from './project.js';

function project(yaml: string) {
  const dir = mkdtempSync(join(tmpdir(), 'modelrun-project-'));
  writeFileSync(join(dir, 'project.yml'), yaml);
  return loadProject(dir);
}

describe('loadProject', () => {
  it('reads paths, vars and folder configs', () => {
    const { project: p, diagnostics } = project(`name: shop
vars: { a: 1, shop: { b: 2 } }
models:
  +tags: [all]
  shop:
    +materialized: view
    marts:
      +materialized: table
      +tags: [marts]
      orders: { +materialized: incremental }
`);
    expect(diagnostics).toEqual([]);
    expect(p!.modelPaths).toEqual(['models']);
    expect(p!.vars).toEqual({ a: 1, b: 2 });
    const config = mergeConfigs({ materialized: 'view' }, folderLayers(p!.models, ['marts', 'orders']));
    expect(config.materialized).toBe('incremental');
    expect(config.tags).toEqual(['all', 'marts']);
    expect(mergeConfigs({}, folderLayers(p!.models, ['staging', 'x'])).materialized).toBe('view');
  });

  it('reports invalid values at their line and unknown keys as warnings with the nearest key', () => {
    const { diagnostics } = project(`name: shop
modle-paths: [models]
models:
  shop:
    marts:
      +materialized: tabel
`);
    expect(diagnostics).toEqual([
      { level: 'warn', message: 'unknown key "modle-paths" in project.yml — did you mean "model-paths"? (ignored)', file: 'project.yml', line: 2, col: 1 },
      { level: 'error', message: 'config "materialized" must be one of view, table, incremental, ephemeral (got "tabel") — did you mean "table"?', file: 'project.yml', line: 6, col: 7 },
    ]);
  });

  it('needs a valid name', () => {
    expect(project('version: 2\n').diagnostics[0]!.message).toContain('project.yml needs `name:`');
  });

  it('reports YAML syntax errors with line and column', () => {
    const [d] = project('name: shop\nmodels: [unclosed\n').diagnostics;
    expect(d!.file).toBe('project.yml');
    expect(d!.line).toBeGreaterThanOrEqual(2);
    expect(d!.message).toMatch(/^invalid YAML: /);
  });

  it('reports every key given twice, each at its place', () => {
    const diagnostics = project('name: shop\nname: shop2\nvars:\n  a: 1\n  a: 2\n').diagnostics;
    expect(diagnostics.map((d) => `${d.line}:${d.col} ${d.message}`)).toEqual(['2:1 invalid YAML: Map keys must be unique', '5:3 invalid YAML: Map keys must be unique']);
  });

  it('reports a syntax error and a key given twice elsewhere, in file order', () => {
    const diagnostics = project('name: shop\nvars:\n  a: 1\n  a: 2\nmodels:\n  shop:\n    tests: [unique, not_null\n    columns:\n      - name: id\n').diagnostics;
    expect(diagnostics.map((d) => `${d.line}:${d.col} ${d.message}`)).toEqual(['4:3 invalid YAML: Map keys must be unique', '8:5 invalid YAML: Flow sequence in block collection must be sufficiently indented and end with a ]']);
  });

  it('reports only the first YAML error of a file: the others follow from it', () => {
    const diagnostics = project('name: shop\nmodels:\n  shop:\n    tests: [unique, not_null\n    columns:\n      - name: id\n').diagnostics;
    expect(diagnostics.map((d) => `${d.line}:${d.col} ${d.message}`)).toEqual(['5:5 invalid YAML: Flow sequence in block collection must be sufficiently indented and end with a ]']);
  });
});
