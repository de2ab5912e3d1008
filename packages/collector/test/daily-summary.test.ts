import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { send, testCollector } from './helpers.js';

/**
 * A hand-checked data set in Asia/Seoul (UTC+9): the day 2026-11-20 runs from
 * 2026-11-19T15:00Z to 2026-11-20T15:00Z. Three kiosks: A and B with sessions,
 * purchases in two payment methods (and a second currency), metrics and errors;
 * C with nothing but an error that day and a session days before.
 */
const at = (s: string) => Date.parse(s);
const NOW = at('2026-11-22T03:00:00Z');
const STAGES = ['attract', 'select', 'payment', 'print'];
const timing = (stages: string[]) => stages.map((stage, i) => ({ stage, enteredAt: at('2026-11-20T00:00:00Z') + i, exitedAt: null }));
const behavior = (totalTaps: number, totalScrolls: number, selectionChanges: number) => ({ totalTaps, totalScrolls, selectionChanges, screenDurations: {} });

const session = (sessionId: string, deviceId: string, startedAt: string, status: string, extra: Record<string, unknown> = {}) => ({
  kind: 'session',
  sessionId,
  deviceId,
  startedAt: at(startedAt),
  status,
  ...extra,
});
const funnel = (reached: number, stages: string[], exitStage: string | null) => ({ reached, total: STAGES.length, exitStage, stages: timing(stages) });
const purchase = (eventId: string, deviceId: string, timestamp: string, paymentMethod: string, net: number, currency = 'KRW') => ({
  kind: 'purchase',
  eventId,
  sessionId: `${deviceId}-s`,
  deviceId,
  amounts: { gross: net * 1.1, discount: 0, tax: net * 0.1, net },
  currency,
  paymentMethod,
  timestamp: at(timestamp),
});
const metric = (eventId: string, deviceId: string, metricType: string, durationMs: number, timestamp: string, success = true) => ({
  kind: 'performance',
  eventId,
  deviceId,
  metricType,
  durationMs,
  success,
  timestamp: at(timestamp),
});
const error = (eventId: string, deviceId: string, severity: string, category: string, timestamp: string) => ({
  kind: 'error',
  eventId,
  deviceId,
  severity,
  category,
  message: 'x',
  timestamp: at(timestamp),
});

const ITEMS = [
  // kiosk-A: A0 is on the 19th (23:59 KST), A1 and A2 on the 20th (00:30 and 23:59:59.999 KST), A3 on the 21st (00:00 KST).
  session('A0', 'kiosk-A', '2026-11-19T14:59:59.999Z', 'timeout', { storeId: 'store-0' }),
  session('A1', 'kiosk-A', '2026-11-19T15:30:00Z', 'completed', {
    storeId: 'store-0',
    groupId: 'g-0',
    countryCode: 'KR',
    funnel: funnel(4, STAGES, 'print'),
    behavior: behavior(10, 2, 3),
  }),
  session('A2', 'kiosk-A', '2026-11-20T14:59:59.999Z', 'cancelled', {
    storeId: 'store-1',
    groupId: 'g-1',
    countryCode: 'KR',
    funnel: funnel(2, ['attract', 'select', 'attract', 'select'], 'select'),
    behavior: behavior(4, 0, 1),
  }),
  session('A3', 'kiosk-A', '2026-11-20T15:00:00Z', 'completed', { storeId: 'store-2', countryCode: 'KR', funnel: funnel(1, ['attract'], 'attract') }),
  // kiosk-B: two sessions on the 20th.
  session('B1', 'kiosk-B', '2026-11-20T01:00:00Z', 'timeout', { storeId: 'store-9', countryCode: 'JP', funnel: funnel(3, ['attract', 'select', 'payment'], 'payment') }),
  session('B2', 'kiosk-B', '2026-11-20T02:00:00Z', 'completed', {
    storeId: 'store-9',
    groupId: 'g-9',
    countryCode: 'JP',
    funnel: funnel(4, STAGES, 'print'),
    behavior: behavior(2, 1, 0),
  }),
  // kiosk-C: a session on the 18th only.
  session('C0', 'kiosk-C', '2026-11-18T05:00:00Z', 'completed', { storeId: 'store-5', groupId: 'g-5', countryCode: 'KR' }),

  purchase('P1', 'kiosk-A', '2026-11-20T01:00:00Z', 'card', 5_000),
  purchase('P2', 'kiosk-A', '2026-11-20T03:00:00Z', 'cash', 4_000),
  purchase('P3', 'kiosk-A', '2026-11-20T14:59:59.999Z', 'card', 3_000),
  purchase('P4', 'kiosk-A', '2026-11-20T15:00:00Z', 'card', 7_000), // the 21st
  purchase('P5', 'kiosk-A', '2026-11-20T05:00:00Z', 'card', 12.5, 'USD'),
  purchase('P6', 'kiosk-B', '2026-11-20T02:30:00Z', 'cash', 6_000),

  ...[400, 100, 1_000, 300, 200].map((ms, i) => metric(`print-${i}`, 'kiosk-A', 'print', ms, '2026-11-20T04:00:00Z', ms !== 1_000)),
  metric('print-late', 'kiosk-A', 'print', 99_999, '2026-11-20T15:00:00Z'), // the 21st
  metric('capture-0', 'kiosk-A', 'capture', 70, '2026-11-20T04:00:00Z'),
  metric('capture-1', 'kiosk-A', 'capture', 50, '2026-11-20T04:00:01Z'),
  ...Array.from({ length: 20 }, (_, i) => metric(`pay-${i}`, 'kiosk-B', 'payment', (20 - i) * 10, '2026-11-20T06:00:00Z')),

  error('E1', 'kiosk-A', 'error', 'hardware', '2026-11-20T07:00:00Z'),
  error('E2', 'kiosk-A', 'warning', 'network', '2026-11-20T08:00:00Z'),
  error('E3', 'kiosk-A', 'fatal', 'software', '2026-11-19T14:00:00Z'), // the 19th (23:00 KST)
  error('E4', 'kiosk-C', 'error', 'software', '2026-11-20T06:00:00Z'),
];

