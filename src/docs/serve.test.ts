import { mkdirSync, mkdtempSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { resolveRequest } from './serve.js';

const base = realpathSync(mkdtempSync(join(tmpdir(), 'modelrun-serve-')));
const root = join(base, 'docs');
mkdirSync(join(root, 'assets'), { recursive: true });
writeFileSync(join(root, 'index.html'), '<!doctype html>');
writeFileSync(join(root, 'assets', 'docs.js'), '');
writeFileSync(join(base, 'secret.txt'), 'secret');
symlinkSync(join(base, 'secret.txt'), join(root, 'assets', 'escape.txt'));
symlinkSync(join(root, 'assets', 'docs.js'), join(root, 'assets', 'inside.js'));
afterAll(() => rmSync(base, { recursive: true, force: true }));

describe('resolveRequest', () => {
  it('maps paths and folders to files inside the root', () => {
    expect(resolveRequest(root, '/')).toEqual({ status: 200, file: join(root, 'index.html') });
    expect(resolveRequest(root, '/assets/docs.js?v=1#x')).toEqual({ status: 200, file: join(root, 'assets', 'docs.js') });
    expect(resolveRequest(root, '/assets/inside.js')).toEqual({ status: 200, file: join(root, 'assets', 'docs.js') });
    expect(resolveRequest(root, '/assets/missing.js')).toEqual({ status: 404 });
    expect(resolveRequest(root, '/assets/')).toEqual({ status: 404 });
  });

  it('refuses traversal, raw or encoded, and symlinks leaving the root', () => {
    for (const path of ['/../secret.txt', '/assets/../../secret.txt', '/%2e%2e/secret.txt', '/assets/%2E%2E%2F%2E%2E%2Fsecret.txt', '/assets/..%5c..%5csecret.txt', '/index.html%00.js', '/assets/escape.txt']) {
      expect(resolveRequest(root, path), path).toEqual({ status: 403 });
    }
    expect(resolveRequest(root, '/%E0%A4%A')).toEqual({ status: 400 });
  });
});
