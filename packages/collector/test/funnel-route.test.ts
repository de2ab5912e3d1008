import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { send, testCollector } from './helpers.js';

let c: Awaited<ReturnType<typeof testCollector>>;
const T0 = Date.UTC(2026, 10, 20, 9);
const event = (traceId: string, step: string, dt: number, channel: string, status = 'SUCCESS') => ({ traceId, service: 'LOAN', step, status, timestamp: T0 + dt, meta: { channel } });

beforeAll(async () => {
  c = await testCollector();
  const events = [
    event('web-1', 'IDENTITY_VERIFIED', 0, 'WEB'), event('web-1', 'DATA_COLLECTED', 1_000, 'WEB'), event('web-1', 'REVIEWED', 3_000, 'WEB'),
    event('web-2', 'IDENTITY_VERIFIED', 0, 'WEB'), event('web-2', 'DATA_COLLECTED', 5_000, 'WEB'),
    event('app-1', 'IDENTITY_VERIFIED', 0, 'MOBILE_APP'), event('app-1', 'DATA_COLLECTED', 2_000, 'MOBILE_APP'), event('app-1', 'REVIEWED', 90_000, 'MOBILE_APP'),
    { ...event('other', 'IDENTITY_VERIFIED', 0, 'WEB'), service: 'SIGNUP' },
  ];
  const r = await send(c.url, 'POST', '/api/progress', events);
  expect(r.body.accepted).toBe(events.length);
});
afterAll(() => c.stop());

describe('GET /api/funnel', () => {
  it('answers per step traces, conversion, drop-off and times, and breaks them down by a meta key', async () => {
    const r = await send(c.url, 'GET', '/api/funnel?service=LOAN&steps=IDENTITY_VERIFIED,DATA_COLLECTED,REVIEWED&window=60000&breakdown=meta.channel');
    expect(r.status).toBe(200);
    expect(r.body.funnel.map((s: any) => [s.step, s.traces, s.dropOff, s.medianMsFromPrevious])).toEqual([
      ['IDENTITY_VERIFIED', 3, 0, null],
      ['DATA_COLLECTED', 3, 0, 2_000],
      ['REVIEWED', 1, 2, 2_000], // app-1 reviewed 88 s after its start: outside the 60 s window
    ]);
    expect(r.body.breakdown.groups.map((g: any) => [g.value, g.funnel.map((s: any) => s.traces)])).toEqual([
      ['WEB', [2, 2, 1]],
      ['MOBILE_APP', [1, 1, 0]],
    ]);
  });

  it('names the bad parameter', async () => {
    const r = await send(c.url, 'GET', '/api/funnel?service=LOAN&steps=&breakdown=channel&window=-1');
    expect(r.status).toBe(400);
    expect(r.body.error.errors.map((e: any) => e.path).sort()).toEqual(['breakdown', 'steps.0', 'window']);
  });
});
