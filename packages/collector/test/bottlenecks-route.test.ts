import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JOURNEYS, T } from './bottleneck-journeys.js';
import { send, testCollector } from './helpers.js';

let c: Awaited<ReturnType<typeof testCollector>>;

beforeAll(async () => {
  c = await testCollector({ sweepIntervalMs: 0 });
  const events = JOURNEYS.map(([traceId, step, timestamp, status = 'SUCCESS', reason = null, lastStep]) => ({
    traceId,
    service: 'LOAN',
    step,
    status,
    reason,
    timestamp,
    ...(lastStep ? { meta: { lastStep } } : {}),
  }));
  const others = [
    { traceId: 's1', service: 'SIGNUP', step: 'IDENTITY_VERIFIED', status: 'FAIL', reason: 'POLICY_REJECT', timestamp: T },
    { traceId: 'late', service: 'LOAN', step: 'IDENTITY_VERIFIED', status: 'SUCCESS', timestamp: T + 86_400_000 },
  ];
  const r = await send(c.url, 'POST', '/api/progress', [...events, ...others]);
  expect(r.body.accepted).toBe(events.length + others.length);
});
afterAll(() => c.stop());

describe('GET /api/bottlenecks', () => {
  it('answers per step the times to the next step, drop rates and reasons, and the hour heatmap in Asia/Seoul', async () => {
    const r = await send(c.url, 'GET', `/api/bottlenecks?service=LOAN&from=${T}&to=${T + 3 * 3_600_000}`);
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ service: 'LOAN', from: T, to: T + 3 * 3_600_000, timeZone: 'Asia/Seoul', traces: 7 });
    expect(r.body.steps.map((s: any) => [s.step, s.traces, s.p50MsToNext, s.p95MsToNext, s.p99MsToNext, s.dropped, s.dropRate])).toEqual([
      ['IDENTITY_VERIFIED', 7, 2_000, 200_000, 200_000, 1, 1 / 7],
      ['DATA_COLLECTED', 6, 1_000, 3_000, 3_000, 3, 0.5],
      ['REVIEWED', 2, 3_596_000, 3_596_000, 3_596_000, 0, 0],
      ['COMPLETED', 1, null, null, null, 0, 0],
    ]);
    expect(r.body.steps[1].reasons.FAIL).toEqual([
      { reason: 'QUALITY_LOW', count: 2 },
      { reason: null, count: 1 },
    ]);
    expect(r.body.heatmap.events[0][9]).toBe(4);
    expect(r.body.heatmap.medianMsToNext[0][9]).toBe(2_000);
    expect(r.body.heatmap.medianMsToNext[1][10]).toBeNull();
  });

  it('reads only the service and range asked for, and takes the time zone from tz', async () => {
    const all = await send(c.url, 'GET', '/api/bottlenecks?service=LOAN&tz=UTC');
    expect(all.body.timeZone).toBe('UTC');
    expect(all.body.traces).toBe(8); // the late trace is in range now
    expect(all.body.heatmap.events[0].slice(0, 3)).toEqual([5, 2, 1]);
    const none = await send(c.url, 'GET', '/api/bottlenecks?service=MYDATA');
    expect(none.body).toMatchObject({ traces: 0, steps: [], heatmap: { steps: [], events: [] } });
  });

  it('names the bad parameter and the rule', async () => {
    const r = await send(c.url, 'GET', '/api/bottlenecks?tz=Mars/Olympus&from=yesterday&window=5');
    expect(r.status).toBe(400);
    expect(r.body.error.errors.map((e: any) => [e.path, e.rule]).sort()).toEqual([
      ['from', 'type'],
      ['service', 'required'],
      ['tz', 'time_zone'],
      ['window', 'unknown_key'],
    ]);
  });
});
