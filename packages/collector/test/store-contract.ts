import type { ProgressEvent } from '@waymark/protocol/types';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PreparedItem, Store } from '../src/store/index.js';
import { T0 } from './helpers.js';

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
  });
}
