import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { Hono } from 'hono';
import type { CollectorEnv } from '../http/env.js';
import { fail } from '../http/error-body.js';

/**
 * Where the build puts the browser SDK's script-tag file: `dist/sdk/waymark.min.js`,
 * beside the collector's own built modules. The collector never imports SDK code; the
 * file is a build asset, copied from `@waymark/browser` when the collector is built.
 */
export const SDK_SCRIPT = fileURLToPath(new URL('./sdk/waymark.min.js', import.meta.url));

/**
 * `GET /sdk/waymark.min.js`: the browser SDK for the script tag, open to every page
 * (no key, CORS open), cached by browsers for five minutes. 404 when this build of the
 * collector does not carry the file.
 */
export function sdkRoutes(file: string) {
  let script: Promise<Buffer | undefined> | undefined;
  return new Hono<CollectorEnv>().get('/waymark.min.js', async (c) => {
    // Read once; a missing file is looked for again on the next request.
    const body = await (script ??= readFile(file).catch(() => (script = undefined)));
    if (!body) {
      return fail(c, 404, 'not_found', 'this collector was built without the browser SDK; build @waymark/browser, then the collector', [
        { path: 'path', rule: 'exists', message: `no file at ${file}` },
      ]);
    }
    return c.body(new Uint8Array(body), 200, { 'Content-Type': 'text/javascript; charset=utf-8', 'Cache-Control': 'public, max-age=300' });
  });
}
