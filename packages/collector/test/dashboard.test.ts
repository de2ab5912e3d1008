import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DASHBOARD_DIR } from '../src/dashboard-files.js';
import { send, testCollector } from './helpers.js';

const ADMIN = 'admin-key-0123456789abcdef';
const WRITE = 'write-key-0123456789abcdef';

let c: Awaited<ReturnType<typeof testCollector>>;
beforeAll(async () => {
  c = await testCollector({ writeKey: WRITE, adminKey: ADMIN });
});
afterAll(() => c.stop());

/** Every URL a file names: src/href attributes, url(…) in CSS, and string literals passed to fetch / EventSource / apiUrl. */
function referencedUrls(text: string): string[] {
  const urls = [
    ...[...text.matchAll(/\b(?:src|href|action)\s*=\s*["']([^"']*)["']/gi)].map((m) => m[1]!),
    ...[...text.matchAll(/url\(\s*["']?([^"')]+)/gi)].map((m) => m[1]!),
    ...[...text.matchAll(/@import\s+["']([^"']+)/gi)].map((m) => m[1]!),
  ];
  return urls;
}

/** XML namespace names (the SVG icon's `xmlns`) are identifiers, never fetched. */
const withoutNamespaces = (text: string) => text.replace(/\sxmlns(?::\w+)?="[^"]*"/g, '');

/** Same origin: a relative path, or an absolute path without a host. */
const sameOrigin = (url: string) => !/^[a-z][a-z0-9+.-]*:/i.test(url) && !url.startsWith('//');

describe('GET / (the dashboard)', () => {
  it('answers 200 text/html without a key, with a policy that allows only this origin', async () => {
    const res = await fetch(`${c.url}/`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(res.headers.get('content-security-policy')).toContain("default-src 'none'");
    expect(res.headers.get('content-security-policy')).toContain("connect-src 'self'");
    expect(res.headers.get('referrer-policy')).toBe('no-referrer');
    const html = await res.text();
    expect(html).toMatch(/^<!doctype html>/i);
    expect(html).toContain('data-testid="funnel"');
  });

  it('references only same-origin resources, and those are served', async () => {
    const html = await (await fetch(`${c.url}/`)).text();
    const urls = referencedUrls(html);
    expect(urls.sort()).toEqual(['dashboard.css', 'dashboard.js', 'favicon.svg']);
    for (const url of urls) {
      expect(sameOrigin(url)).toBe(true);
      const res = await fetch(new URL(url, `${c.url}/`));
      expect(res.status).toBe(200);
      const text = withoutNamespaces(await res.text());
      // What those files load in turn is same-origin too; the script calls only api/… paths.
      for (const inner of referencedUrls(text)) expect(sameOrigin(inner), `${url} references ${inner}`).toBe(true);
      expect(text).not.toMatch(/https?:\/\//);
    }
    // Every file of the dashboard, not only those the page names.
    for (const file of readdirSync(DASHBOARD_DIR)) {
      expect(withoutNamespaces(readFileSync(join(DASHBOARD_DIR, file), 'utf8')), file).not.toMatch(/(?:https?:)?\/\/[a-z0-9.-]+\.[a-z]{2,}\//i);
    }
  });

  it('serves the script and the stylesheet with their types', async () => {
    const js = await fetch(`${c.url}/dashboard.js`);
    expect(js.status).toBe(200);
    expect(js.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    const css = await fetch(`${c.url}/dashboard.css`);
    expect(css.status).toBe(200);
    expect(css.headers.get('content-type')).toBe('text/css; charset=utf-8');
  });

  it('leaves the API behind its key, and 404 / 405 as they were', async () => {
    expect((await send(c.url, 'GET', '/api/services')).status).toBe(401);
    expect((await send(c.url, 'GET', `/api/services?key=${ADMIN}`)).status).toBe(200);
    const post = await send(c.url, 'POST', '/');
    expect(post.status).toBe(405);
    expect(post.headers.get('allow')).toBe('GET, HEAD');
    expect((await send(c.url, 'GET', '/index.html')).status).toBe(404);
    expect((await send(c.url, 'GET', '/nope')).status).toBe(404);
  });
});

describe('GET /api/services', () => {
  it('lists the services of progress events, with counts per step and per meta.subType', async () => {
    const now = Date.UTC(2026, 10, 20, 9);
    const events = [
      { traceId: 'k1', service: 'PHOTO_KIOSK', step: 'DATA_COLLECTED', status: 'SUCCESS', timestamp: now, meta: { subType: 'attract' } },
      { traceId: 'k1', service: 'PHOTO_KIOSK', step: 'DATA_COLLECTED', status: 'SUCCESS', timestamp: now + 1, meta: { subType: 'frame_select' } },
      { traceId: 'k1', service: 'PHOTO_KIOSK', step: 'DATA_COLLECTED', status: 'DROPPED', timestamp: now + 2, meta: { subType: 'frame_select' } },
      { traceId: 'l1', service: 'LOAN', step: 'IDENTITY_VERIFIED', status: 'SUCCESS', timestamp: now + 5 },
    ];
    expect((await send(c.url, 'POST', '/api/progress', events, { authorization: `Bearer ${WRITE}` })).body.accepted).toBe(4);
    const r = await send(c.url, 'GET', '/api/services', undefined, { authorization: `Bearer ${ADMIN}` });
    expect(r.status).toBe(200);
    expect(r.body.items).toEqual([
      {
        service: 'PHOTO_KIOSK',
        events: 3,
        lastTimestamp: now + 2,
        steps: [{ step: 'DATA_COLLECTED', events: 3 }],
        subTypes: [
          { subType: 'frame_select', events: 2 },
          { subType: 'attract', events: 1 },
        ],
      },
      { service: 'LOAN', events: 1, lastTimestamp: now + 5, steps: [{ step: 'IDENTITY_VERIFIED', events: 1 }], subTypes: [] },
    ]);
    const later = await send(c.url, 'GET', `/api/services?from=${now + 3}`, undefined, { authorization: `Bearer ${ADMIN}` });
    expect(later.body.items.map((s: { service: string }) => s.service)).toEqual(['LOAN']);
    const bad = await send(c.url, 'GET', '/api/services?service=LOAN', undefined, { authorization: `Bearer ${ADMIN}` });
    expect(bad.status).toBe(400);
  });
});