const STATUSES = (counts: Record<string, number>) => ({ active: 0, completed: 0, cancelled: 0, timeout: 0, error: 0, ...counts });
const SEVERITIES = (counts: Record<string, number>) => ({ fatal: 0, error: 0, warning: 0, info: 0, ...counts });
const CATEGORIES = (counts: Record<string, number>) => ({ hardware: 0, software: 0, network: 0, ...counts });

/** The summaries of 2026-11-20, computed by hand. */
const EXPECTED_20 = {
  'kiosk-A': {
    date: '2026-11-20',
    deviceId: 'kiosk-A',
    timeZone: 'Asia/Seoul',
    // A2 is the latest session started before the 21st.
    storeId: 'store-1',
    groupId: 'g-1',
    countryCode: 'KR',
    sessions: { total: 2, byStatus: STATUSES({ completed: 1, cancelled: 1 }) },
    funnel: {
      stages: [
        { stage: 'attract', sessions: 2 },
        { stage: 'select', sessions: 2 },
        { stage: 'payment', sessions: 1 },
        { stage: 'print', sessions: 1 },
      ],
      reached: [2, 2, 1, 1],
      exitStages: [
        { stage: 'print', sessions: 1 },
        { stage: 'select', sessions: 1 },
      ],
    },
    conversionRate: 0.5,
    behavior: { sessions: 2, totalTaps: 14, totalScrolls: 2, selectionChanges: 4 },
    revenue: {
      purchases: 4,
      byCurrency: [
        { currency: 'KRW', purchases: 3, net: 12_000 },
        { currency: 'USD', purchases: 1, net: 12.5 },
      ],
      byPaymentMethod: [
        { paymentMethod: 'card', currency: 'KRW', purchases: 2, net: 8_000 },
        { paymentMethod: 'cash', currency: 'KRW', purchases: 1, net: 4_000 },
        { paymentMethod: 'card', currency: 'USD', purchases: 1, net: 12.5 },
      ],
    },
    performance: {
      capture: { count: 2, failed: 0, p50Ms: 50, p95Ms: 70, p99Ms: 70 },
      print: { count: 5, failed: 1, p50Ms: 300, p95Ms: 1_000, p99Ms: 1_000 },
    },
    errors: { total: 2, bySeverity: SEVERITIES({ error: 1, warning: 1 }), byCategory: CATEGORIES({ hardware: 1, network: 1 }) },
    aggregatedAt: NOW,
  },
  'kiosk-B': {
    date: '2026-11-20',
    deviceId: 'kiosk-B',
    timeZone: 'Asia/Seoul',
    storeId: 'store-9',
    groupId: 'g-9',
    countryCode: 'JP',
    sessions: { total: 2, byStatus: STATUSES({ completed: 1, timeout: 1 }) },
    funnel: {
      stages: [
        { stage: 'attract', sessions: 2 },
        { stage: 'payment', sessions: 2 },
        { stage: 'select', sessions: 2 },
        { stage: 'print', sessions: 1 },
      ],
      reached: [2, 2, 2, 1],
      exitStages: [
        { stage: 'payment', sessions: 1 },
        { stage: 'print', sessions: 1 },
      ],
    },
    conversionRate: 0.5,
    behavior: { sessions: 1, totalTaps: 2, totalScrolls: 1, selectionChanges: 0 },
    revenue: { purchases: 1, byCurrency: [{ currency: 'KRW', purchases: 1, net: 6_000 }], byPaymentMethod: [{ paymentMethod: 'cash', currency: 'KRW', purchases: 1, net: 6_000 }] },
    // 10, 20 … 200 ms: the 10th, 19th and 20th smallest.
    performance: { payment: { count: 20, failed: 0, p50Ms: 100, p95Ms: 190, p99Ms: 200 } },
    errors: { total: 0, bySeverity: SEVERITIES({}), byCategory: CATEGORIES({}) },
    aggregatedAt: NOW,
  },
  'kiosk-C': {
    date: '2026-11-20',
    deviceId: 'kiosk-C',
    timeZone: 'Asia/Seoul',
    storeId: 'store-5',
    groupId: 'g-5',
    countryCode: 'KR',
    sessions: { total: 0, byStatus: STATUSES({}) },
    funnel: { stages: [], reached: [], exitStages: [] },
    conversionRate: null,
    behavior: { sessions: 0, totalTaps: 0, totalScrolls: 0, selectionChanges: 0 },
    revenue: { purchases: 0, byCurrency: [], byPaymentMethod: [] },
    performance: {},
    errors: { total: 1, bySeverity: SEVERITIES({ error: 1 }), byCategory: CATEGORIES({ software: 1 }) },
    aggregatedAt: NOW,
  },
};

