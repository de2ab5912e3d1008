#!/usr/bin/env node
/**
 * Serves the kiosk app on 127.0.0.1: index.html for every route (the app switches
 * screens with history.pushState, so a reload on /payment must find it too), and
 * src/app.ts bundled in memory by esbuild, rebuilt on each request so an edit shows
 * on the next reload.
 *
 *   WAYMARK_ENDPOINT  collector URL put into the bundle (default http://127.0.0.1:4318)
 *   PORT              port to listen on, 0 for any free one (default 5173)
 */
import { readFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';

const here = dirname(fileURLToPath(import.meta.url));
const endpoint = process.env.WAYMARK_ENDPOINT ?? 'http://127.0.0.1:4318';
const port = Number(process.env.PORT ?? 5173);
if (!Number.isInteger(port) || port < 0 || port > 65_535) throw new Error(`PORT must be a port number, got "${process.env.PORT}"`);
if (!/^https?:\/\/[^/]/.test(endpoint)) throw new Error(`WAYMARK_ENDPOINT must be an http(s) URL, got "${endpoint}"`);

const bundler = await esbuild.context({
  entryPoints: [join(here, 'src/app.ts')],
  outfile: join(here, 'app.js'),
  write: false,
  bundle: true,
  format: 'esm',
  platform: 'browser',
  target: 'es2020',
  minify: true,
  sourcemap: 'linked',
  define: { WAYMARK_ENDPOINT: JSON.stringify(endpoint) },
  logLevel: 'silent',
});

/** The latest bundle: app.js and app.js.map by file name. */
let files = new Map();
async function bundle() {
  const result = await bundler.rebuild();
  files = new Map(result.outputFiles.map((f) => [f.path.slice(here.length + 1), f.contents]));
  return files;
}

const TYPES = { html: 'text/html; charset=utf-8', js: 'text/javascript; charset=utf-8', map: 'application/json' };

const server = createServer(async (req, res) => {
  const send = (status, type, body) => {
    res.writeHead(status, { 'content-type': type, 'cache-control': 'no-store' });
    res.end(body);
  };
  try {
    const { pathname } = new URL(req.url ?? '/', 'http://localhost');
    if (req.method !== 'GET' && req.method !== 'HEAD') return send(405, 'text/plain', 'method not allowed');
    if (pathname === '/app.js') return send(200, TYPES.js, (await bundle()).get('app.js'));
    if (pathname === '/app.js.map') {
      const map = files.get('app.js.map') ?? (await bundle()).get('app.js.map');
      return send(200, TYPES.map, map);
    }
    if (pathname === '/favicon.ico') return send(204, 'image/x-icon', '');
    // Routes have no extension; anything else with one is not here.
    if (/\.[a-z0-9]+$/i.test(pathname)) return send(404, 'text/plain', 'not found');
    return send(200, TYPES.html, await readFile(join(here, 'index.html')));
  } catch (error) {
    // A build error: show it where the developer looks.
    const message = error instanceof Error ? error.message : String(error);
    console.error(message);
    send(500, 'text/plain; charset=utf-8', message);
  }
});

server.listen(port, '127.0.0.1', () => {
  console.log(`Photo booth kiosk on http://127.0.0.1:${server.address().port} (collector: ${endpoint})`);
});

for (const signal of ['SIGINT', 'SIGTERM']) {
  process.once(signal, () => {
    server.close();
    server.closeAllConnections();
    void bundler.dispose().then(() => process.exit(0));
  });
}
