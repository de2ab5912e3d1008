import type { ErrorReport, PerformanceMetric, ProgressEvent, Purchase, Session, UiEvent } from '@waymark/protocol/types';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DailySummary, PreparedItem, Store } from '../src/store/index.js';

const D = Date.UTC(2026, 10, 20);
const H = 3_600_000;
type Rec<T> = T & { eventId: string };

const progress = (eventId: string, traceId: string, timestamp: number, extra: Partial<ProgressEvent> = {}, receivedAt = D): PreparedItem => ({
  kind: 'progress',
  record: { traceId, service: 'LOAN', step: 'REVIEWED', status: 'SUCCESS', timestamp, eventId, ...extra } as Rec<ProgressEvent>,
  receivedAt,
});
const ui = (sessionId: string, sequenceNo: number, receivedAt: number, timestamp = receivedAt, derivedTimestamp?: number): PreparedItem => ({
  kind: 'ui_event',
  record: { eventId: `${sessionId}-${sequenceNo}`, sessionId, sequenceNo, deviceId: 'd', eventType: 'tap', timestamp } as Rec<UiEvent>,
  receivedAt,
  ...(derivedTimestamp !== undefined ? { derivedTimestamp } : {}),
});
const session = (sessionId: string, deviceId: string, startedAt: number, extra: Partial<Session> = {}): PreparedItem => ({
  kind: 'session',
  record: { eventId: `rev-${sessionId}`, sessionId, deviceId, startedAt, status: 'completed', ...extra } as Rec<Session>,
  receivedAt: D,
});
const summary = (date: string, deviceId: string, storeId: string | null): DailySummary =>
  ({ date, deviceId, timeZone: 'UTC', storeId, groupId: null, countryCode: null, aggregatedAt: D }) as unknown as DailySummary;

/**
 * What every Store engine must answer for the analytics (bottlenecks, daily
 * summaries, SLO figures). Run it with a factory giving a fresh, empty store.
 */
