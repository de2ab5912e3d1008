import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { createCollector, startCollector } from '../src/index.js';
import { droppedEvent, droppedEventId } from '../src/domain/drop-detection.js';
import { ingestBatch } from '../src/ingest/ingest.js';
import { send, T0, testCollector } from './helpers.js';

type Collector = Awaited<ReturnType<typeof testCollector>>;
const MINUTE = 60_000;

const ev = (traceId: string, step: string, timestamp: number, extra: Record<string, unknown> = {}) => ({
  traceId,
  service: 'LOAN',
  step,
  status: 'SUCCESS',
  timestamp,
  eventId: `${traceId}:${step}:${timestamp}`,
  ...extra,
});

async function droppedOf(c: { url: string }, traceId: string) {
  const page = await send(c.url, 'GET', `/api/progress?traceId=${encodeURIComponent(traceId)}&status=DROPPED`);
  return page.body.items as Array<Record<string, any>>;
}

const itemsAccepted = async (url: string) => {
  const text = (await send(url, 'GET', '/metrics')).body as string;
  return Number(/waymark_items_total\{kind="progress",outcome="accepted"\} (\d+)/.exec(text)?.[1] ?? 0);
};

const collectors: Collector[] = [];
afterAll(async () => {
  for (const c of collectors) await c.stop().catch(() => {});
});
async function collector(clock: { now: number }, options: Parameters<typeof testCollector>[0] = {}) {
  const c = await testCollector({ now: () => clock.now, sweepIntervalMs: 0, ...options });
  collectors.push(c);
  return c;
}

