import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LogLine } from '../src/index.js';
import { progress, send, testCollector } from './helpers.js';

const KEY = 'write-key-0123456789abcdef';
const lines: LogLine[] = [];
let c: Awaited<ReturnType<typeof testCollector>>;
beforeAll(async () => {
  c = await testCollector({ log: (line) => lines.push(line), writeKey: KEY });
});
afterAll(() => c.stop());

describe('request log', () => {
  it('writes one line per request with route pattern, status, time and counts, never the key or body', async () => {
    lines.length = 0;
    const body = { sdk: { name: 't', version: '1' }, items: [{ kind: 'progress', ...progress(1) }, { kind: 'progress', ...progress(1) }, { kind: 'progress' }] };
    await send(c.url, 'POST', `/api/batch?key=${KEY}`, body);
    await send(c.url, 'GET', '/api/sessions/secret-session');
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatchObject({ method: 'POST', route: '/api/batch', status: 200, items: { progress: { accepted: 1, duplicates: 1, rejected: 1 } } });
    expect(lines[0]!.ms).toEqual(expect.any(Number));
    expect(lines[1]).toMatchObject({ method: 'GET', route: '/api/sessions/:sessionId', status: 404 });
    const text = JSON.stringify(lines);
    expect(text).not.toContain(KEY);
    expect(text).not.toContain('secret-session');
    expect(text).not.toContain('LOAN');
  });
});

describe('/metrics', () => {
  it('counts items by kind and outcome, times requests by route, and reports the database size', async () => {
    await send(c.url, 'POST', '/api/events/batch', { events: [{ sessionId: 'm', sequenceNo: 0, deviceId: 'd', eventType: 'tap', timestamp: 1730561111123 }] }, { 'x-waymark-key': KEY });
    const text = (await send(c.url, 'GET', '/metrics')).body as string;
    expect(text).toContain('waymark_items_total{kind="progress",outcome="accepted"} 1');
    expect(text).toContain('waymark_items_total{kind="progress",outcome="duplicate"} 1');
    expect(text).toContain('waymark_items_total{kind="progress",outcome="rejected"} 1');
    expect(text).toContain('waymark_items_total{kind="ui_event",outcome="accepted"} 1');
    expect(text).toMatch(/waymark_http_request_duration_seconds_count\{method="POST",route="\/api\/batch",status="200"\} 1/);
    const size = Number(/waymark_db_size_bytes (\d+)/.exec(text)?.[1]);
    expect(size).toBeGreaterThan(4096);
  });
  it('sums what clients report dropped, by cause, counting a resent report once', async () => {
    const report = { kind: 'client_report', eventId: 'cr-1', deviceId: 'kiosk-1', dropped: { overflow: 40, rejected: 2 }, timestamp: 1730561111123 };
    const other = { ...report, eventId: 'cr-2', dropped: { overflow: 5, quota: 1 } };
    const envelope = (items: unknown[]) => ({ sentAt: 1730561111200, sdk: { name: 't', version: '1' }, items });
    await send(c.url, 'POST', '/api/batch', envelope([report]), { 'x-waymark-key': KEY });
    await send(c.url, 'POST', '/api/batch', envelope([report, other]), { 'x-waymark-key': KEY });
    const text = (await send(c.url, 'GET', '/metrics')).body as string;
    expect(text).toContain('waymark_client_dropped_items{cause="overflow"} 45');
    expect(text).toContain('waymark_client_dropped_items{cause="rejected"} 2');
    expect(text).toContain('waymark_client_dropped_items{cause="quota"} 1');
  });
});
