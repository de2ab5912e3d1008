import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCollector, startCollector } from '../src/index.js';
import { progress, send, tempDir, testCollector } from './helpers.js';

const WRITE = 'write-key-0123456789abcdef';
const ADMIN = 'admin-key-0123456789abcdef';
const batch = { sdk: { name: 't', version: '1' }, items: [{ kind: 'progress', ...progress(1) }] };

describe('with keys configured', () => {
  let c: Awaited<ReturnType<typeof testCollector>>;
  beforeAll(async () => {
    c = await testCollector({ writeKey: WRITE, adminKey: ADMIN });
  });
  afterAll(() => c.stop());

  it('needs the write key to ingest, by Bearer, X-Waymark-Key or ?key=', async () => {
    expect((await send(c.url, 'POST', '/api/batch', batch)).status).toBe(401);
    expect((await send(c.url, 'POST', '/api/batch', batch, { authorization: 'Bearer wrong-key-0000000000000' })).status).toBe(401);
    expect((await send(c.url, 'POST', '/api/batch', batch, { authorization: `Bearer ${WRITE}` })).body.accepted).toBe(1);
    expect((await send(c.url, 'POST', '/api/batch', batch, { 'x-waymark-key': WRITE })).body.duplicates).toBe(1);
    expect((await send(c.url, 'POST', `/api/batch?key=${WRITE}`, batch)).body.duplicates).toBe(1);
  });

  it('needs the admin key to read, PATCH and scrape metrics; the write key gets 403', async () => {
    for (const [method, path] of [
      ['GET', '/api/progress'],
      ['PATCH', '/api/sessions/x'],
      ['GET', '/metrics'],
      ['GET', '/api/rejected'],
    ] as const) {
      const anonymous = await send(c.url, method, path, method === 'PATCH' ? { status: 'error' } : undefined);
      const writer = await send(c.url, method, path, method === 'PATCH' ? { status: 'error' } : undefined, { authorization: `Bearer ${WRITE}` });
      const admin = await send(c.url, method, path, method === 'PATCH' ? { status: 'error' } : undefined, { authorization: `Bearer ${ADMIN}` });
      expect([path, anonymous.status, writer.status, admin.status]).toEqual([path, 401, 403, method === 'PATCH' ? 404 : 200]);
    }
    const denied = await send(c.url, 'GET', '/api/progress', undefined, { authorization: `Bearer ${WRITE}` });
    expect(denied.body.error.errors[0]).toMatchObject({ path: 'authorization', rule: 'scope' });
  });

  it('answers CORS preflights for browsers without a key', async () => {
    const res = await fetch(`${c.url}/api/batch`, {
      method: 'OPTIONS',
      headers: { origin: 'https://shop.example', 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type,x-waymark-key' },
    });
    expect(res.status).toBe(204);
    expect(res.headers.get('access-control-allow-origin')).toBe('*');
    expect(res.headers.get('access-control-allow-headers')?.toLowerCase()).toContain('x-waymark-key');
  });

  it('serves /healthz to anyone', async () => {
    expect((await send(c.url, 'GET', '/healthz')).body).toEqual({ status: 'ok' });
  });
});

describe('without keys', () => {
  it('serves loopback clients and refuses other hosts with 403', async () => {
    const { dir, cleanup } = tempDir();
    const collector = createCollector({ db: `${dir}/k.db`, log: false });
    await collector.ready;
    const from = (remoteAddress: string) =>
      collector.app.fetch(new Request('http://collector/api/progress'), { incoming: { socket: { remoteAddress } } } as never);
    expect((await from('127.0.0.1')).status).toBe(200);
    expect((await from('::1')).status).toBe(200);
    const remote = await from('10.1.2.3');
    expect(remote.status).toBe(403);
    expect(((await remote.json()) as { error: { errors: unknown[] } }).error.errors[0]).toMatchObject({ path: 'authorization', rule: 'loopback_only' });
    await collector.close();
    cleanup();
  });

  it('refuses to listen on a non-loopback host unless insecure', async () => {
    const { dir, cleanup } = tempDir();
    await expect(startCollector({ host: '0.0.0.0', port: 0, db: `${dir}/k.db`, log: false })).rejects.toThrow(/--write-key and --admin-key/);
    const insecure = await startCollector({ host: '0.0.0.0', port: 0, db: `${dir}/k.db`, log: false, insecure: true });
    expect(insecure.url).toMatch(/^http:\/\/0\.0\.0\.0:\d+$/);
    await insecure.close();
    cleanup();
  });

  it('names a bad option at creation', () => {
    expect(() => createCollector({ writeKey: 'short', log: false })).toThrow(/option writeKey: must be at least 16 characters/);
  });
});
