import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { send, session, T0, testCollector, uiEvent } from './helpers.js';

type Collector = Awaited<ReturnType<typeof testCollector>>;
const MINUTE = 60_000;

describe('kiosk sessions that never ended', () => {
  const clock = { now: T0 };
  let c: Collector;
  beforeAll(async () => {
    c = await testCollector({ now: () => clock.now, sweepIntervalMs: 0, sessionTimeoutMs: 10 * MINUTE });
  });
  afterAll(() => c.stop());

  const stages = { currentStage: 'payment', reached: 4, total: 8, stages: [{ stage: 'attract', enteredAt: T0 }, { stage: 'payment', enteredAt: T0 + 30_000 }] };

  it('end as timeout at their last activity, with the stage they stalled at as exitStage', async () => {
    await send(c.url, 'POST', '/api/sessions', session('stalled', { funnel: stages }));
    await send(c.url, 'POST', '/api/sessions', session('busy'));
    await send(c.url, 'POST', '/api/sessions', session('quiet'));
    await send(c.url, 'POST', '/api/sessions', session('finished'));
    clock.now = T0 + 10_000;
    expect((await send(c.url, 'PATCH', '/api/sessions/finished', { status: 'completed', endedAt: T0 + 10_000 })).status).toBe(200);
    // The stalled kiosk's last taps arrive 40 s in; the busy one keeps tapping.
    clock.now = T0 + 40_000;
    await send(c.url, 'POST', '/api/events/batch', { events: [uiEvent('stalled', 0, { timestamp: T0 + 38_000 }), uiEvent('stalled', 1, { timestamp: T0 + 39_500 })] });
    clock.now = T0 + 9 * MINUTE;
    await send(c.url, 'POST', '/api/events/batch', { events: [uiEvent('busy', 0, { timestamp: T0 + 9 * MINUTE })] });

    clock.now = T0 + 10 * MINUTE - 1;
    expect((await c.sweep()).sessionsTimedOut).toBe(0);
    clock.now = T0 + 10 * MINUTE; // `quiet` has been silent since its start
    expect((await c.sweep()).sessionsTimedOut).toBe(1);
    expect((await send(c.url, 'GET', '/api/sessions/quiet')).body).toMatchObject({ status: 'timeout', endedAt: T0 });
    clock.now = T0 + 40_000 + 10 * MINUTE; // `stalled`, ten minutes after its last UI event arrived
    expect((await c.sweep()).sessionsTimedOut).toBe(1);

    const stalled = (await send(c.url, 'GET', '/api/sessions/stalled')).body;
    expect(stalled).toMatchObject({ status: 'timeout', endedAt: T0 + 39_500, funnel: { ...stages, exitStage: 'payment' }, updatedAt: clock.now });
    expect((await send(c.url, 'GET', '/api/sessions/busy')).body.status).toBe('active');
    expect((await send(c.url, 'GET', '/api/sessions/finished')).body).toMatchObject({ status: 'completed', endedAt: T0 + 10_000 });
    expect((await send(c.url, 'GET', '/api/sessions?status=timeout')).body.items.map((s: { sessionId: string }) => s.sessionId).sort()).toEqual(['quiet', 'stalled']);

    // Later sweeps leave them be; the status stays terminal.
    clock.now += 60 * MINUTE;
    const later = await c.sweep();
    expect(later.sessionsTimedOut).toBe(1); // `busy`, silent at last
    expect((await send(c.url, 'GET', '/api/sessions/stalled')).body.updatedAt).toBe(T0 + 40_000 + 10 * MINUTE);
    expect((await send(c.url, 'PATCH', '/api/sessions/stalled', { status: 'active' })).status).toBe(409);
  });
});

describe('session timeout 0', () => {
  it('never ends sessions', async () => {
    const clock = { now: T0 };
    const c = await testCollector({ now: () => clock.now, sweepIntervalMs: 0, sessionTimeoutMs: 0 });
    await send(c.url, 'POST', '/api/sessions', session('forever'));
    clock.now += 365 * 24 * 60 * MINUTE;
    expect((await c.sweep()).sessionsTimedOut).toBe(0);
    expect((await send(c.url, 'GET', '/api/sessions/forever')).body.status).toBe('active');
    await c.stop();
  });
});
