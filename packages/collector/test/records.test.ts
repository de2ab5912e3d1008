import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { send, session, T0, testCollector, uiEvent } from './helpers.js';

let c: Awaited<ReturnType<typeof testCollector>>;
beforeAll(async () => {
  c = await testCollector();
});
afterAll(() => c.stop());

describe('sessions', () => {
  it('creates a session (201), leaves it alone on a repeated create (200), and reads it back', async () => {
    const created = await send(c.url, 'POST', '/api/sessions', session('s-1'));
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject(session('s-1'));
    const repeated = await send(c.url, 'POST', '/api/sessions', session('s-1', { deviceId: 'other' }));
    expect([repeated.status, repeated.body.deviceId]).toEqual([200, 'kiosk-1']);
    expect((await send(c.url, 'GET', '/api/sessions/s-1')).body).toMatchObject(session('s-1'));
  });

  it('ends a session by PATCH with its funnel and behaviour summary, and refuses to reopen it', async () => {
    await send(c.url, 'POST', '/api/sessions', session('s-2'));
    const end = {
      status: 'completed',
      endedAt: T0 + 90_000,
      funnel: { reached: 8, total: 8, exitStage: 'done' },
      behavior: { totalTaps: 31, totalScrolls: 4, selectionChanges: 6, screenDurations: { attract: 5_000, payment: 22_000 } },
    };
    const patched = await send(c.url, 'PATCH', '/api/sessions/s-2', end);
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({ ...session('s-2'), ...end });
    const reopen = await send(c.url, 'PATCH', '/api/sessions/s-2', { status: 'active' });
    expect(reopen.status).toBe(409);
    expect(reopen.body.error.errors[0]).toMatchObject({ path: 'status', rule: 'transition' });
    const badPatch = await send(c.url, 'PATCH', '/api/sessions/s-2', { sessionId: 'x' });
    expect([badPatch.status, badPatch.body.error.errors[0].path]).toEqual([400, 'sessionId']);
    expect((await send(c.url, 'PATCH', '/api/sessions/none', { status: 'error' })).status).toBe(404);
  });

  it('lists sessions by filter with cursor pagination', async () => {
    for (let i = 0; i < 7; i++) await send(c.url, 'POST', '/api/sessions', session(`list-${i}`, { storeId: 'store-list', status: i < 3 ? 'timeout' : 'active' }));
    const first = await send(c.url, 'GET', '/api/sessions?storeId=store-list&limit=4');
    expect(first.body.items.map((s: { sessionId: string }) => s.sessionId)).toEqual(['list-6', 'list-5', 'list-4', 'list-3']);
    const second = await send(c.url, 'GET', `/api/sessions?storeId=store-list&limit=4&cursor=${first.body.nextCursor}`);
    expect(second.body).toMatchObject({ nextCursor: null });
    expect(second.body.items.map((s: { sessionId: string }) => s.sessionId)).toEqual(['list-2', 'list-1', 'list-0']);
    const timeouts = await send(c.url, 'GET', '/api/sessions?storeId=store-list&status=timeout');
    expect(timeouts.body.items).toHaveLength(3);
  });

  it('keeps an ended session ended when a replayed "active" revision arrives later', async () => {
    const base = { sdk: { name: 't', version: '1' } };
    const start = { kind: 'session', ...session('s-3'), eventId: 's-3-start' };
    const end = { kind: 'session', ...session('s-3', { status: 'cancelled', endedAt: T0 + 5_000 }), eventId: 's-3-end' };
    await send(c.url, 'POST', '/api/batch', { ...base, items: [end] });
    const replay = await send(c.url, 'POST', '/api/batch', { ...base, items: [start] });
    expect(replay.body.accepted).toBe(1);
    expect((await send(c.url, 'GET', '/api/sessions/s-3')).body.status).toBe('cancelled');
  });
});