let c: Awaited<ReturnType<typeof testCollector>>;
beforeAll(async () => {
  c = await testCollector({ now: () => NOW, dailySummaryAt: false, sweepIntervalMs: 0, sessionTimeoutMs: 0 });
  const r = await send(c.url, 'POST', '/api/batch', { sdk: { name: 'test', version: '1' }, items: ITEMS });
  expect(r.body).toMatchObject({ accepted: ITEMS.length, rejected: [] });
});
afterAll(() => c.stop());

describe('daily summary', () => {
  it('aggregates a day per device with the figures computed by hand, and answers the rows written', async () => {
    const r = await send(c.url, 'POST', '/api/daily-summary/aggregate', { date: '2026-11-20' });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ date: '2026-11-20', timeZone: 'Asia/Seoul', from: at('2026-11-19T15:00:00Z'), to: at('2026-11-20T15:00:00Z') });
    expect(r.body.items).toEqual([EXPECTED_20['kiosk-A'], EXPECTED_20['kiosk-B'], EXPECTED_20['kiosk-C']]);
    const one = await send(c.url, 'GET', '/api/daily-summary/2026-11-20/kiosk-B');
    expect(one.status).toBe(200);
    expect(one.body).toEqual(EXPECTED_20['kiosk-B']);
  });

  it('puts records on the far side of midnight in the next day', async () => {
    const r = await send(c.url, 'POST', '/api/daily-summary/aggregate', { date: '2026-11-21' });
    expect(r.body.items).toHaveLength(1);
    expect(r.body.items[0]).toMatchObject({
      deviceId: 'kiosk-A',
      storeId: 'store-2',
      groupId: null,
      sessions: { total: 1, byStatus: STATUSES({ completed: 1 }) },
      conversionRate: 1,
      revenue: { purchases: 1, byCurrency: [{ currency: 'KRW', purchases: 1, net: 7_000 }] },
      performance: { print: { count: 1, failed: 0, p50Ms: 99_999, p95Ms: 99_999, p99Ms: 99_999 } },
      errors: { total: 0 },
    });
    const before = await send(c.url, 'POST', '/api/daily-summary/aggregate', { date: '2026-11-19' });
    expect(before.body.items.map((s: any) => [s.deviceId, s.sessions.total, s.errors.bySeverity.fatal, s.storeId])).toEqual([['kiosk-A', 1, 1, 'store-0']]);
  });

  it('gives the same rows when a day is aggregated again, replacing them rather than adding', async () => {
    const again = await send(c.url, 'POST', '/api/daily-summary/aggregate', { date: '2026-11-20' });
    expect(again.body.items).toEqual([EXPECTED_20['kiosk-A'], EXPECTED_20['kiosk-B'], EXPECTED_20['kiosk-C']]);
    const listed = await send(c.url, 'GET', '/api/daily-summary?from=2026-11-20&to=2026-11-20');
    expect(listed.body.items.map((s: any) => s.deviceId)).toEqual(['kiosk-C', 'kiosk-B', 'kiosk-A']);
    expect(listed.body.items).toEqual([EXPECTED_20['kiosk-C'], EXPECTED_20['kiosk-B'], EXPECTED_20['kiosk-A']]);
  });

  it('takes records that arrived since into a re-run', async () => {
    await send(c.url, 'POST', '/api/batch', { sdk: { name: 'test', version: '1' }, items: [purchase('P7', 'kiosk-B', '2026-11-20T09:00:00Z', 'card', 1_500)] });
    const r = await send(c.url, 'POST', '/api/daily-summary/aggregate', { date: '2026-11-20' });
    expect(r.body.items[1].revenue).toEqual({
      purchases: 2,
      byCurrency: [{ currency: 'KRW', purchases: 2, net: 7_500 }],
      byPaymentMethod: [
        { paymentMethod: 'cash', currency: 'KRW', purchases: 1, net: 6_000 },
        { paymentMethod: 'card', currency: 'KRW', purchases: 1, net: 1_500 },
      ],
    });
    const stored = await send(c.url, 'GET', '/api/daily-summary/2026-11-20/kiosk-B');
    expect(stored.body.revenue.purchases).toBe(2);
    expect((await send(c.url, 'GET', '/api/daily-summary?deviceId=kiosk-B')).body.items).toHaveLength(1);
  });

  it('lists newest day first, filtered by place and device, page by page', async () => {
    const byStore = await send(c.url, 'GET', '/api/daily-summary?storeId=store-1');
    expect(byStore.body.items.map((s: any) => [s.date, s.deviceId])).toEqual([['2026-11-20', 'kiosk-A']]);
    const byCountry = await send(c.url, 'GET', '/api/daily-summary?countryCode=JP');
    expect(byCountry.body.items.map((s: any) => s.deviceId)).toEqual(['kiosk-B']);
    expect((await send(c.url, 'GET', '/api/daily-summary?groupId=g-5')).body.items.map((s: any) => s.deviceId)).toEqual(['kiosk-C']);
    const pages: string[][] = [];
    let cursor: string | null = null;
    do {
      const page: any = await send(c.url, 'GET', `/api/daily-summary?limit=2${cursor ? `&cursor=${cursor}` : ''}`);
      pages.push(page.body.items.map((s: any) => `${s.date} ${s.deviceId}`));
      cursor = page.body.nextCursor;
    } while (cursor);
    expect(pages).toEqual([
      ['2026-11-21 kiosk-A', '2026-11-20 kiosk-C'],
      ['2026-11-20 kiosk-B', '2026-11-20 kiosk-A'],
      ['2026-11-19 kiosk-A'],
    ]);
    const days = await send(c.url, 'GET', '/api/daily-summary?from=2026-11-21');
    expect(days.body.items.map((s: any) => s.date)).toEqual(['2026-11-21']);
  });

  it('answers 404 for a day and device without a summary, and names bad input', async () => {
    const missing = await send(c.url, 'GET', '/api/daily-summary/2026-11-20/kiosk-Z');
    expect(missing.status).toBe(404);
    expect(missing.body.error.errors[0]).toMatchObject({ path: 'deviceId', rule: 'exists' });
    const badPath = await send(c.url, 'GET', '/api/daily-summary/20261120/kiosk-A');
    expect(badPath.status).toBe(400);
    expect(badPath.body.error.errors[0]).toMatchObject({ path: 'date', rule: 'pattern' });
    const badBody = await send(c.url, 'POST', '/api/daily-summary/aggregate', { date: '2026-02-30', extra: 1 });
    expect(badBody.status).toBe(400);
    expect(badBody.body.error.errors.map((e: any) => [e.path, e.rule])).toEqual([
      ['date', 'date'],
      ['extra', 'unknown_key'],
    ]);
    const badQuery = await send(c.url, 'GET', '/api/daily-summary?from=2026-11-21&to=2026-11-20&cursor=zzz');
    expect(badQuery.status).toBe(400);
    expect(badQuery.body.error.errors[0]).toMatchObject({ path: 'from', rule: 'order' });
    const badCursor = await send(c.url, 'GET', '/api/daily-summary?cursor=zzz');
    expect(badCursor.status).toBe(400);
    expect(badCursor.body.error.errors[0]).toMatchObject({ path: 'cursor', rule: 'cursor' });
  });
});

