import 'fake-indexeddb/auto';
import { IDBFactory } from 'fake-indexeddb';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createIndexedDbStorage } from './storage.js';
import { testClient } from './test-client.js';

// A fresh set of databases for each test.
beforeEach(() => void vi.stubGlobal('indexedDB', new IDBFactory()));
afterEach(() => void vi.unstubAllGlobals());

describe('IndexedDB storage', () => {
  it('writes, reads, lists entries by key prefix and deletes', async () => {
    const s = createIndexedDbStorage();
    await s.setMany([
      ['q:2', { n: 2 }],
      ['q:1', { n: 1 }],
      ['session:t', { id: 's' }],
      ['qx', 0],
    ]);
    expect(await s.get('session:t')).toEqual({ id: 's' });
    expect(await s.get('none')).toBeUndefined();
    expect(await s.entries('q:')).toEqual([
      ['q:1', { n: 1 }],
      ['q:2', { n: 2 }],
    ]);
    await s.delMany(['q:1', 'session:t']);
    expect(await s.entries('q:')).toEqual([['q:2', { n: 2 }]]);
    expect(await s.get('session:t')).toBeUndefined();
  });

  it('writes a group whole or not at all', async () => {
    const s = createIndexedDbStorage();
    await expect(
      s.setMany([
        ['q:a', { ok: true }],
        ['q:b', { fn: () => 1 }],
        ['session:t', { seq: 2 }],
      ]),
    ).rejects.toThrow();
    expect(await s.entries('')).toEqual([]);
  });

  it('writes a group in one transaction', async () => {
    const s = createIndexedDbStorage();
    await s.get('warm-up');
    const spy = vi.spyOn(IDBDatabase.prototype, 'transaction');
    await s.setMany(Array.from({ length: 20 }, (_, i): [string, unknown] => [`q:${i}`, i]));
    expect(spy).toHaveBeenCalledTimes(1);
    spy.mockRestore();
  });

  it('rejects, never throws, where IndexedDB is missing or cannot be opened', async () => {
    vi.stubGlobal('indexedDB', undefined);
    await expect(createIndexedDbStorage().setMany([['q:1', 1]])).rejects.toThrow();
    vi.stubGlobal('indexedDB', {
      open() {
        throw new DOMException('refused', 'SecurityError');
      },
    });
    const s = createIndexedDbStorage();
    await expect(s.get('session')).rejects.toThrow('refused');
    await expect(s.entries('q:')).rejects.toThrow('refused');
  });

  /** An IndexedDB whose open request fails, as in some private modes. */
  const refusing = {
    open() {
      const request = {} as IDBOpenDBRequest & { error: DOMException };
      setTimeout(() => {
        request.error = new DOMException('refused', 'InvalidStateError');
        request.onerror?.(new Event('error'));
      });
      return request;
    },
  };

  for (const [name, idb] of [
    ['is missing', undefined],
    ['cannot be opened', refusing],
  ] as const) {
    it(`keeps the client delivering from memory, with one storage report, where IndexedDB ${name}`, async () => {
      vi.stubGlobal('indexedDB', idb);
      const onError = vi.fn();
      const t = testClient({ autocapture: false, onError }, { storage: createIndexedDbStorage() });
      t.client.track('checkout_started');
      t.client.track('checkout_done');
      expect((await t.ui()).map((i) => i.name)).toEqual(['checkout_started', 'checkout_done']);
      t.client.track('after the switch');
      expect((await t.ui()).map((i) => i.name)).toEqual(['checkout_started', 'checkout_done', 'after the switch']);
      expect(onError.mock.calls.map((c) => c[0].code)).toEqual(['storage']);
      await t.stop();
    });
  }
});
