import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSqliteStore, type Store } from '../src/store/index.js';
import { send, T0, tempDir, testCollector } from './helpers.js';
import { openSse } from './sse-client.js';

type Collector = Awaited<ReturnType<typeof testCollector>>;

let serial = 0;
const event = (service = 'STREAM', extra: Record<string, unknown> = {}) => {
  const n = serial++;
  return { traceId: `st-${n}`, service, step: 'DATA_COLLECTED', status: 'SUCCESS', timestamp: T0 + n, eventId: `st-ev-${n}`, ...extra };
};
const ids = (events: Array<{ data: string }>) => events.map((e) => JSON.parse(e.data).eventId as string);

describe('GET /api/stream', () => {
  let clock = T0;
  let c: Collector;
  beforeAll(async () => {
    c = await testCollector({ now: () => clock, sweepIntervalMs: 0 });
  });
  afterAll(() => c.stop());

  it('resumes after Last-Event-ID with each missed event once, then live events', async () => {
    const first = Array.from({ length: 5 }, () => event());
    await send(c.url, 'POST', '/api/progress', first);
    const s1 = await openSse(`${c.url}/api/stream?lastEventId=0&service=STREAM`);
    expect(s1.res.status).toBe(200);
    expect(s1.res.headers.get('content-type')).toMatch(/^text\/event-stream/);
    await s1.waitForEvents(5);
    expect(ids(s1.events)).toEqual(first.map((e) => e.eventId));
    expect(s1.events.every((e) => e.event === 'progress')).toBe(true);
    const seqs = s1.events.map((e) => Number(e.id));
    expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
    expect(JSON.parse(s1.events[0]!.data)).toMatchObject({ ...first[0], receivedAt: clock });
    await s1.close();

    // Missed while disconnected.
    const missed = Array.from({ length: 4 }, () => event());
    await send(c.url, 'POST', '/api/progress', missed);
    const resumeAfter = s1.events[2]!.id!; // as if the client had seen only three
    const s2 = await openSse(`${c.url}/api/stream?service=STREAM`, { 'Last-Event-ID': resumeAfter });
    await s2.waitForEvents(6);
    expect(ids(s2.events)).toEqual([...first.slice(3), ...missed].map((e) => e.eventId));
    // Then live.
    const live = [event(), event()];
    await send(c.url, 'POST', '/api/progress', [live[0]]);
    await send(c.url, 'POST', '/api/progress', live[1]);
    await s2.waitForEvents(8);
    await new Promise((r) => setTimeout(r, 300));
    expect(ids(s2.events)).toEqual([...first.slice(3), ...missed, ...live].map((e) => e.eventId));
    await s2.close();
  });

  it('catches up while writes go on: every event once, in storage order, across pages', async () => {
    const head = (await c.store.progressHead()) as number;
    const sent: string[] = [];
    let stream: Awaited<ReturnType<typeof openSse>> | undefined;
    for (let batch = 0; batch < 40; batch++) {
      const events = Array.from({ length: 25 }, () => event('BURST'));
      sent.push(...events.map((e) => e.eventId));
      const posting = send(c.url, 'POST', '/api/progress', events);
      // Connect while the writes go on: the replay and the first live events overlap.
      if (batch === 12) stream = await openSse(`${c.url}/api/stream?service=BURST`, { 'Last-Event-ID': String(head) });
      await posting;
    }
    await stream!.waitForEvents(sent.length, 10_000);
    await new Promise((r) => setTimeout(r, 300));
    expect(stream!.events.length).toBe(sent.length);
    expect(ids(stream!.events)).toEqual(sent);
    const seqs = stream!.events.map((e) => Number(e.id));
    expect(seqs.every((s, i) => i === 0 || s > seqs[i - 1]!)).toBe(true);
    await stream!.close();
  });

  it('sends only live events without an id, of the service asked for, DROPPED ones included', async () => {
    const old = event('FILTERED');
    await send(c.url, 'POST', '/api/progress', old);
    const s = await openSse(`${c.url}/api/stream?service=FILTERED`);
    const stalled = event('FILTERED');
    await send(c.url, 'POST', '/api/progress', [event('NOT_THIS_ONE'), stalled]);
    await s.waitForEvents(1);
    clock += 120_000;
    const swept = await c.sweep();
    expect(swept.dropped).toBeGreaterThanOrEqual(2); // `old` and `stalled`, and the other services' journeys
    await s.waitForEvents(3);
    const got = s.events.map((e) => JSON.parse(e.data));
    expect(got[0].eventId).toBe(stalled.eventId);
    expect(got.slice(1).map((e) => [e.traceId, e.status, e.reason]).sort()).toEqual([
      [old.traceId, 'DROPPED', 'TIMEOUT'],
      [stalled.traceId, 'DROPPED', 'TIMEOUT'],
    ]);
    expect(got.every((e) => e.service === 'FILTERED')).toBe(true);
    await s.close();
  });

  it('names a bad Last-Event-ID, lastEventId or unknown parameter with a 400', async () => {
    const header = await send(c.url, 'GET', '/api/stream', undefined, { 'Last-Event-ID': 'abc' });
    expect([header.status, header.body.error.errors[0]]).toEqual([400, expect.objectContaining({ path: 'Last-Event-ID', rule: 'pattern' })]);
    const query = await send(c.url, 'GET', '/api/stream?lastEventId=-1&since=3');
    expect(query.status).toBe(400);
    expect(query.body.error.errors.map((e: { path: string; rule: string }) => [e.path, e.rule]).sort()).toEqual([
      ['lastEventId', 'pattern'],
      ['since', 'unknown_key'],
    ]);
  });
});

