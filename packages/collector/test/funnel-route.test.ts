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

  it('reads the steps from meta.subType when asked: the stages of a photo kiosk', async () => {
    const stage = (traceId: string, subType: string, dt: number, status = 'SUCCESS') => ({
      traceId, service: 'PHOTO_KIOSK', step: subType === 'done' ? 'COMPLETED' : 'DATA_COLLECTED', status, timestamp: T0 + dt, meta: { subType },
    });
    const events = [
      stage('k-1', 'attract', 0), stage('k-1', 'frame_select', 1_000), stage('k-1', 'options', 4_000), stage('k-1', 'payment', 6_000),
      stage('k-2', 'attract', 0), stage('k-2', 'frame_select', 3_000), stage('k-2', 'frame_select', 9_000, 'DROPPED'),
      stage('k-3', 'attract', 0),
    ];
    expect((await send(c.url, 'POST', '/api/progress', events)).body.accepted).toBe(events.length);
    const r = await send(c.url, 'GET', '/api/funnel?service=PHOTO_KIOSK&steps=attract,frame_select,options,payment&stepField=meta.subType');
    expect(r.status).toBe(200);
    expect(r.body.stepField).toBe('meta.subType');
    expect(r.body.funnel.map((s: any) => [s.step, s.traces, s.dropOff, s.medianMsFromPrevious])).toEqual([
      ['attract', 3, 0, null],
      ['frame_select', 2, 1, 1_000],
      ['options', 1, 1, 3_000],
      ['payment', 1, 0, 2_000],
    ]);
    // Read by step, the same events hold no such steps.
    const bySteps = await send(c.url, 'GET', '/api/funnel?service=PHOTO_KIOSK&steps=attract,frame_select');
    expect(bySteps.body.stepField).toBe('step');
    expect(bySteps.body.funnel.map((s: any) => s.traces)).toEqual([0, 0]);
    const bad = await send(c.url, 'GET', '/api/funnel?service=PHOTO_KIOSK&steps=attract&stepField=meta.screenId');
    expect(bad.status).toBe(400);
    expect(bad.body.error.errors.map((e: any) => e.path)).toEqual(['stepField']);
  });

  it('names the bad parameter', async () => {
    const r = await send(c.url, 'GET', '/api/funnel?service=LOAN&steps=&breakdown=channel&window=-1');
    expect(r.status).toBe(400);
    expect(r.body.error.errors.map((e: any) => e.path).sort()).toEqual(['breakdown', 'steps.0', 'window']);
  });
});
