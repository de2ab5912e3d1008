import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { progress, SAMPLE_EVENT, send, T0, testCollector } from './helpers.js';

let c: Awaited<ReturnType<typeof testCollector>>;
let clock = T0 + 60_000;
beforeAll(async () => {
  c = await testCollector({ now: () => clock });
});
afterAll(() => c.stop());

describe('progress events', () => {
  it('stores the seed sample event and reads it back unchanged; a second post stores nothing', async () => {
    const first = await send(c.url, 'POST', '/api/progress', SAMPLE_EVENT);
    expect(first.status).toBe(201);
    expect(first.body).toMatchObject(SAMPLE_EVENT);
    const again = await send(c.url, 'POST', '/api/progress', SAMPLE_EVENT);
    expect(again.status).toBe(200);
    expect(again.body.eventId).toBe(first.body.eventId);
    const listed = await send(c.url, 'GET', `/api/progress?traceId=${SAMPLE_EVENT.traceId}`);
    expect(listed.body.items).toHaveLength(1);
    const { eventId, receivedAt, ...stored } = listed.body.items[0];
    expect(stored).toEqual(SAMPLE_EVENT);
    expect(receivedAt).toBe(clock);
  });

  it('takes an array, keeps the valid events and names the rejected ones', async () => {
    const answer = await send(c.url, 'POST', '/api/progress', [progress(1), { ...progress(2), status: 'OK' }, progress(3), progress(1)]);
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({
      accepted: 2,
      duplicates: 1,
      rejected: [{ index: 1, errors: [expect.objectContaining({ path: 'status', rule: 'enum' })] }],
    });
    const stored = await send(c.url, 'GET', '/api/progress?traceId=T-0&step=DATA_COLLECTED');
    expect(stored.body.items.map((e: { eventId: string }) => e.eventId)).toEqual(['ev-1']);
  });

  it('filters by status and time range, newest first, with a cursor', async () => {
    const events = Array.from({ length: 25 }, (_, i) => progress(100 + i, { status: i % 2 ? 'FAIL' : 'SUCCESS', reason: i % 2 ? 'NETWORK_TIMEOUT' : null }));
    await send(c.url, 'POST', '/api/progress', events);
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: { body: { items: Array<{ eventId: string; status: string }>; nextCursor: string | null } } = await send(
        c.url,
        'GET',
        `/api/progress?status=FAIL&from=${T0 + 100}&to=${T0 + 125}&limit=5${cursor ? `&cursor=${cursor}` : ''}`,
      );
      expect(page.body.items.every((e) => e.status === 'FAIL')).toBe(true);
      seen.push(...page.body.items.map((e) => e.eventId));
      cursor = page.body.nextCursor;
    } while (cursor);
    expect(seen).toEqual(events.filter((_, i) => i % 2).map((e) => e.eventId).reverse());
  });
});

