/**
 * Serves the built web console (out/renderer) under /_cloudlab/. Hashed assets are cached for
 * a long time; index.html never, so a new build is picked up on reload.
 */
import { createReadStream, existsSync, statSync } from 'node:fs';
import type { ServerResponse } from 'node:http';
import { extname, join, normalize, sep } from 'node:path';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.wasm': 'application/wasm',
  '.map': 'application/json',
};

/** The same policy the Electron window uses, plus the WebSocket back to this server. */
export const WEB_CSP =
  "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self' data:; connect-src 'self' ws: wss:; object-src 'none'; base-uri 'none'; frame-ancestors 'none'";

export function serveConsoleFile(rendererDir: string | null, relative: string, res: ServerResponse): void {
  if (!rendererDir || !existsSync(join(rendererDir, 'index.html'))) {
    res.writeHead(503, { 'content-type': 'text/plain; charset=utf-8' });
    res.end('The web console is not built. Run `npm run build`, then reload.\n');
    return;
  }
  const clean = normalize(decodeSafe(relative)).replace(/^([/\\])+/, '');
  let file = join(rendererDir, clean);
  if (!file.startsWith(rendererDir + sep) && file !== rendererDir) file = join(rendererDir, 'index.html');
  if (!existsSync(file) || statSync(file).isDirectory()) file = join(rendererDir, 'index.html');
  const isIndex = file.endsWith('index.html');
  res.writeHead(200, {
    'content-type': TYPES[extname(file)] ?? 'application/octet-stream',
    'content-length': statSync(file).size,
    'cache-control': isIndex ? 'no-cache' : 'public, max-age=31536000, immutable',
    'content-security-policy': WEB_CSP,
    'x-content-type-options': 'nosniff',
  });
  createReadStream(file).pipe(res);
}

function decodeSafe(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}
