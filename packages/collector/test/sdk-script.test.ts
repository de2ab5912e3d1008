import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { send, tempDir, testCollector } from './helpers.js';

const SCRIPT = '(()=>{window.waymark=function(){}})();';
const dir = tempDir();
const file = join(dir.dir, 'waymark.min.js');
writeFileSync(file, SCRIPT);

let withSdk: Awaited<ReturnType<typeof testCollector>>;
let without: Awaited<ReturnType<typeof testCollector>>;
beforeAll(async () => {
  const keys = { writeKey: 'write-key-0123456789abcdef', adminKey: 'admin-key-0123456789abcdef' };
  withSdk = await testCollector({ ...keys, sdkScript: file });
  without = await testCollector({ ...keys, sdkScript: join(dir.dir, 'missing.js') });
});
afterAll(async () => {
  await withSdk.stop();
  await without.stop();
  dir.cleanup();
});

describe('GET /sdk/waymark.min.js', () => {
  it('serves the browser SDK without a key, as cacheable JavaScript open to every origin', async () => {
    const res = await fetch(`${withSdk.url}/sdk/waymark.min.js`, { headers: { origin: 'https://shop.example' } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(res.headers.get('cache-control')).toBe('public, max-age=300');
    expect(res.headers.get('access-control-allow-origin')).toBe('*');
    expect(await res.text()).toBe(SCRIPT);
  });

  it('answers 404 JSON when the collector was built without it', async () => {
    const res = await send(without.url, 'GET', '/sdk/waymark.min.js');
    expect(res.status).toBe(404);
    expect(res.headers.get('access-control-allow-origin')).toBe('*');
    expect(res.body.error).toMatchObject({ code: 'not_found', errors: [{ path: 'path', rule: 'exists' }] });
  });

  it('serves nothing else under /sdk and takes no other method', async () => {
    expect((await send(withSdk.url, 'GET', '/sdk/other.js')).body.error.code).toBe('not_found');
    const post = await send(withSdk.url, 'POST', '/sdk/waymark.min.js', {});
    expect([post.status, post.headers.get('allow')]).toEqual([405, 'GET, HEAD']);
  });
});