describe('UI events', () => {
  it('dedupes on sessionId + sequenceNo even under a new eventId, and lists a session in sequence order', async () => {
    const events = [3, 1, 0, 2].map((n) => uiEvent('ui-1', n, n === 2 ? { eventType: 'scroll', scrollDepth: 55 } : {}));
    expect((await send(c.url, 'POST', '/api/events/batch', { events })).body).toEqual({ accepted: 4, duplicates: 0, rejected: [] });
    const replay = await send(c.url, 'POST', '/api/events/batch', { events: [uiEvent('ui-1', 1, { eventId: 'new-id' })] });
    expect(replay.body).toEqual({ accepted: 0, duplicates: 1, rejected: [] });
    const listed = await send(c.url, 'GET', '/api/events/session/ui-1');
    expect(listed.body.items.map((e: { sequenceNo: number }) => e.sequenceNo)).toEqual([0, 1, 2, 3]);
    expect(listed.body.items[2]).toMatchObject({ eventType: 'scroll', scrollDepth: 55 });
  });

  it('filters by device, type, screen and time', async () => {
    await send(c.url, 'POST', '/api/events/batch', {
      events: [uiEvent('ui-2', 0, { deviceId: 'k-2', screenId: 'payment' }), uiEvent('ui-2', 1, { deviceId: 'k-2', eventType: 'cancel', screenId: 'payment' })],
    });
    const cancels = await send(c.url, 'GET', '/api/events?deviceId=k-2&eventType=cancel&screenId=payment');
    expect(cancels.body.items.map((e: { sequenceNo: number }) => e.sequenceNo)).toEqual([1]);
    const windowed = await send(c.url, 'GET', `/api/events?deviceId=k-2&from=${T0}&to=${T0 + 1000}`);
    expect(windowed.body.items.map((e: { sequenceNo: number }) => e.sequenceNo)).toEqual([0]);
  });
});

describe('performance metrics', () => {
  it('stores one or a batch and filters by type and success', async () => {
    const metric = { deviceId: 'k-p', metricType: 'print', durationMs: 14_200, success: false, breakdown: { spool: 1_200, print: 13_000 }, context: { memoryMb: 2048, cpuCount: 4 }, timestamp: T0 };
    const one = await send(c.url, 'POST', '/api/performance', metric);
    expect(one.status).toBe(201);
    expect(one.body).toMatchObject(metric);
    const batch = await send(c.url, 'POST', '/api/performance/batch', {
      metrics: [
        { ...metric, metricType: 'render', success: true, timestamp: T0 + 1 },
        { ...metric, metricType: 'print', success: true, timestamp: T0 + 2 },
      ],
    });
    expect(batch.body).toEqual({ accepted: 2, duplicates: 0, rejected: [] });
    const failedPrints = await send(c.url, 'GET', '/api/performance?deviceId=k-p&metricType=print&success=false');
    expect(failedPrints.body.items.map((m: { durationMs: number; timestamp: number }) => m.timestamp)).toEqual([T0]);
  });
});

describe('error reports', () => {
  it('stores a report with breadcrumbs, reads it by id, and resolves it once', async () => {
    const report = {
      deviceId: 'k-e',
      sessionId: 'e-s',
      severity: 'fatal',
      category: 'software',
      errorType: 'TypeError',
      message: "Cannot read properties of undefined (reading 'frame')",
      stack: 'TypeError: …\n    at render (app.js:10:5)',
      breadcrumbs: Array.from({ length: 50 }, (_, i) => ({ timestamp: T0 + i, type: 'tap', message: `tap #${i}` })),
      deviceSnapshot: { memoryMb: 512, online: true },
      timestamp: T0 + 60,
    };
    const created = await send(c.url, 'POST', '/api/errors', report);
    expect(created.status).toBe(201);
    const id = created.body.id;
    expect((await send(c.url, 'GET', `/api/errors/${id}`)).body).toMatchObject({ ...report, resolved: false });
    const tooMany = await send(c.url, 'POST', '/api/errors', { ...report, breadcrumbs: [...report.breadcrumbs, report.breadcrumbs[0]] });
    expect(tooMany.body.error.errors[0]).toMatchObject({ path: 'breadcrumbs', rule: 'max' });
    const resolved = await send(c.url, 'PATCH', `/api/errors/${id}/resolve`);
    expect(resolved.body).toMatchObject({ id, resolved: true, resolvedAt: expect.any(Number) });
    const again = await send(c.url, 'PATCH', `/api/errors/${id}/resolve`);
    expect(again.body.resolvedAt).toBe(resolved.body.resolvedAt);
    const open = await send(c.url, 'GET', '/api/errors?deviceId=k-e&resolved=false');
    expect(open.body.items).toHaveLength(0);
    const fatal = await send(c.url, 'GET', '/api/errors?severity=fatal&category=software&resolved=true');
    expect(fatal.body.items.map((e: { id: string }) => e.id)).toEqual([id]);
  });
});
