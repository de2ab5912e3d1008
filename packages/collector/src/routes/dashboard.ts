import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Hono } from 'hono';
import type { CollectorEnv } from '../http/env.js';
import { fail } from '../http/error-body.js';

/** The dashboard's files: URL path → file name and content type. */
const FILES = {
  '/': ['index.html', 'text/html; charset=utf-8'],
  '/dashboard.js': ['dashboard.js', 'text/javascript; charset=utf-8'],
  '/dashboard.css': ['dashboard.css', 'text/css; charset=utf-8'],
  '/favicon.svg': ['favicon.svg', 'image/svg+xml'],
} as const;

/**
 * The page loads only its own script and stylesheet and talks only to this collector;
 * the key it was opened with (`?key=`) stays out of Referer headers.
 */
const HEADERS = {
  'Cache-Control': 'no-cache',
  'Content-Security-Policy':
    "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self' data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
  'Referrer-Policy': 'no-referrer',
  'X-Content-Type-Options': 'nosniff',
};

/**
 * `GET /` (the dashboard page), `GET /dashboard.js`, `GET /dashboard.css`, `GET /favicon.svg`: static
 * files from `dir`, read once. Loading them needs no key; the page's API calls pass
 * on the `?key=` it was opened with.
 */
export function dashboardRoutes(dir: string) {
  const cache = new Map<string, Promise<Buffer | undefined>>();
  const app = new Hono<CollectorEnv>();
  for (const [path, [file, type]] of Object.entries(FILES)) {
    app.get(path, async (c) => {
      // A missing file is looked for again on the next request.
      let body = cache.get(file);
      if (!body) cache.set(file, (body = readFile(join(dir, file)).catch(() => (cache.delete(file), undefined))));
      const bytes = await body;
      if (!bytes) {
        return fail(c, 404, 'not_found', 'this collector was built without its dashboard files', [
          { path: 'path', rule: 'exists', message: `no file ${file} in ${dir}` },
        ]);
      }
      return c.body(new Uint8Array(bytes), 200, { ...HEADERS, 'Content-Type': type });
    });
  }
  return app;
}