export function describeAnalyticsStoreContract(engine: string, open: () => Promise<{ store: Store; dispose: () => Promise<void> }>) {
  describe(`Store contract, analytics: ${engine}`, () => {
    let store: Store;
    let dispose: () => Promise<void>;
    beforeAll(async () => {
      ({ store, dispose } = await open());
    });
    afterAll(() => dispose());

    it("answers bottlenecks over one service's events in a timestamp range, equal timestamps in arrival order", async () => {
      await store.ingest([
        progress('b2', 'b', D + 2),
        progress('a1', 'a', D + 1, { step: 'DROPPED', status: 'DROPPED', reason: 'TIMEOUT', meta: { lastStep: 'DATA_COLLECTED' } }),
        progress('b1', 'b', D + 1, { step: 'FORM_SUBMITTED', meta: { lastStep: 7 } }),
        progress('b0', 'b', D + 1, { step: 'IDENTITY_VERIFIED' }),
        progress('x', 'x', D + 1, { service: 'SIGNUP' }),
        progress('late', 'a', D + 10),
      ]);
      const report = await store.bottlenecks({ service: 'LOAN', from: D, to: D + 2, timeZone: 'UTC' });
      // b: FORM_SUBMITTED then IDENTITY_VERIFIED (same timestamp, arrival order), then REVIEWED; a: only a drop marker.
      expect(report.traces).toBe(1);
      expect(report.steps.map((s) => [s.step, s.traces, s.samples, s.p50MsToNext])).toEqual([
        ['FORM_SUBMITTED', 1, 1, 0],
        ['IDENTITY_VERIFIED', 1, 1, 1],
        ['REVIEWED', 1, 0, null],
      ]);
      expect(report.heatmap.events.map((row) => row[0])).toEqual([1, 1, 1]);
    });

    it("reads a day's records in [from, to) and each device's latest session before a time", async () => {
      await store.ingest([
        session('s-in', 'k1', D, { storeId: 'st-1', funnel: { reached: 1, stages: [] }, behavior: { totalTaps: 1, totalScrolls: 0, selectionChanges: 0, screenDurations: {} } }),
        session('s-out', 'k1', D + 24 * H, { storeId: 'st-2' }),
        session('s-old', 'k2', D - 48 * H, { storeId: 'st-9', groupId: 'g', countryCode: 'KR' }),
        { kind: 'purchase', record: { eventId: 'p1', sessionId: 's-in', deviceId: 'k1', amounts: { gross: 2, discount: 0, tax: 0, net: 2 }, currency: 'KRW', paymentMethod: 'card', timestamp: D + 24 * H - 1 } as Rec<Purchase>, receivedAt: D },
        { kind: 'purchase', record: { eventId: 'p2', sessionId: 's-out', deviceId: 'k1', amounts: { gross: 3, discount: 0, tax: 0, net: 3 }, currency: 'KRW', paymentMethod: 'card', timestamp: D + 24 * H } as Rec<Purchase>, receivedAt: D },
        { kind: 'performance', record: { eventId: 'm1', deviceId: 'k2', metricType: 'print', durationMs: 12, success: false, timestamp: D + H } as Rec<PerformanceMetric>, receivedAt: D },
        { kind: 'error', record: { eventId: 'e1', deviceId: 'k3', severity: 'info', category: 'network', message: 'm', timestamp: D } as Rec<ErrorReport>, receivedAt: D },
        { kind: 'error', record: { eventId: 'e0', deviceId: 'k3', severity: 'info', category: 'network', message: 'm', timestamp: D - 1 } as Rec<ErrorReport>, receivedAt: D },
      ]);
      const day = await store.dailyRecords({ from: D, to: D + 24 * H });
      expect(day.sessions).toEqual([{ deviceId: 'k1', status: 'completed', funnel: { reached: 1, stages: [] }, behavior: { totalTaps: 1, totalScrolls: 0, selectionChanges: 0, screenDurations: {} } }]);
      expect(day.purchases).toEqual([{ deviceId: 'k1', paymentMethod: 'card', currency: 'KRW', net: 2 }]);
      expect(day.performance).toEqual([{ deviceId: 'k2', metricType: 'print', durationMs: 12, success: false }]);
      expect(day.errors).toEqual([{ deviceId: 'k3', severity: 'info', category: 'network' }]);
      const places = await store.devicePlaces(['k1', 'k2', 'k3'], D + 24 * H);
      expect([...places]).toEqual([
        ['k1', { storeId: 'st-1', groupId: null, countryCode: null }],
        ['k2', { storeId: 'st-9', groupId: 'g', countryCode: 'KR' }],
      ]);
    });

    it("replaces a date's summaries as a whole, and lists them newest date first with filters and a cursor", async () => {
      await store.replaceDailySummaries('2026-11-19', [summary('2026-11-19', 'k1', 'st-1')]);
      await store.replaceDailySummaries('2026-11-20', [summary('2026-11-20', 'k1', 'st-1'), summary('2026-11-20', 'k2', null)]);
      await store.replaceDailySummaries('2026-11-20', [summary('2026-11-20', 'k2', 'st-2'), summary('2026-11-20', 'k3', 'st-1')]);
      expect(await store.getDailySummary('2026-11-20', 'k1')).toBeUndefined();
      expect(await store.getDailySummary('2026-11-20', 'k2')).toMatchObject({ storeId: 'st-2' });
      const keys = (page: { items: DailySummary[] }) => page.items.map((s) => `${s.date}/${s.deviceId}`);
      const first = await store.listDailySummaries({ limit: 2 });
      expect(keys(first)).toEqual(['2026-11-20/k3', '2026-11-20/k2']);
      expect(keys(await store.listDailySummaries({ limit: 2, cursor: first.nextCursor! }))).toEqual(['2026-11-19/k1']);
      expect(keys(await store.listDailySummaries({ limit: 10, storeId: 'st-1' }))).toEqual(['2026-11-20/k3', '2026-11-19/k1']);
      expect(keys(await store.listDailySummaries({ limit: 10, to: '2026-11-19' }))).toEqual(['2026-11-19/k1']);
      expect(keys(await store.listDailySummaries({ limit: 10, from: '2026-11-20', deviceId: 'k2' }))).toEqual(['2026-11-20/k2']);
    });

    it('sums sequence coverage over the sessions with a UI event received since a time, all their events counted', async () => {
      await store.ingest([ui('old', 1, D - 10 * H), ui('old', 4, D - 10 * H)]);
      await store.ingest([ui('s', 1, D - 5 * H), ui('s', 0, D - 5 * H)]);
      await store.ingest([ui('s', 3, D - H), ui('t', 2, D - H)]);
      expect(await store.uiSequenceCoverage(D - 2 * H)).toEqual({ sessions: 2, expected: 5, received: 3 });
      expect(await store.uiSequenceCoverage(D)).toEqual({ sessions: 0, expected: 0, received: 0 });
    });

    it('gives receivedAt minus the derived timestamp, else the timestamp, of progress and UI events received since a time', async () => {
      await store.ingest([ui('lag', 1, D + 5 * H, D + 5 * H - 700, D + 5 * H - 300), ui('lag', 2, D + 5 * H, D + 5 * H - 900)]);
      await store.ingest([progress('lag-p', 'p', D + 6 * H - 40, {}, D + 6 * H)]);
      expect((await store.ingestionLags(D + 5 * H)).sort((a, b) => a - b)).toEqual([40, 300, 900]);
    });
  });
}
