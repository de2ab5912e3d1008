import { afterEach, describe, expect, it, vi } from 'vitest';
import { createFetchTransport } from './transport.js';

afterEach(() => void vi.unstubAllGlobals());

const answer = (status: number, body: string, headers: Record<string, string> = {}) => vi.fn(async (_url: string, _init: RequestInit) => new Response(body, { status, headers }));

describe('fetch transport', () => {
  it('posts JSON to /api/batch with the key as a bearer token, and reads the answer', async () => {
    const fetch = answer(429, '{"accepted":0}', { 'retry-after': '7' });
    vi.stubGlobal('fetch', fetch);
    const r = await createFetchTransport({ endpoint: 'https://c.example/', writeKey: 'wk-1' }).send('{"items":[]}');
    expect(r).toEqual({ status: 429, body: { accepted: 0 }, retryAfter: '7' });
    const [url, init] = fetch.mock.calls[0]!;
    expect(url).toBe('https://c.example/api/batch');
    expect(init).toMatchObject({ method: 'POST', body: '{"items":[]}', keepalive: true, headers: { 'content-type': 'application/json', authorization: 'Bearer wk-1' } });
  });

  it('uses keepalive only for bodies under 60 KB', async () => {
    const fetch = answer(200, '{}');
    vi.stubGlobal('fetch', fetch);
    const t = createFetchTransport({ endpoint: 'https://c.example' });
    await t.send('x'.repeat(59_000));
    // 20,000 characters of three UTF-8 bytes each: 60,000 bytes.
    await t.send('한'.repeat(20_000));
    expect(fetch.mock.calls.map(([, init]) => init.keepalive)).toEqual([true, false]);
    expect(fetch.mock.calls[0]![1].headers).not.toHaveProperty('authorization');
  });

  it('answers status 0 when the request fails, and no body when the answer is not JSON', async () => {
    vi.stubGlobal('fetch', vi.fn().mockRejectedValue(new TypeError('Failed to fetch')));
    const t = createFetchTransport({ endpoint: 'https://c.example' });
    expect(await t.send('{}')).toMatchObject({ status: 0 });
    vi.stubGlobal('fetch', answer(502, '<html>bad gateway</html>'));
    expect(await t.send('{}')).toEqual({ status: 502, body: undefined, retryAfter: null });
  });

  it('beacons the body as text/plain, with the key in the query', async () => {
    const beacon = vi.fn((_url: string, _data: Blob) => true);
    vi.stubGlobal('navigator', { sendBeacon: beacon });
    expect(createFetchTransport({ endpoint: 'https://c.example', writeKey: 'k y&z' }).beacon!('{"items":[1]}')).toBe(true);
    expect(createFetchTransport({ endpoint: 'https://c.example' }).beacon!('{}')).toBe(true);
    const [url, blob] = beacon.mock.calls[0]!;
    expect(url).toBe('https://c.example/api/batch?key=k%20y%26z');
    expect(blob.type).toBe('text/plain');
    expect(await blob.text()).toBe('{"items":[1]}');
    expect(beacon.mock.calls[1]![0]).toBe('https://c.example/api/batch');
  });

  it('reports a refused or failing beacon as false', () => {
    vi.stubGlobal('navigator', { sendBeacon: () => false });
    expect(createFetchTransport({ endpoint: 'https://c.example' }).beacon!('{}')).toBe(false);
    vi.stubGlobal('navigator', {
      sendBeacon() {
        throw new TypeError('too large');
      },
    });
    expect(createFetchTransport({ endpoint: 'https://c.example' }).beacon!('{}')).toBe(false);
  });
});
