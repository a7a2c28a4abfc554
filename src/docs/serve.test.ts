import { mkdirSync, mkdtempSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { request } from 'node:http';
import { createServer as createNetServer, type AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDocsServer, resolveRequest } from './serve.js';

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

describe('the docs server', () => {
  const server = createDocsServer(root);
  let port = 0;
  beforeAll(() => new Promise<void>((done) => server.listen(0, '127.0.0.1', () => {
    port = (server.address() as AddressInfo).port;
    done();
  })));
  afterAll(() => new Promise<void>((done) => {
    server.closeAllConnections();
    server.close(() => done());
  }));

  const send = (method: string, path: string) =>
    new Promise<{ status: number; headers: Record<string, unknown>; body: string }>((done, fail) => {
      const req = request({ host: '127.0.0.1', port, path, method }, (res) => {
        let body = '';
        res.on('data', (d: Buffer) => (body += d.toString()));
        res.on('end', () => done({ status: res.statusCode ?? 0, headers: res.headers, body }));
      });
      req.on('error', fail);
      req.end();
    });

  it('answers HEAD with the headers of GET and no body, and serves a path with a query string', async () => {
    expect(await send('HEAD', '/index.html?x=1')).toMatchObject({ status: 200, headers: { 'content-type': 'text/html; charset=utf-8', 'content-length': '15' }, body: '' });
    expect(await send('GET', '/index.html?x=1')).toMatchObject({ status: 200, body: '<!doctype html>' });
  });

  it('refuses other methods, naming the allowed ones', async () => {
    expect(await send('POST', '/')).toMatchObject({ status: 405, headers: { allow: 'GET, HEAD' }, body: '405 Method Not Allowed\n' });
  });

  it('keeps serving after a file it cannot read (a socket left in the folder)', async () => {
    const socket = createNetServer();
    await new Promise<void>((done) => socket.listen(join(root, 'assets', 'stray.sock'), done));
    try {
      await send('GET', '/assets/stray.sock').catch(() => undefined);
      expect((await send('GET', '/')).status).toBe(200);
    } finally {
      socket.close();
    }
  });
});
