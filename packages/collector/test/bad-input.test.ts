import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { progress, send, testCollector } from './helpers.js';

let c: Awaited<ReturnType<typeof testCollector>>;
beforeAll(async () => {
  c = await testCollector({ maxBodyBytes: 64 * 1024 });
});
afterAll(() => c.stop());

const fieldOf = (body: any) => body.error.errors?.map((e: { path: string; rule: string }) => `${e.path}:${e.rule}`);

describe('bad input', () => {
  it('answers invalid JSON with 400 naming the rule', async () => {
    const answer = await send(c.url, 'POST', '/api/progress', '{"traceId": ');
    expect(answer.status).toBe(400);
    expect(answer.body.error.code).toBe('invalid_json');
    expect(fieldOf(answer.body)).toEqual([':json']);
  });

  it('answers an empty body with 400', async () => {
    const answer = await send(c.url, 'POST', '/api/batch', '');
    expect([answer.status, fieldOf(answer.body)]).toEqual([400, [':required']]);
  });

  it('answers a single bad record with 400 naming the field and the rule', async () => {
    const cases: Array<[string, unknown, string]> = [
      ['/api/progress', { ...progress(1), timestamp: '2026-01-01' }, 'timestamp:type'],
      ['/api/sessions', { sessionId: 's', deviceId: 'd', startedAt: 1730561111123, status: 'running' }, 'status:enum'],
      ['/api/performance', { deviceId: 'd', metricType: 'capture', durationMs: -5, success: true, timestamp: 1730561111123 }, 'durationMs:min'],
      ['/api/errors', { deviceId: 'd', severity: 'error', category: 'cosmic', message: 'x', timestamp: 1730561111123 }, 'category:enum'],
      ['/api/events/batch', { events: [] }, 'events:min'],
      ['/api/performance/batch', { metric: [] }, 'metrics:required'],
      ['/api/batch', { sdk: { name: 'x' }, items: [{}] }, 'sdk.version:required'],
    ];
    for (const [path, body, expected] of cases) {
      const answer = await send(c.url, 'POST', path, body);
      expect([path, answer.status, fieldOf(answer.body)[0]]).toEqual([path, 400, expected]);
    }
  });

  it('refuses bad query parameters by name', async () => {
    const answer = await send(c.url, 'GET', '/api/events?eventType=wave&limit=5000&colour=red');
    expect(answer.status).toBe(400);
    expect(fieldOf(answer.body).sort()).toEqual(['colour:unknown_key', 'eventType:enum', 'limit:max']);
    const cursor = await send(c.url, 'GET', '/api/progress?cursor=../../etc');
    expect([cursor.status, fieldOf(cursor.body)]).toEqual([400, ['cursor:cursor']]);
  });

  it('answers 415 for a content type it does not read', async () => {
    const answer = await send(c.url, 'POST', '/api/progress', 'a=1', { 'content-type': 'application/x-www-form-urlencoded' });
    expect([answer.status, fieldOf(answer.body)]).toEqual([415, ['content-type:media_type']]);
  });

  it('answers a body over the limit with 413 and closes the connection', async () => {
    const big = JSON.stringify({ sdk: { name: 'x', version: '1' }, items: [{ kind: 'progress', ...progress(1), meta: { pad: 'x'.repeat(70 * 1024) } }] });
    const answer = await send(c.url, 'POST', '/api/batch', big);
    expect(answer.status).toBe(413);
    expect(answer.headers.get('connection')).toBe('close');
    expect(fieldOf(answer.body)).toEqual([':max_bytes']);
  });

  it('answers 413 to a chunked body that grows past the limit, without waiting for its end', async () => {
    const { port, hostname } = new URL(c.url);
    const status = await new Promise<number>((resolve, reject) => {
      const req = request({ host: hostname, port, path: '/api/batch', method: 'POST', headers: { 'content-type': 'application/json' } }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on('error', reject);
      // Keep writing well past the limit; the answer must come before the body ends.
      const chunk = 'x'.repeat(16 * 1024);
      let sent = 0;
      const pump = () => {
        while (sent < 40 && req.write(chunk)) sent++;
        if (sent < 40) req.once('drain', pump);
      };
      pump();
    });
    expect(status).toBe(413);
  });

  it('rejects items whose kind is a prototype key, counts nothing onto Object.prototype and keeps the valid items', async () => {
    const items = [{ kind: '__proto__', ...progress(1) }, { kind: 'constructor', ...progress(2) }, { kind: 'toString' }, { kind: 'progress', ...progress(3) }];
    const text = JSON.stringify({ sentAt: Date.now(), sdk: { name: 'x', version: '1' }, items });
    const answer = await send(c.url, 'POST', '/api/batch', text);
    expect(answer.status).toBe(200);
    expect(answer.body.accepted).toBe(1);
    expect(answer.body.rejected.map((r: { index: number; errors: Array<{ path: string }> }) => [r.index, r.errors[0]!.path])).toEqual([
      [0, 'kind'],
      [1, 'kind'],
      [2, 'kind'],
    ]);
    const proto = Object.prototype as Record<string, unknown>;
    expect([proto.accepted, proto.rejected, proto.duplicates]).toEqual([undefined, undefined, undefined]);
    const metrics = await fetch(`${c.url}/metrics`).then((r) => r.text());
    expect(metrics).not.toMatch(/kind="(__proto__|constructor|toString)"/);
  });

  it('answers an unknown route with 404 JSON and a wrong method with 405 and Allow', async () => {
    const missing = await send(c.url, 'GET', '/api/teleport');
    expect([missing.status, missing.body.error.code]).toEqual([404, 'not_found']);
    const wrong = await send(c.url, 'DELETE', '/api/sessions/abc');
    expect([wrong.status, wrong.headers.get('allow')]).toEqual([405, 'GET, HEAD, PATCH']);
    const wrongBatch = await send(c.url, 'GET', '/api/batch');
    expect([wrongBatch.status, wrongBatch.headers.get('allow')]).toEqual([405, 'POST']);
  });

  it('answers 404 for unknown ids', async () => {
    for (const path of ['/api/sessions/nope', '/api/errors/nope']) {
      const answer = await send(c.url, 'GET', path);
      expect([path, answer.status]).toEqual([path, 404]);
    }
    const patch = await send(c.url, 'PATCH', '/api/errors/nope/resolve');
    expect(patch.status).toBe(404);
  });
});
