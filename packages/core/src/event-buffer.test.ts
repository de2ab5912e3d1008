import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createClient } from './client.js';
import { fakeCollector } from './fake-collector.js';
import { backoffDelay, retryAfterMs } from './backoff.js';
import type { WaymarkError } from './errors.js';

const T0 = Date.UTC(2026, 0, 5, 9);
const OPTIONS = { endpoint: 'http://127.0.0.1:4318', service: 'PHOTO_KIOSK', deviceId: 'kiosk-1' };

beforeEach(() => {
  vi.useFakeTimers({ now: T0 });
});
afterEach(() => {
  vi.useRealTimers();
});

/** Lets pending promises and microtasks run without moving the clock. */
const settle = () => vi.advanceTimersByTimeAsync(0);

describe('EventBuffer', () => {
  it('flushes at 50 items, not before', async () => {
    const c = fakeCollector();
    const client = createClient(OPTIONS, c.ports());
    await client.ready;
    for (let i = 0; i < 48; i++) client.track('tap'); // plus the session record: 49 items
    await settle();
    expect(c.batches).toHaveLength(0);
    client.track('tap');
    await settle();
    expect(c.batches.map((b) => b.length)).toEqual([50]);
  });

  it('flushes a lone item after 5 s', async () => {
    const c = fakeCollector();
    const client = createClient(OPTIONS, c.ports());
    await client.ready;
    client.track('tap');
    await vi.advanceTimersByTimeAsync(4_999);
    expect(c.batches).toHaveLength(0);
    await vi.advanceTimersByTimeAsync(1);
    expect(c.of('ui_event')).toHaveLength(1);
  });

  it('honours configured flushAt and flushIntervalMs', async () => {
    const c = fakeCollector();
    const client = createClient({ ...OPTIONS, flushAt: 3, flushIntervalMs: 200 }, c.ports());
    await client.ready;
    client.track('tap');
    client.track('tap');
    await settle();
    expect(c.batches.map((b) => b.length)).toEqual([3]);
    client.track('tap');
    await vi.advanceTimersByTimeAsync(200);
    expect(c.batches.map((b) => b.length)).toEqual([3, 1]);
  });

  it('sends an error report at once', async () => {
    const c = fakeCollector();
    const client = createClient(OPTIONS, c.ports());
    await client.ready;
    client.captureError(new Error('printer jam'));
    await settle();
    expect(c.of('error')).toHaveLength(1);
  });

  it('with a synchronous storage, has each item stored when the call that tracked it returns', async () => {
    const c = fakeCollector();
    const storage = Object.assign(c.storage, { sync: true });
    const client = createClient(OPTIONS, { ...c.ports(), storage });
    await client.ready;
    client.trackProgress({ traceId: 'loan-1', step: 'REVIEWED', status: 'SUCCESS' });
    expect([...storage.map.values()].filter((v) => (v as { kind?: string })?.kind === 'progress')).toHaveLength(1);
  });

  it('writes each item to storage before sending it and deletes it only once acknowledged', async () => {
    const c = fakeCollector();
    const client = createClient(OPTIONS, c.ports());
    await client.ready;
    c.setOutage({ status: 503 });
    client.track('tap');
    await settle();
    const keys = () => [...c.storage.map.keys()].filter((k) => k.startsWith('q:'));
    expect(keys()).toHaveLength(2); // session record and tap, before any send
    await vi.advanceTimersByTimeAsync(5_000);
    expect(c.batches).toHaveLength(1); // sent, refused
    expect(keys()).toHaveLength(2);
    c.setOutage(undefined);
    await client.flush();
    expect(keys()).toHaveLength(0);
    expect(c.stored.size).toBe(2);
  });

  it('retries network errors and 5xx with exponential backoff and full jitter, from 1 s', async () => {
    vi.spyOn(Math, 'random').mockReturnValue(1); // the top of each jitter range
    const c = fakeCollector();
    const client = createClient(OPTIONS, c.ports());
    await client.ready;
    c.setOutage({ status: 500 });
    client.track('tap');
    await vi.advanceTimersByTimeAsync(5_000);
    const sendTimes = [Date.now()];
    for (let i = 0; i < 5; i++) {
      const before = c.batches.length;
      while (c.batches.length === before) await vi.advanceTimersByTimeAsync(100);
      sendTimes.push(Date.now());
    }
    // Each wait is the larger of the flush interval (5 s) and the backoff: 1, 2, 4, 8, 16 s at most.
    expect(sendTimes.slice(1).map((t, i) => t - sendTimes[i]!)).toEqual([5_000, 5_000, 5_000, 8_000, 16_000]);
    expect(client.stats()).toMatchObject({ pending: 2, failedAttempts: 6, sent: 0 });
    c.setOutage(undefined);
    await vi.advanceTimersByTimeAsync(40_000);
    expect(client.stats()).toMatchObject({ pending: 0, sent: 2 });
  });

  it('caps the backoff at 5 minutes and draws it uniformly', () => {
    expect(backoffDelay(1, 1_000, 300_000, () => 1)).toBe(1_000);
    expect(backoffDelay(4, 1_000, 300_000, () => 1)).toBe(8_000);
    expect(backoffDelay(4, 1_000, 300_000, () => 0)).toBe(1_000);
    expect(backoffDelay(30, 1_000, 300_000, () => 1)).toBe(300_000);
    expect(backoffDelay(30, 1_000, 300_000, () => 0.5)).toBe(150_500);
  });

  it('waits out Retry-After on 429', async () => {
    const c = fakeCollector();
    const client = createClient(OPTIONS, c.ports());
    await client.ready;
    c.setOutage({ status: 429, retryAfter: '60' });
    client.track('tap');
    await vi.advanceTimersByTimeAsync(5_000);
    expect(c.batches).toHaveLength(1);
    c.setOutage(undefined);
    await vi.advanceTimersByTimeAsync(59_000);
    expect(c.batches).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1_000);
    expect(c.batches).toHaveLength(2);
    expect(c.of('ui_event')).toHaveLength(1);
    expect(retryAfterMs(new Date(T0 + 90_000).toUTCString(), T0)).toBe(90_000);
  });

  it('drops items the collector rejects, reports them and the count, and never resends them', async () => {
    const c = fakeCollector();
    const errors: WaymarkError[] = [];
    const client = createClient({ ...OPTIONS, onError: (e) => errors.push(e) }, c.ports());
    await client.ready;
    c.setReject((item) => (item.kind === 'ui_event' && item.name === 'bad' ? 'no' : undefined));
    client.track('bad');
    client.track('good');
    await client.flush();
    expect(errors).toMatchObject([{ code: 'rejected', item: { kind: 'ui_event', name: 'bad' }, errors: [{ message: 'no' }] }]);
    expect(client.stats().dropped.rejected).toBe(1);
    expect([...c.storage.map.keys()].filter((k) => k.startsWith('q:'))).toEqual([]);
    client.track('later');
    await client.flush();
    const names = c.batches.flat().map((i) => (i.kind === 'ui_event' ? i.name : i.kind));
    expect(names.filter((n) => n === 'bad')).toHaveLength(1);
    expect(c.of('client_report')).toMatchObject([{ deviceId: 'kiosk-1', dropped: { rejected: 1 } }]);
  });

  it('drops an item that alone is too large (413) after halving the batch down to it', async () => {
    const c = fakeCollector();
    const client = createClient(OPTIONS, c.ports());
    await client.ready;
    c.transport.sent.length = 0;
    const original = c.transport.send;
    c.transport.send = async (body) => (body.includes('"huge"') ? { status: 413 } : original(body));
    for (let i = 0; i < 7; i++) client.track(i === 5 ? 'huge' : `t${i}`);
    await client.flush();
    expect(client.stats()).toMatchObject({ pending: 0, dropped: { rejected: 1 } });
    expect(c.of('ui_event').map((e) => e.name)).toEqual(['t0', 't1', 't2', 't3', 't4', 't6']);
  });

  it('bounds the queue: overflow drops the oldest, counts them and tells the collector', async () => {
    const c = fakeCollector();
    const client = createClient({ ...OPTIONS, maxQueueSize: 10 }, c.ports());
    await client.ready;
    c.setOutage({ status: 503 });
    for (let i = 1; i <= 14; i++) client.track(`t${i}`); // plus the session record: 15 items
    await settle();
    expect(client.stats()).toMatchObject({ pending: 10, dropped: { overflow: 5 } });
    expect([...c.storage.map.keys()].filter((k) => k.startsWith('q:'))).toHaveLength(10);
    c.setOutage(undefined);
    await client.flush();
    expect(c.of('ui_event').map((e) => e.name)).toEqual(['t5', 't6', 't7', 't8', 't9', 't10', 't11', 't12', 't13', 't14']);
    expect(c.of('client_report')).toMatchObject([{ dropped: { overflow: 5 } }]);
  });

  it('sends at start what a previous run left, and continues its session sequence without gap or repeat', async () => {
    const c = fakeCollector();
    c.setOutage({ status: 0 });
    const first = createClient(OPTIONS, c.ports());
    await first.ready;
    for (let i = 0; i < 3; i++) first.track('tap');
    await settle();
    const sessionId = first.sessionId;
    // Power cut: the first client is gone without shutdown. The network is back.
    c.setOutage(undefined);
    const second = createClient(OPTIONS, c.ports());
    second.track('tap'); // before its stored state is loaded
    await second.ready;
    second.track('tap');
    await second.flush();
    expect(second.sessionId).toBe(sessionId);
    const taps = c.of('ui_event');
    expect(taps.map((e) => [e.sessionId, e.sequenceNo])).toEqual([1, 2, 3, 4, 5].map((n) => [sessionId, n]));
    expect(new Set(taps.map((e) => e.eventId)).size).toBe(5);
  });

  it('hands waiting items to the beacon in bodies under the limit, and keeps them', async () => {
    const c = fakeCollector();
    const client = createClient({ ...OPTIONS, flushAt: 1_000 }, c.ports());
    await client.ready;
    for (let i = 0; i < 400; i++) client.track('tap', { props: { text: '한국어 텍스트 '.repeat(10) } });
    await settle();
    client.beacon();
    expect(c.transport.beacons.length).toBeGreaterThan(1);
    for (const body of c.transport.beacons) expect(new TextEncoder().encode(body).length).toBeLessThan(60_000);
    const items = c.transport.beacons.flatMap((b) => JSON.parse(b).items);
    expect(items).toHaveLength(401);
    expect(client.stats().pending).toBe(401);
  });

  it('keeps items in memory and reports once when storage fails', async () => {
    const c = fakeCollector();
    const errors: WaymarkError[] = [];
    c.storage.setMany = async () => {
      throw new Error('QuotaExceededError');
    };
    const client = createClient({ ...OPTIONS, onError: (e) => errors.push(e) }, c.ports());
    await client.ready;
    client.track('tap');
    client.track('tap');
    await settle();
    client.track('tap');
    await client.flush();
    expect(errors.map((e) => e.code)).toEqual(['storage']);
    expect(c.of('ui_event')).toHaveLength(3);
  });
});