describe('DROPPED detection', () => {
  it('drops a journey left at DATA_COLLECTED once, when its timeout has passed, however many sweeps follow', async () => {
    const clock = { now: T0 };
    const c = await collector(clock);
    await send(c.url, 'POST', '/api/progress', [ev('stall', 'IDENTITY_VERIFIED', T0), ev('stall', 'DATA_COLLECTED', T0 + 1_000)]);
    // Completes in time: never dropped.
    await send(c.url, 'POST', '/api/progress', [ev('done', 'IDENTITY_VERIFIED', T0), ev('done', 'DATA_COLLECTED', T0 + 1_000)]);
    clock.now = T0 + 90_000;
    await send(c.url, 'POST', '/api/progress', [ev('done', 'COMPLETED', T0 + 91_000)]);
    const acceptedBefore = await itemsAccepted(c.url);

    clock.now = T0 + 2 * MINUTE - 1;
    expect((await c.sweep()).dropped).toBe(0);
    clock.now = T0 + 2 * MINUTE;
    expect((await c.sweep()).dropped).toBe(1);
    for (let i = 0; i < 20; i++) {
      clock.now += 30_000;
      expect((await c.sweep()).dropped).toBe(0);
    }
    const dropped = await droppedOf(c, 'stall');
    expect(dropped).toEqual([
      {
        traceId: 'stall',
        service: 'LOAN',
        step: 'DROPPED',
        status: 'DROPPED',
        reason: 'TIMEOUT',
        meta: { lastStep: 'DATA_COLLECTED', lastStatus: 'SUCCESS', lastEventId: 'stall:DATA_COLLECTED:' + (T0 + 1_000), timeoutMs: 120_000, idleMs: 120_000 },
        // On the journey's clock: the last event's timestamp plus the wait since it arrived.
        timestamp: T0 + 1_000 + 120_000,
        eventId: droppedEventId('stall', `stall:DATA_COLLECTED:${T0 + 1_000}`),
        receivedAt: T0 + 2 * MINUTE,
      },
    ]);
    expect(await droppedOf(c, 'done')).toEqual([]);
    // Counted like any other stored event.
    expect(await itemsAccepted(c.url)).toBe(acceptedBefore + 1);

    const trace = await send(c.url, 'GET', '/api/traces/stall');
    expect(trace.body.state).toMatchObject({ step: 'DROPPED', status: 'DROPPED', reason: 'TIMEOUT', terminal: true, eventCount: 3, dwellMs: { IDENTITY_VERIFIED: 1_000, DATA_COLLECTED: 120_000 } });
    expect(trace.body.timeline.map((e: { step: string; dwellMs: number | null }) => [e.step, e.dwellMs])).toEqual([
      ['IDENTITY_VERIFIED', 1_000],
      ['DATA_COLLECTED', 120_000],
      ['DROPPED', null],
    ]);
    expect((await send(c.url, 'GET', '/api/traces/done')).body.state).toMatchObject({ step: 'COMPLETED', terminal: true });
  });

  it('stores one DROPPED event per stall across a second collector on the same database, concurrent sweeps and a restart', async () => {
    const clock = { now: T0 };
    const a = await collector(clock);
    const b = await startCollector({ port: 0, db: a.dbPath, log: false, now: () => clock.now, sweepIntervalMs: 0 });
    const traces = Array.from({ length: 30 }, (_, i) => `shared-${i}`);
    await send(a.url, 'POST', '/api/progress', traces.map((t) => ev(t, 'DATA_COLLECTED', T0)));
    clock.now = T0 + 3 * MINUTE;
    const sweeps = await Promise.all([a.sweep(), b.sweep(), a.sweep(), b.sweep()]);
    // Each instance's sweep is counted once (a call during a sweep shares it); together they stored each stall once.
    expect(sweeps[0]!.dropped + sweeps[1]!.dropped).toBe(traces.length);

    // A sweep that read the journeys before they were dropped offers its events again: they are duplicates.
    const late = await ingestBatch(
      a.store,
      traces.map((t) => droppedEvent({ traceId: t, service: 'LOAN', step: 'DATA_COLLECTED', status: 'SUCCESS', lastEventId: `${t}:DATA_COLLECTED:${T0}`, lastTimestamp: T0, lastReceivedAt: T0 } as never, clock.now + 5_000, 120_000)),
      { route: 'test', receivedAt: clock.now + 5_000 },
      'progress',
    );
    expect(late.result).toEqual({ accepted: 0, duplicates: traces.length, rejected: [] });
    await b.close();
    await a.close();

    const restarted = await startCollector({ port: 0, db: a.dbPath, log: false, now: () => clock.now, sweepIntervalMs: 0 });
    clock.now += 10 * MINUTE;
    expect((await restarted.sweep()).dropped).toBe(0);
    await restarted.close();

    const db = new Database(a.dbPath, { readonly: true });
    const perTrace = db.prepare("SELECT trace_id, COUNT(*) AS n FROM progress_events WHERE status = 'DROPPED' GROUP BY trace_id").all() as Array<{ trace_id: string; n: number }>;
    db.close();
    expect(perTrace.length).toBe(traces.length);
    expect(perTrace.every((r) => r.n === 1)).toBe(true);
  });

  it('gives clients a full timeout after the collector starts before it drops anything', async () => {
    const clock = { now: T0 };
    const first = await collector(clock);
    await send(first.url, 'POST', '/api/progress', [ev('downtime', 'DATA_COLLECTED', T0)]);
    await send(first.url, 'POST', '/api/sessions', { sessionId: 'downtime-s', deviceId: 'kiosk-1', startedAt: T0, status: 'active' });
    await first.close();
    // Down for an hour: devices kept their events meanwhile.
    clock.now = T0 + 60 * MINUTE;
    const second = await startCollector({ port: 0, db: first.dbPath, log: false, now: () => clock.now, sweepIntervalMs: 0, sessionTimeoutMs: 10 * MINUTE });
    expect(await second.sweep()).toMatchObject({ dropped: 0, sessionsTimedOut: 0 });
    clock.now += 2 * MINUTE - 1;
    expect((await second.sweep()).dropped).toBe(0);
    clock.now += 1;
    expect((await second.sweep()).dropped).toBe(1);
    expect((await droppedOf(second, 'downtime'))[0]!.meta).toMatchObject({ idleMs: 62 * MINUTE });
    clock.now = T0 + 70 * MINUTE - 1;
    expect((await second.sweep()).sessionsTimedOut).toBe(0);
    clock.now += 1;
    expect((await second.sweep()).sessionsTimedOut).toBe(1);
    await second.close();
  });

  it('honours per-service and per-step timeouts, the most specific first', async () => {
    const clock = { now: T0 };
    const c = await collector(clock, {
      dropTimeouts: { default: 2 * MINUTE, services: { LOAN: { default: 5 * MINUTE, steps: { DATA_COLLECTED: 1 * MINUTE } }, SIGNUP: 30_000, MYDATA: { steps: { REVIEWED: 10 * MINUTE } } } },
    });
    await send(c.url, 'POST', '/api/progress', [
      ev('loan-dc', 'DATA_COLLECTED', T0),
      ev('loan-fs', 'FORM_SUBMITTED', T0),
      ev('signup', 'IDENTITY_VERIFIED', T0, { service: 'SIGNUP' }),
      ev('mydata-rv', 'REVIEWED', T0, { service: 'MYDATA' }),
      ev('mydata-dc', 'DATA_COLLECTED', T0, { service: 'MYDATA' }),
      ev('payment', 'DATA_COLLECTED', T0, { service: 'PAYMENT' }),
    ]);
    const droppedBy = async (at: number) => {
      clock.now = T0 + at;
      await c.sweep();
      const page = await send(c.url, 'GET', '/api/traces?status=DROPPED&limit=100');
      return page.body.items.map((t: { traceId: string }) => t.traceId).sort();
    };
    expect(await droppedBy(30_000 - 1)).toEqual([]);
    expect(await droppedBy(30_000)).toEqual(['signup']);
    expect(await droppedBy(1 * MINUTE)).toEqual(['loan-dc', 'signup']);
    expect(await droppedBy(2 * MINUTE - 1)).toEqual(['loan-dc', 'signup']);
    expect(await droppedBy(2 * MINUTE)).toEqual(['loan-dc', 'mydata-dc', 'payment', 'signup']);
    expect(await droppedBy(5 * MINUTE - 1)).toEqual(['loan-dc', 'mydata-dc', 'payment', 'signup']);
    expect(await droppedBy(5 * MINUTE)).toEqual(['loan-dc', 'loan-fs', 'mydata-dc', 'payment', 'signup']);
    expect(await droppedBy(10 * MINUTE)).toEqual(['loan-dc', 'loan-fs', 'mydata-dc', 'mydata-rv', 'payment', 'signup']);
    expect((await droppedOf(c, 'loan-dc'))[0]!.meta.timeoutMs).toBe(1 * MINUTE);
    expect((await droppedOf(c, 'mydata-rv'))[0]!.meta.timeoutMs).toBe(10 * MINUTE);
  });

  it('revives a DROPPED journey with a later event, and drops it again, once, at its next stall', async () => {
    const clock = { now: T0 };
    const c = await collector(clock);
    await send(c.url, 'POST', '/api/progress', [ev('revive', 'IDENTITY_VERIFIED', T0)]);
    clock.now = T0 + 2 * MINUTE;
    expect((await c.sweep()).dropped).toBe(1);

    // The user comes back.
    clock.now = T0 + 5 * MINUTE;
    await send(c.url, 'POST', '/api/progress', [ev('revive', 'DATA_COLLECTED', T0 + 5 * MINUTE)]);
    const revived = (await send(c.url, 'GET', '/api/traces/revive')).body;
    expect(revived.state).toMatchObject({ step: 'DATA_COLLECTED', status: 'SUCCESS', terminal: false });
    expect(revived.timeline.map((e: { step: string }) => e.step)).toEqual(['IDENTITY_VERIFIED', 'DROPPED', 'DATA_COLLECTED']);

    clock.now = T0 + 7 * MINUTE - 1;
    expect((await c.sweep()).dropped).toBe(0);
    clock.now = T0 + 7 * MINUTE;
    expect((await c.sweep()).dropped).toBe(1);
    clock.now = T0 + 30 * MINUTE;
    expect((await c.sweep()).dropped).toBe(0);
    const dropped = await droppedOf(c, 'revive');
    expect(dropped.map((e) => e.meta.lastStep).sort()).toEqual(['DATA_COLLECTED', 'IDENTITY_VERIFIED']);
    expect(new Set(dropped.map((e) => e.eventId)).size).toBe(2);
    expect((await send(c.url, 'GET', '/api/traces/revive')).body.state).toMatchObject({ step: 'DROPPED', terminal: true, eventCount: 4 });
  });

  it('keeps a journey DROPPED when a late event is older than the DROPPED event', async () => {
    const clock = { now: T0 };
    const c = await collector(clock);
    await send(c.url, 'POST', '/api/progress', [ev('older', 'IDENTITY_VERIFIED', T0)]);
    clock.now = T0 + 3 * MINUTE;
    await c.sweep();
    // Recorded on the device a minute in, delivered only now (an outbox that was offline).
    await send(c.url, 'POST', '/api/progress', [ev('older', 'DATA_COLLECTED', T0 + 1 * MINUTE)]);
    const view = (await send(c.url, 'GET', '/api/traces/older')).body;
    expect(view.state).toMatchObject({ step: 'DROPPED', terminal: true, eventCount: 3 });
    expect(view.timeline.map((e: { step: string }) => e.step)).toEqual(['IDENTITY_VERIFIED', 'DATA_COLLECTED', 'DROPPED']);
    clock.now += 10 * MINUTE;
    expect((await c.sweep()).dropped).toBe(0);
  });

  it('never sweeps terminal journeys: failed, cancelled or already dropped', async () => {
    const clock = { now: T0 };
    const c = await collector(clock);
    await send(c.url, 'POST', '/api/progress', [
      ev('failed', 'DATA_COLLECTED', T0, { status: 'FAIL', reason: 'QUALITY_LOW' }),
      ev('cancelled', 'FORM_SUBMITTED', T0, { status: 'CANCEL', reason: 'USER_ABORT' }),
      ev('cancel-step', 'CANCEL', T0),
      ev('sdk-dropped', 'DROPPED', T0, { status: 'DROPPED' }),
    ]);
    clock.now = T0 + 60 * MINUTE;
    expect((await c.sweep()).dropped).toBe(0);
  });

  it('sweeps on its own timer', async () => {
    const clock = { now: T0 };
    const c = await collector(clock, { sweepIntervalMs: 20, dropTimeouts: { default: 1_000 } });
    await send(c.url, 'POST', '/api/progress', [ev('timer', 'DATA_COLLECTED', T0)]);
    clock.now = T0 + 1_000;
    const deadline = Date.now() + 5_000;
    while ((await droppedOf(c, 'timer')).length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    expect(await droppedOf(c, 'timer')).toHaveLength(1);
  });

  it('refuses bad timeout options by name', () => {
    expect(() => createCollector({ dropTimeouts: { default: 0 } })).toThrow(/option dropTimeouts\.default/);
    expect(() => createCollector({ dropTimeouts: { services: { LOAN: { steps: { A: -5 } } } } })).toThrow(/option dropTimeouts\.services\.LOAN\.steps\.A/);
    expect(() => createCollector({ sessionTimeoutMs: 1.5 })).toThrow(/option sessionTimeoutMs/);
  });
});
