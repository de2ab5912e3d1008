import type { ProgressEvent, Session } from '@waymark/protocol/types';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PreparedItem, Store } from '../src/store/index.js';
import { T0 } from './helpers.js';

/** A progress event of a journey, as the contract's journey tests send it. */
const step = (traceId: string, step: string, timestamp: number, eventId: string, receivedAt = T0, extra: Partial<ProgressEvent> = {}): PreparedItem => ({
  kind: 'progress',
  record: { traceId, service: 'LOAN', step, status: 'SUCCESS', timestamp, eventId, ...extra } as ProgressEvent & { eventId: string },
  receivedAt,
});

const prepared = (i: number, eventId = `c-${i}`): PreparedItem => ({
  kind: 'progress',
  record: { traceId: `tr-${i % 7}`, service: 'SIGNUP', step: 'FORM_SUBMITTED', status: 'SUCCESS', timestamp: T0 + i, eventId } as ProgressEvent & { eventId: string },
  receivedAt: T0 + 1_000,
});

/**
 * The behaviour every Store engine must show. Run it against each engine with a
 * factory that gives a fresh, empty store.
 */
export function describeStoreContract(engine: string, open: () => Promise<{ store: Store; dispose: () => Promise<void> }>) {
  describe(`Store contract: ${engine}`, () => {
    let store: Store;
    let dispose: () => Promise<void>;
    beforeAll(async () => {
      ({ store, dispose } = await open());
    });
    afterAll(() => dispose());

    it('stores each eventId once, also when the copies arrive in concurrent writes', async () => {
      const writes = Array.from({ length: 60 }, (_, w) => store.ingest(Array.from({ length: 20 }, (_, i) => prepared((w * 7 + i) % 200))));
      const outcomes = (await Promise.all(writes)).flat();
      expect(outcomes.filter((o) => o === 'accepted')).toHaveLength(new Set(Array.from({ length: 60 }, (_, w) => Array.from({ length: 20 }, (_, i) => (w * 7 + i) % 200)).flat()).size);
      const all = await store.listProgress({ limit: 1000, service: 'SIGNUP' });
      const ids = all.items.map((e) => e.eventId);
      expect(new Set(ids).size).toBe(ids.length);
      expect(ids.length).toBe(outcomes.filter((o) => o === 'accepted').length);
    });

    it('fails a write alone: the other writes of the same commit group are kept', async () => {
      // A record with no traceId breaks a NOT NULL column; the validator normally stops it first.
      const broken = { ...prepared(5_000, 'broken'), record: { ...prepared(5_000).record, traceId: null } } as unknown as PreparedItem;
      const writes = [
        store.ingest([prepared(5_001, 'group-a')]),
        store.ingest([broken, prepared(5_002, 'same-job-as-broken')]),
        store.ingest([prepared(5_003, 'group-b')]),
      ];
      const settled = await Promise.allSettled(writes);
      expect(settled.map((s) => s.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
      expect(await store.getRecord('progress', 'group-a')).toBeDefined();
      expect(await store.getRecord('progress', 'group-b')).toBeDefined();
      // The failed write is all or nothing: its valid row was not stored either.
      expect(await store.getRecord('progress', 'same-job-as-broken')).toBeUndefined();
    });

    it('answers an ingest only after its rows are readable', async () => {
      const [outcome] = await store.ingest([prepared(1, 'visible-at-once')]);
      expect(outcome).toBe('accepted');
      expect(await store.getRecord('progress', 'visible-at-once')).toMatchObject({ traceId: 'tr-1', receivedAt: T0 + 1_000 });
    });

    it('keeps rejected input with its reasons', async () => {
      await store.quarantine([{ receivedAt: T0, route: '/api/batch', kind: 'progress', index: 4, errors: [{ path: 'status', rule: 'enum', message: 'x' }], body: '{"status":"?"}' }]);
      const page = await store.listRejected({ limit: 10 });
      expect(page.items[0]).toMatchObject({ route: '/api/batch', kind: 'progress', index: 4, errors: [{ path: 'status', rule: 'enum' }] });
    });

    it('purges what arrived before the cutoff and keeps what came later', async () => {
      await store.ingest([{ ...prepared(900, 'newer'), receivedAt: T0 + 5_000 }]);
      const before = (await store.listProgress({ limit: 1000 })).items.length;
      const deleted = await store.purgeBefore(T0 + 2_000);
      expect(deleted).toBe(before - 1 + 1); // every older event, and the quarantined row
      expect(await store.getRecord('progress', 'visible-at-once')).toBeUndefined();
      expect(await store.getRecord('progress', 'newer')).toBeDefined();
      expect((await store.listRejected({ limit: 10 })).items).toEqual([]);
    });

    describe('journeys', () => {
      let store: Store;
      let dispose: () => Promise<void>;
      beforeAll(async () => {
        ({ store, dispose } = await open());
      });
      afterAll(() => dispose());

      it('keeps each journey at its latest event by timestamp, whatever the arrival order, with its dwell per step', async () => {
        const events = (trace: string) => [
          step(trace, 'IDENTITY_VERIFIED', T0, `${trace}-1`, T0 + 10),
          step(trace, 'DATA_COLLECTED', T0 + 4_000, `${trace}-2`, T0 + 20),
          step(trace, 'FORM_SUBMITTED', T0 + 6_000, `${trace}-3`, T0 + 30),
          step(trace, 'DATA_COLLECTED', T0 + 7_000, `${trace}-4`, T0 + 40),
          step(trace, 'REVIEWED', T0 + 10_000, `${trace}-5`, T0 + 50),
        ];
        await store.ingest(events('in-order'));
        // Shuffled, and split over three commits.
        const [a, b, c, d, e] = events('shuffled');
        await store.ingest([e!, b!]);
        await store.ingest([d!]);
        await store.ingest([a!, c!]);
        const expected = {
          service: 'LOAN',
          step: 'REVIEWED',
          status: 'SUCCESS',
          firstTimestamp: T0,
          lastTimestamp: T0 + 10_000,
          eventCount: 5,
          dwellMs: { IDENTITY_VERIFIED: 4_000, DATA_COLLECTED: 2_000 + 3_000, FORM_SUBMITTED: 1_000 },
          terminal: false,
        };
        expect(await store.getTrace('in-order')).toMatchObject({ traceId: 'in-order', lastEventId: 'in-order-5', firstReceivedAt: T0 + 10, lastReceivedAt: T0 + 50, ...expected });
        expect(await store.getTrace('shuffled')).toMatchObject({ traceId: 'shuffled', lastEventId: 'shuffled-5', ...expected });
        expect((await store.traceEvents('shuffled')).map((x) => x.eventId)).toEqual(['shuffled-1', 'shuffled-2', 'shuffled-3', 'shuffled-4', 'shuffled-5']);
        expect(await store.getTrace('no-such-trace')).toBeUndefined();
      });

      it('orders events with equal timestamps by arrival, and a replayed event changes nothing', async () => {
        await store.ingest([step('tie', 'DATA_COLLECTED', T0, 'tie-1'), step('tie', 'FORM_SUBMITTED', T0, 'tie-2')]);
        await store.ingest([step('tie', 'DATA_COLLECTED', T0, 'tie-1')]);
        expect(await store.getTrace('tie')).toMatchObject({ step: 'FORM_SUBMITTED', eventCount: 2, dwellMs: { DATA_COLLECTED: 0 } });
      });

      it('marks journeys that completed, failed, were cancelled or dropped as terminal', async () => {
        await store.ingest([
          step('t-completed', 'COMPLETED', T0, 't-completed'),
          step('t-fail', 'DATA_COLLECTED', T0, 't-fail', T0, { status: 'FAIL', reason: 'QUALITY_LOW' }),
          step('t-cancel', 'FORM_SUBMITTED', T0, 't-cancel', T0, { status: 'CANCEL' }),
          step('t-dropped', 'DROPPED', T0, 't-dropped', T0, { status: 'DROPPED' }),
          step('t-open', 'REVIEWED', T0, 't-open'),
        ]);
        const terminal = async (id: string) => (await store.getTrace(id))?.terminal;
        expect(await Promise.all(['t-completed', 't-fail', 't-cancel', 't-dropped', 't-open'].map(terminal))).toEqual([true, true, true, true, false]);
        expect(await store.getTrace('t-fail')).toMatchObject({ status: 'FAIL', reason: 'QUALITY_LOW' });
      });

      it('commits a journey state with its events: a failed write leaves no state behind', async () => {
        const broken = { ...step('x', 'A', T0, 'broken-row'), record: { ...step('x', 'A', T0, 'broken-row').record, traceId: null } } as unknown as PreparedItem;
        await expect(store.ingest([step('rolled-back', 'DATA_COLLECTED', T0, 'rolled-back-1'), broken])).rejects.toThrow();
        expect(await store.getTrace('rolled-back')).toBeUndefined();
        expect(await store.traceEvents('rolled-back')).toEqual([]);
      });

      it('keeps a journey right when several writes of one commit add to it, one out of order and one failing', async () => {
        const broken = { ...step('x', 'A', T0, 'broken-row-2'), record: { ...step('x', 'A', T0, 'broken-row-2').record, traceId: null } } as unknown as PreparedItem;
        const settled = await Promise.allSettled([
          store.ingest([step('grouped', 'IDENTITY_VERIFIED', T0, 'g-1')]),
          store.ingest([step('grouped', 'FORM_SUBMITTED', T0 + 3_000, 'g-lost'), broken]),
          store.ingest([step('grouped', 'REVIEWED', T0 + 9_000, 'g-4')]),
          store.ingest([step('grouped', 'DATA_COLLECTED', T0 + 2_000, 'g-2')]),
          store.ingest([step('grouped', 'COMPLETED', T0 + 10_000, 'g-5')]),
        ]);
        expect(settled.map((x) => x.status)).toEqual(['fulfilled', 'rejected', 'fulfilled', 'fulfilled', 'fulfilled']);
        expect(await store.getTrace('grouped')).toMatchObject({
          step: 'COMPLETED',
          terminal: true,
          eventCount: 4,
          dwellMs: { IDENTITY_VERIFIED: 2_000, DATA_COLLECTED: 7_000, REVIEWED: 1_000 },
        });
      });

      it('lists journeys newest first by current service, step, status, terminal and last timestamp, page by page', async () => {
        for (let i = 0; i < 7; i++) {
          await store.ingest([
            step(`list-${i}`, 'IDENTITY_VERIFIED', T0 + i, `list-${i}-a`, T0, { service: 'LIST' }),
            step(`list-${i}`, i % 2 ? 'COMPLETED' : 'DATA_COLLECTED', T0 + 1_000 + i, `list-${i}-b`, T0, { service: 'LIST' }),
          ]);
        }
        const ids = (page: { items: Array<{ traceId: string }> }) => page.items.map((t) => t.traceId);
        const first = await store.listTraces({ service: 'LIST', limit: 3 });
        expect(ids(first)).toEqual(['list-6', 'list-5', 'list-4']);
        const second = await store.listTraces({ service: 'LIST', limit: 3, cursor: first.nextCursor! });
        const third = await store.listTraces({ service: 'LIST', limit: 3, cursor: second.nextCursor! });
        expect([...ids(second), ...ids(third), third.nextCursor]).toEqual(['list-3', 'list-2', 'list-1', 'list-0', null]);
        expect(ids(await store.listTraces({ service: 'LIST', step: 'COMPLETED', limit: 10 }))).toEqual(['list-5', 'list-3', 'list-1']);
        expect(ids(await store.listTraces({ service: 'LIST', terminal: false, limit: 10 }))).toEqual(['list-6', 'list-4', 'list-2', 'list-0']);
        expect(ids(await store.listTraces({ service: 'LIST', status: 'SUCCESS', from: T0 + 1_002, to: T0 + 1_005, limit: 10 }))).toEqual(['list-4', 'list-3', 'list-2']);
      });

      it('finds open journeys idle since a time, by service and step, the longest idle first', async () => {
        await store.ingest([
          step('idle-1', 'DATA_COLLECTED', T0, 'idle-1', T0 + 100, { service: 'IDLE' }),
          step('idle-2', 'FORM_SUBMITTED', T0, 'idle-2', T0 + 50, { service: 'IDLE' }),
          step('idle-3', 'DATA_COLLECTED', T0, 'idle-3', T0 + 900, { service: 'IDLE' }),
          step('idle-done', 'COMPLETED', T0, 'idle-done', T0, { service: 'IDLE' }),
          step('idle-other', 'DATA_COLLECTED', T0, 'idle-other', T0, { service: 'IDLE_OTHER' }),
        ]);
        const ids = (ts: Array<{ traceId: string }>) => ts.map((t) => t.traceId);
        const q = { lastReceivedAtMost: T0 + 100, limit: 10 };
        expect(ids(await store.staleTraces({ ...q, service: 'IDLE' }))).toEqual(['idle-2', 'idle-1']);
        expect(ids(await store.staleTraces({ ...q, service: 'IDLE', step: 'DATA_COLLECTED' }))).toEqual(['idle-1']);
        expect(ids(await store.staleTraces({ ...q, service: 'IDLE', exceptSteps: ['FORM_SUBMITTED'] }))).toEqual(['idle-1']);
        expect(ids(await store.staleTraces({ ...q, lastReceivedAtMost: T0 + 99, service: 'IDLE' }))).toEqual(['idle-2']);
        const others = ids(await store.staleTraces({ lastReceivedAtMost: T0 + 1_000, exceptServices: ['IDLE', 'LOAN', 'LIST'], limit: 10 }));
        expect(others).toEqual(['idle-other']);
        expect(ids(await store.staleTraces({ ...q, service: 'IDLE', limit: 1 }))).toEqual(['idle-2']);
      });

      it('reads progress events after a sequence number in storage order, of one service or all', async () => {
        const head = await store.progressHead();
        await store.ingest([step('seq-1', 'A', T0, 'seq-a', T0, { service: 'SEQ' }), step('seq-2', 'A', T0, 'seq-b', T0, { service: 'OTHER_SEQ' })]);
        await store.ingest([step('seq-1', 'B', T0 - 5, 'seq-c', T0, { service: 'SEQ' })]);
        const after = await store.progressAfter(head, { limit: 10 });
        expect(after.map((x) => x.event.eventId)).toEqual(['seq-a', 'seq-b', 'seq-c']);
        expect(after.map((x) => x.seq)).toEqual([...after.map((x) => x.seq)].sort((a, b) => a - b));
        expect(after[0]!.seq).toBeGreaterThan(head);
        expect(await store.progressHead()).toBe(after.at(-1)!.seq);
        expect((await store.progressAfter(head, { service: 'SEQ', limit: 10 })).map((x) => x.event.eventId)).toEqual(['seq-a', 'seq-c']);
        expect((await store.progressAfter(after[0]!.seq, { limit: 1 })).map((x) => x.event.eventId)).toEqual(['seq-b']);
      });

      it('finds active sessions with no update and no UI event since a time', async () => {
        const session = (sessionId: string, status = 'active') => ({ sessionId, deviceId: 'kiosk-c', startedAt: T0, status }) as Session;
        await store.createSession(session('quiet'), { receivedAt: T0 });
        await store.createSession(session('tapping'), { receivedAt: T0 });
        await store.createSession(session('ended', 'completed'), { receivedAt: T0 });
        await store.createSession(session('recent'), { receivedAt: T0 + 5_000 });
        const tap = { kind: 'ui_event', record: { sessionId: 'tapping', sequenceNo: 1, deviceId: 'kiosk-c', eventType: 'tap', timestamp: T0 + 42, eventId: 'tap-1' }, receivedAt: T0 + 3_000 } as PreparedItem;
        await store.ingest([tap]);
        const idle = await store.idleSessions({ lastActivityAtMost: T0 + 1_000, limit: 10 });
        expect(idle.map((s) => [s.session.sessionId, s.lastActivityAt, s.lastEventTimestamp])).toEqual([['quiet', T0, null]]);
        const later = await store.idleSessions({ lastActivityAtMost: T0 + 3_000, limit: 10 });
        expect(later.map((s) => [s.session.sessionId, s.lastActivityAt, s.lastEventTimestamp])).toEqual([['quiet', T0, null], ['tapping', T0 + 3_000, T0 + 42]]);
      });

      it('recomputes journeys whose events a purge deletes, and forgets those left with none', async () => {
        const late = T0 + 1_000_000;
        await store.ingest([step('purged-part', 'IDENTITY_VERIFIED', T0, 'pp-1', T0), step('purged-all', 'DATA_COLLECTED', T0, 'pa-1', T0)]);
        await store.ingest([step('purged-part', 'DATA_COLLECTED', T0 + 9_000, 'pp-2', late)]);
        await store.purgeBefore(late);
        expect(await store.getTrace('purged-all')).toBeUndefined();
        expect(await store.getTrace('purged-part')).toMatchObject({ step: 'DATA_COLLECTED', eventCount: 1, firstTimestamp: T0 + 9_000, dwellMs: {}, firstReceivedAt: late });
      });
    });
  });
}