describe('GET /api/stream lifetime', () => {
  it('sends heartbeat comments while idle', async () => {
    const c = await testCollector({ streamHeartbeatMs: 50, sweepIntervalMs: 0 });
    const s = await openSse(`${c.url}/api/stream`);
    await s.waitForComment(2_000);
    expect(s.comments[0]).toBe('heartbeat');
    await s.close();
    await c.stop();
  });

  it('ends open streams when the collector closes, without waiting for them', async () => {
    const c = await testCollector({ sweepIntervalMs: 0 });
    const streams = await Promise.all([openSse(`${c.url}/api/stream`), openSse(`${c.url}/api/stream?lastEventId=0`)]);
    const started = performance.now();
    await c.stop();
    const ms = performance.now() - started;
    for (const s of streams) await s.waitForEnd(2_000);
    expect(ms).toBeLessThan(2_000);
    console.info(`stream: collector closed with 2 open streams in ${ms.toFixed(0)} ms`);
  });

  it('stops reading the store for a client that went away', async () => {
    const { dir, cleanup } = tempDir();
    const sqlite = createSqliteStore({ path: join(dir, 'count.db') });
    await sqlite.ready;
    let reads = 0;
    const counting = new Proxy(sqlite, {
      get(target, key) {
        if (key === 'progressAfter') return (...args: Parameters<Store['progressAfter']>) => (reads++, target.progressAfter(...args));
        const value = Reflect.get(target, key, target) as unknown;
        return typeof value === 'function' ? value.bind(target) : value;
      },
    });
    const c = await testCollector({ store: counting, sweepIntervalMs: 0 });
    const s = await openSse(`${c.url}/api/stream`);
    await new Promise((r) => setTimeout(r, 1_200));
    expect(reads).toBeGreaterThanOrEqual(2); // the first read, then the once-a-second one
    await s.close();
    await new Promise((r) => setTimeout(r, 100));
    const afterClose = reads;
    await new Promise((r) => setTimeout(r, 2_200));
    expect(reads).toBe(afterClose);
    await c.stop();
    cleanup();
  });
});