describe('daily summary storage', () => {
  it('drops from a date the devices that a new set of rows leaves out', async () => {
    const before = (await send(c.url, 'GET', '/api/daily-summary?from=2026-11-20&to=2026-11-20')).body.items;
    expect(before).toHaveLength(3);
    await c.store.replaceDailySummaries('2026-11-20', [before[2]]);
    const after = (await send(c.url, 'GET', '/api/daily-summary?from=2026-11-20&to=2026-11-20')).body.items;
    expect(after.map((s: any) => s.deviceId)).toEqual(['kiosk-A']);
    expect((await send(c.url, 'GET', '/api/daily-summary/2026-11-20/kiosk-C')).status).toBe(404);
    expect((await send(c.url, 'GET', '/api/daily-summary/2026-11-21/kiosk-A')).status).toBe(200); // other dates untouched
  });
});

describe('daily summary access and schedule', () => {
  it('makes the aggregate route need the admin key: the write key gets 403', async () => {
    const keys = { writeKey: 'write-key-0123456789abcdef', adminKey: 'admin-key-0123456789abcdef' };
    const k = await testCollector({ ...keys, dailySummaryAt: false, sweepIntervalMs: 0 });
    try {
      const asWriter = await send(k.url, 'POST', '/api/daily-summary/aggregate', { date: '2026-11-20' }, { authorization: `Bearer ${keys.writeKey}` });
      expect(asWriter.status).toBe(403);
      expect(asWriter.body.error.errors[0]).toMatchObject({ path: 'authorization', rule: 'scope' });
      const asAdmin = await send(k.url, 'POST', '/api/daily-summary/aggregate', { date: '2026-11-20' }, { authorization: `Bearer ${keys.adminKey}` });
      expect(asAdmin.status).toBe(200);
      expect(asAdmin.body.items).toEqual([]);
      expect((await send(k.url, 'GET', '/api/daily-summary', undefined, { authorization: `Bearer ${keys.writeKey}` })).status).toBe(403);
    } finally {
      await k.stop();
    }
  });

  it("computes yesterday's summaries by itself at dailySummaryAt in the collector's time zone", async () => {
    // A clock that reads 00:04:58.5 in Europe/Berlin on 2026-11-21 now and runs on from there.
    const skew = at('2026-11-20T23:04:58.500Z') - Date.now();
    const k = await testCollector({ now: () => Date.now() + skew, timeZone: 'Europe/Berlin', sweepIntervalMs: 0, sessionTimeoutMs: 0 });
    try {
      const items = [session('Z1', 'kiosk-Z', '2026-11-20T22:59:00Z', 'completed'), session('Z2', 'kiosk-Z', '2026-11-20T23:01:00Z', 'completed')];
      expect((await send(k.url, 'POST', '/api/batch', { sdk: { name: 'test', version: '1' }, items })).body.accepted).toBe(2);
      let summary: any;
      for (let i = 0; i < 100 && !summary; i++) {
        await new Promise((r) => setTimeout(r, 50));
        const r = await send(k.url, 'GET', '/api/daily-summary/2026-11-20/kiosk-Z');
        if (r.status === 200) summary = r.body;
      }
      // 23:59 CET on the 20th is in; 00:01 CET on the 21st is not.
      expect(summary).toMatchObject({ date: '2026-11-20', timeZone: 'Europe/Berlin', sessions: { total: 1 } });
      expect((await send(k.url, 'GET', '/api/daily-summary?from=2026-11-21')).body.items).toEqual([]);
    } finally {
      await k.stop();
    }
  });
});
