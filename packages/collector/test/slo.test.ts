import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { send, testCollector } from './helpers.js';

const NOW = Date.UTC(2026, 10, 20, 12, 0);
const MIN = 60_000;
let clock = NOW;
let c: Awaited<ReturnType<typeof testCollector>>;

const ui = (sessionId: string, sequenceNo: number, lagMs: number) => ({
  sessionId,
  sequenceNo,
  eventId: `${sessionId}-${sequenceNo}`,
  deviceId: 'kiosk-1',
  eventType: 'tap',
  timestamp: clock - lagMs,
});
const progress = (i: number, timestamp: number) => ({ traceId: `t-${i}`, service: 'LOAN', step: 'FORM_SUBMITTED', status: 'SUCCESS', timestamp, eventId: `p-${i}-${timestamp}` });

beforeAll(async () => {
  c = await testCollector({ now: () => clock, sweepIntervalMs: 0, sessionTimeoutMs: 0, dailySummaryAt: false });
  // 25 h ago, outside both windows: a session with a gap, and a very late event.
  clock = NOW - 25 * 60 * MIN;
  await send(c.url, 'POST', '/api/events/batch', { events: [ui('old', 1, 10), ui('old', 3, 10)] });
  // 2 h ago: inside the loss window, outside the lag window.
  clock = NOW - 120 * MIN;
  await send(c.url, 'POST', '/api/progress', [progress(100, clock - 999_999)]);
  // 10 min ago, in an envelope with sentAt: lag = sentAt − timestamp = 1, 2, 3 s.
  clock = NOW - 10 * MIN;
  const sentAt = clock - 30_000;
  await send(c.url, 'POST', '/api/batch', {
    sentAt,
    sdk: { name: 't', version: '1' },
    items: [1_000, 2_000, 3_000].map((lag, i) => ({ kind: 'progress', ...progress(i, sentAt - lag) })),
  });
  // 5 min ago, no envelope: lag = receivedAt − timestamp: 10 s once and 50 ms nine times.
  clock = NOW - 5 * MIN;
  await send(c.url, 'POST', '/api/progress', [progress(10, clock - 10_000), ...Array.from({ length: 9 }, (_, i) => progress(20 + i, clock - 50))]);
  // 2 min ago: session s1 is missing sequenceNo 4; s2 is whole (its sequenceNo 0 is neither expected nor counted).
  clock = NOW - 2 * MIN;
  const r = await send(c.url, 'POST', '/api/events/batch', {
    events: [ui('s1', 1, 100), ui('s1', 2, 200), ui('s1', 3, 300), ui('s1', 5, 400), ui('s2', 0, 4_000), ui('s2', 1, 5_000), ui('s2', 2, 6_000)],
  });
  expect(r.body.accepted).toBe(7);
  clock = NOW;
});
afterAll(() => c.stop());

describe('SLO figures', () => {
  it('measures event loss from sequenceNo gaps of the sessions seen in the last 24 h', async () => {
    const r = await send(c.url, 'GET', '/api/slo');
    expect(r.status).toBe(200);
    // s1: expected 5, received 4; s2: expected 2, received 2.
    expect(r.body.eventLoss).toEqual({
      ratio: 1 / 7,
      sessions: 2,
      expected: 7,
      received: 6,
      missing: 1,
      window: { from: NOW - 24 * 60 * MIN, to: NOW, ms: 24 * 60 * MIN },
      target: { below: 0.001 },
      met: false,
    });
  });

  it('measures ingestion lag over the last hour against the derived timestamp when sentAt was given', async () => {
    const r = await send(c.url, 'GET', '/api/slo');
    // 20 lags: 50 ms × 9, 100, 200, 300, 400 (s1), 1000, 2000, 3000 (sentAt), 4000, 5000, 6000 (s2), 10000.
    expect(r.body.ingestionLag).toEqual({
      p50Ms: 100,
      p95Ms: 6_000,
      events: 20,
      window: { from: NOW - 60 * MIN, to: NOW, ms: 60 * MIN },
      target: { medianBelowMs: 5_000 },
      met: true,
    });
    expect(r.body.computedAt).toBe(NOW);
  });

  it('shows the figures as gauges in /metrics', async () => {
    const text = (await send(c.url, 'GET', '/metrics')).body as string;
    expect(text).toContain(`waymark_event_loss_ratio ${1 / 7}`);
    expect(text).toContain('waymark_ingestion_lag_seconds{quantile="0.5"} 0.1');
    expect(text).toContain('waymark_ingestion_lag_seconds{quantile="0.95"} 6');
  });

  it('computes at most once per period: figures are cached for 5 s of the clock', async () => {
    await send(c.url, 'POST', '/api/events/batch', { events: [ui('s3', 1, 0), ui('s3', 4, 0)] });
    expect((await send(c.url, 'GET', '/api/slo')).body.eventLoss.missing).toBe(1);
    clock = NOW + 5_000;
    const fresh = (await send(c.url, 'GET', '/api/slo')).body;
    expect(fresh.eventLoss).toMatchObject({ sessions: 3, expected: 11, received: 8, missing: 3 });
    expect(fresh.computedAt).toBe(NOW + 5_000);
  });

  it('refuses parameters it does not take', async () => {
    const r = await send(c.url, 'GET', '/api/slo?window=1h');
    expect(r.status).toBe(400);
    expect(r.body.error.errors[0]).toMatchObject({ path: 'window', rule: 'unknown_key' });
  });
});

describe('SLO figures without data', () => {
  it('answers null figures, a zero loss gauge and no lag series', async () => {
    const empty = await testCollector({ sweepIntervalMs: 0, dailySummaryAt: false });
    try {
      const r = await send(empty.url, 'GET', '/api/slo');
      expect(r.body.eventLoss).toMatchObject({ ratio: null, sessions: 0, expected: 0, met: null });
      expect(r.body.ingestionLag).toMatchObject({ p50Ms: null, p95Ms: null, events: 0, met: null });
      const text = (await send(empty.url, 'GET', '/metrics')).body as string;
      expect(text).toContain('waymark_event_loss_ratio 0');
      expect(text).not.toContain('waymark_ingestion_lag_seconds{');
    } finally {
      await empty.stop();
    }
  });
});
