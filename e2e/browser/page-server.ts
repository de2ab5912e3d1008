import { createServer } from 'node:http';
import { listenOnLoopback } from './listen.js';

export interface PageServer {
  /** `http://127.0.0.1:PORT` */
  url: string;
  /** Serves `html` at `path` (e.g. `/offline.html`) from now on. */
  set(path: string, html: string): void;
  close(): Promise<void>;
}

/**
 * The site under test: a `node:http` server on its own port, so the pages' origin
 * differs from the collector's and every SDK request is a cross-origin one.
 */
export async function startPageServer(): Promise<PageServer> {
  const pages = new Map<string, string>();
  const server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    const html = pages.get(path);
    if (req.method !== 'GET' || html === undefined) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
      return;
    }
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' }).end(html);
  });
  const url = await listenOnLoopback(server);
  return {
    url,
    set: (path, html) => void pages.set(path, html),
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
