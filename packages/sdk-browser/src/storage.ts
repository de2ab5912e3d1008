import type { Storage } from '@waymark/core';
import { createStore, promisifyRequest as done, type UseStore } from 'idb-keyval';

/**
 * Storage in IndexedDB (database `waymark`, object store `kv`), through idb-keyval's
 * store. `setMany` and `delMany` each run in one transaction, so a group of items
 * lands whole or not at all; `entries` reads one key range.
 *
 * Where IndexedDB is missing, cannot be opened (some private modes, sandboxed frames)
 * or fails later (over quota), every operation rejects, none throws: the client then
 * goes on with its items in memory and reports that once through `onError`, with
 * code `storage`.
 */
export function createIndexedDbStorage(): Storage {
  const store = createStore('waymark', 'kv');
  // Without IndexedDB, or where opening it throws at once: a rejection, not a throw.
  const db: UseStore = (mode, f) => new Promise((resolve) => resolve(store(mode, f)));
  const write = (f: (s: IDBObjectStore) => void) =>
    db('readwrite', (s) => {
      try {
        f(s);
      } catch (error) {
        // A value that cannot be stored: write none of the group.
        s.transaction.abort();
        throw error;
      }
      return done(s.transaction);
    });
  return {
    get: (key) => db('readonly', (s) => done(s.get(key))),
    setMany: (items) => write((s) => items.forEach(([k, v]) => s.put(v, k))),
    delMany: (keys) => write((s) => keys.forEach((k) => s.delete(k))),
    entries: (prefix) =>
      db('readonly', (s) => {
        const range = IDBKeyRange.bound(prefix, prefix + '\uffff');
        return Promise.all([done(s.getAllKeys(range)), done(s.getAll(range))]).then(([keys, values]) => keys.map((k, i) => [k, values[i]]) as never);
      }),
  };
}
