import { existsSync, readFileSync, statSync } from 'node:fs';
import { extname, join, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance, FastifyReply } from 'fastify';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.woff2': 'font/woff2',
};

/** The page may load only its own scripts, styles and data: no inline script, no other origin. */
const CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

/**
 * Where the built dashboard is: `src/dashboard/dist` seen from this file, whether it runs from
 * source (`src/gateway`) or from the compiled output (`dist/src/gateway`).
 */
export function defaultDashboardDir(): string {
  const candidates = [
    fileURLToPath(new URL('../dashboard/dist/', import.meta.url)),
    fileURLToPath(new URL('../../../src/dashboard/dist/', import.meta.url)),
  ];
  return candidates.find((d) => existsSync(join(d, 'index.html'))) ?? candidates[0]!;
}

function headers(reply: FastifyReply, file: string, immutable: boolean): FastifyReply {
  return reply
    .header('content-type', TYPES[extname(file)] ?? 'application/octet-stream')
    .header('cache-control', immutable ? 'public, max-age=31536000, immutable' : 'no-cache')
    .header('x-content-type-options', 'nosniff')
    .header('referrer-policy', 'no-referrer')
    .header('content-security-policy', CSP);
}

const NOT_BUILT = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Consortia dashboard</title></head>
<body><h1>The dashboard is not built</h1><p>Run <code>npm run build:dashboard</code> (or <code>npm run build</code>) and reload this page.</p></body></html>`;

/**
 * Serves the built dashboard: `/` (and `/index.html`) give the page, `/assets/*` its hashed
 * scripts and styles, `/favicon.svg` its icon. A path that leaves the directory or names no
 * file falls through to the app's not-found handler. Without a build, `/` says how to make one.
 */
export function registerDashboardAssets(app: FastifyInstance, dir: string): void {
  const root = resolve(dir);
  const notFound = (reply: FastifyReply) => {
    reply.callNotFound();
    return reply;
  };
  const assets = join(root, 'assets');
  const sendFile = (reply: FastifyReply, base: string, relativePath: string, immutable: boolean) => {
    const file = resolve(base, relativePath);
    if (!file.startsWith(base + sep) || relativePath.includes('\0')) return notFound(reply);
    let isFile = false;
    try {
      isFile = statSync(file).isFile();
    } catch {
      isFile = false;
    }
    if (!isFile) return notFound(reply);
    return headers(reply, file, immutable).send(readFileSync(file));
  };
  const index = async (_req: unknown, reply: FastifyReply) => {
    if (!existsSync(join(root, 'index.html'))) {
      return headers(reply, 'index.html', false).code(503).send(NOT_BUILT);
    }
    return sendFile(reply, root, 'index.html', false);
  };
  app.get('/', index);
  app.get('/index.html', index);
  app.get('/favicon.svg', async (_req, reply) => sendFile(reply, root, 'favicon.svg', false));
  app.get<{ Params: { '*': string } }>('/assets/*', async (req, reply) =>
    sendFile(reply, assets, req.params['*'], true),
  );
}
