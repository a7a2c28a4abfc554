import { createReadStream, realpathSync, statSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, sep } from 'node:path';
import { error, UserError } from '../util/diagnostics.js';

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.map': 'application/json; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
};

export type Resolved = { status: 200; file: string } | { status: 400 | 403 | 404 };

/**
 * Maps a request path to a file inside root (itself a real path). Any `..` segment, raw or
 * encoded, is refused, and so is a file whose real path (symlinks followed) leaves root.
 */
export function resolveRequest(root: string, urlPath: string): Resolved {
  const pathname = urlPath.split(/[?#]/)[0]!;
  let decoded: string;
  try {
    decoded = decodeURIComponent(pathname);
  } catch {
    return { status: 400 };
  }
  const segments = decoded.split(/[\\/]/);
  if (decoded.includes('\0') || segments.includes('..')) return { status: 403 };
  let file = join(root, ...segments);
  let real: string;
  try {
    real = realpathSync(file);
    if (statSync(real).isDirectory()) {
      file = join(file, 'index.html');
      real = realpathSync(file);
    }
  } catch {
    return { status: 404 };
  }
  if (real !== root && !real.startsWith(root + sep)) return { status: 403 };
  return { status: 200, file: real };
}

const REASONS = { 400: 'Bad Request', 403: 'Forbidden', 404: 'Not Found', 405: 'Method Not Allowed' } as const;

function refuse(res: ServerResponse, status: keyof typeof REASONS): void {
  res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8' });
  res.end(`${status} ${REASONS[status]}\n`);
}

/** A static server of root; the caller listens on 127.0.0.1 only. */
export function createDocsServer(root: string): Server {
  const realRoot = realpathSync(root);
  return createServer((req: IncomingMessage, res: ServerResponse) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.setHeader('Allow', 'GET, HEAD');
      return refuse(res, 405);
    }
    const resolved = resolveRequest(realRoot, req.url ?? '/');
    if (resolved.status !== 200) return refuse(res, resolved.status);
    sendFile(res, resolved.file, req.method === 'HEAD');
  });
}

/** `docs generate` may rewrite the site while it is served: a file gone meanwhile is a 404, never a crash. */
function sendFile(res: ServerResponse, file: string, headOnly: boolean): void {
  let size: number;
  try {
    size = statSync(file).size;
  } catch {
    return refuse(res, 404);
  }
  res.writeHead(200, {
    'Content-Type': CONTENT_TYPES[extname(file).toLowerCase()] ?? 'application/octet-stream',
    'Content-Length': size,
    // A regenerated site must show at the next reload.
    'Cache-Control': 'no-cache',
    'X-Content-Type-Options': 'nosniff',
  });
  if (headOnly) return void res.end();
  createReadStream(file).on('error', () => res.destroy()).pipe(res);
}

export interface RunningServer {
  port: number;
  /** Resolves once SIGINT or SIGTERM has closed the server. */
  stopped: Promise<void>;
}

/** Listens on 127.0.0.1 only: the docs hold the project's SQL and are nobody else's business. */
export function startDocsServer(root: string, port: number): Promise<RunningServer> {
  const server = createDocsServer(root);
  return new Promise((resolvePromise, reject) => {
    server.once('error', (e: NodeJS.ErrnoException) => {
      if (e.code === 'EADDRINUSE') reject(new UserError([error(`port ${port} on 127.0.0.1 is in use — pick another with --port N (--port 0 picks a free one)`)]));
      else if (e.code === 'EACCES') reject(new UserError([error(`port ${port} on 127.0.0.1 needs privileges — pick one above 1023 with --port N`)]));
      else reject(e);
    });
    server.listen(port, '127.0.0.1', () => {
      const stopped = new Promise<void>((done) => {
        const stop = () => {
          process.off('SIGINT', stop).off('SIGTERM', stop);
          server.closeAllConnections();
          server.close(() => done());
        };
        process.on('SIGINT', stop).on('SIGTERM', stop);
      });
      resolvePromise({ port: (server.address() as AddressInfo).port, stopped });
    });
  });
}