describe('the SDK batch envelope', () => {
  it('stores items of every kind, derives skew-corrected timestamps and dedupes a resend', async () => {
    const sentAt = T0 + 10_000;
    clock = T0 + 70_000; // the device clock is 60 s behind the collector's
    const envelope = {
      sentAt,
      sdk: { name: '@waymark/browser', version: '0.1.0' },
      items: [
        { kind: 'progress', ...progress(500) },
        { kind: 'session', sessionId: 'env-s1', deviceId: 'kiosk-9', startedAt: T0, status: 'active', eventId: 'env-s1-r1' },
        { kind: 'ui_event', sessionId: 'env-s1', sequenceNo: 0, deviceId: 'kiosk-9', eventType: 'screen_enter', screenId: 'attract', timestamp: T0 + 5_000 },
        { kind: 'performance', deviceId: 'kiosk-9', metricType: 'capture', durationMs: 812, success: true, breakdown: { shutter: 120, save: 692 }, timestamp: T0 + 6_000 },
        { kind: 'error', deviceId: 'kiosk-9', severity: 'error', category: 'hardware', message: 'printer jam', timestamp: T0 + 7_000, eventId: 'err-env-1' },
        { kind: 'purchase', sessionId: 'env-s1', deviceId: 'kiosk-9', amounts: { gross: 5000, discount: 0, tax: 455, net: 4545 }, currency: 'KRW', paymentMethod: 'card', timestamp: T0 + 8_000 },
        { kind: 'client_report', deviceId: 'kiosk-9', dropped: { overflow: 3 }, timestamp: T0 + 9_000 },
      ],
    };
    const first = await send(c.url, 'POST', '/api/batch', envelope);
    expect(first.body).toEqual({ accepted: 7, duplicates: 0, rejected: [] });
    const again = await send(c.url, 'POST', '/api/batch', envelope);
    expect(again.body).toEqual({ accepted: 0, duplicates: 7, rejected: [] });

    const ui = await send(c.url, 'GET', '/api/events/session/env-s1');
    expect(ui.body.items[0]).toMatchObject({ eventType: 'screen_enter', receivedAt: clock, derivedTimestamp: clock - (sentAt - (T0 + 5_000)) });
    const err = await send(c.url, 'GET', '/api/errors/err-env-1');
    expect(err.body.derivedTimestamp).toBe(T0 + 67_000);
    const session = await send(c.url, 'GET', '/api/sessions/env-s1');
    expect(session.body).toMatchObject({ deviceId: 'kiosk-9', status: 'active', derivedTimestamp: T0 + 60_000 });
  });

  it('keeps the valid items of a batch and lists each rejected index with its field paths, in quarantine too', async () => {
    const answer = await send(c.url, 'POST', '/api/batch', {
      sdk: { name: 'test', version: '1' },
      items: [
        { kind: 'progress', ...progress(600) },
        { kind: 'progress', ...progress(601), traceId: '' },
        { kind: 'teleport' },
        { kind: 'ui_event', sessionId: 'q', sequenceNo: -1, deviceId: 'd', eventType: 'scroll', timestamp: T0 },
        { kind: 'progress', ...progress(602) },
      ],
    });
    expect(answer.status).toBe(200);
    expect(answer.body.accepted).toBe(2);
    expect(answer.body.rejected.map((r: { index: number; errors: Array<{ path: string; rule: string }> }) => [r.index, r.errors.map((e) => `${e.path}:${e.rule}`)])).toEqual([
      [1, ['traceId:min']],
      [2, ['kind:enum']],
      [3, ['sequenceNo:min', 'scrollDepth:required']],
    ]);
    const quarantine = await send(c.url, 'GET', '/api/rejected?limit=3');
    expect(quarantine.body.items.map((r: { index: number; route: string }) => [r.route, r.index])).toEqual([
      ['/api/batch', 3],
      ['/api/batch', 2],
      ['/api/batch', 1],
    ]);
    expect(JSON.parse(quarantine.body.items[2].body)).toMatchObject({ traceId: '', eventId: 'ev-601' });
    const kept = await send(c.url, 'GET', '/api/progress?traceId=T-120');
    expect(kept.body.items.map((e: { eventId: string }) => e.eventId).sort()).toEqual(['ev-600', 'ev-602']);
  });

  it('answers 400 when every item of a batch is rejected', async () => {
    const answer = await send(c.url, 'POST', '/api/batch', { sdk: { name: 't', version: '1' }, items: [{ kind: 'progress' }] });
    expect(answer.status).toBe(400);
    expect(answer.body.error.errors[0]).toMatchObject({ path: 'items.0.traceId', rule: 'required' });
    expect(answer.body.rejected).toHaveLength(1);
  });

  it('accepts text/plain bodies, as sendBeacon sends them', async () => {
    const answer = await send(c.url, 'POST', '/api/batch', { sdk: { name: 't', version: '1' }, items: [{ kind: 'progress', ...progress(700) }] }, { 'content-type': 'text/plain;charset=UTF-8' });
    expect(answer.body).toEqual({ accepted: 1, duplicates: 0, rejected: [] });
  });
});
