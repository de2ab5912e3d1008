/**
 * The durable outbox: the core's Storage port on SQLite, in `<dir>/outbox.db`.
 *
 * Each write is its own transaction, committed before `setMany` returns, so an item is
 * on disk once the `trackProgress()` call that made it has returned (the port is
 * `sync`). The fsync policy is the `durability` option:
 * - `process` (default): WAL with `synchronous=NORMAL`. A commit is in the operating
 *   system's hands when the call returns: it survives the process being killed
 *   (SIGKILL, a crash, an OOM kill); a power cut may lose the last commits, never
 *   corrupt the file.
 * - `power`: `synchronous=FULL`, an fsync per commit: it survives a power cut too, at
 *   the cost of a disk flush per call.
 *
 * Acknowledged items are deleted; freed pages are returned to the file system by
 * incremental vacuum and the WAL is truncated after checkpoints, so the disk stays
 * bounded by what is pending (itself capped by `maxQueueSize`).
 */
import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Storage } from '@waymark/core';

export type Durability = 'process' | 'power';

/** Free pages above which a delete returns space to the file system. */
const VACUUM_PAGES = 256;

export interface Outbox extends Storage {
  sync: true;
  /** Entries stored (items and the client's own state). */
  count(): number;
  /** Items stored (`q:` keys): what waits for delivery. */
  pendingItems(): number;
  /** Closes the database; later writes reject. */
  close(): void;
  /** The database file. */
  readonly path: string;
}

/** Opens (or creates) the outbox in `dir`. */
export function openOutbox(dir: string, durability: Durability = 'process'): Outbox {
  mkdirSync(dir, { recursive: true });
  const path = join(dir, 'outbox.db');
  const db = new Database(path);
  // auto_vacuum takes effect only on a new database, before its first table.
  db.pragma('auto_vacuum = INCREMENTAL');
  db.pragma('journal_mode = WAL');
  db.pragma(`synchronous = ${durability === 'power' ? 'FULL' : 'NORMAL'}`);
  db.pragma('journal_size_limit = 4194304');
  db.pragma('busy_timeout = 5000');
  db.exec('CREATE TABLE IF NOT EXISTS outbox (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID');
  const put = db.prepare('INSERT OR REPLACE INTO outbox (key, value) VALUES (?, ?)');
  const del = db.prepare('DELETE FROM outbox WHERE key = ?');
  const one = db.prepare('SELECT value FROM outbox WHERE key = ?').pluck();
  const range = db.prepare('SELECT key, value FROM outbox WHERE key >= ? AND key < ? ORDER BY key');
  const count = db.prepare('SELECT count(*) FROM outbox').pluck();
  const pending = db.prepare("SELECT count(*) FROM outbox WHERE key >= 'q:' AND key < 'q;'").pluck();
  const setMany = db.transaction((entries: Array<[string, unknown]>) => {
    for (const [k, v] of entries) put.run(k, JSON.stringify(v ?? null));
  });
  const delMany = db.transaction((keys: string[]) => {
    for (const k of keys) del.run(k);
  });
  // Promises that report what already happened: the port's contract is to reject, not throw.
  const settle = <T>(fn: () => T): Promise<T> => {
    try {
      return Promise.resolve(fn());
    } catch (error) {
      return Promise.reject(error);
    }
  };
  return {
    sync: true,
    path,
    get: (key) => settle(() => {
      const v = one.get(key) as string | undefined;
      return v === undefined ? undefined : JSON.parse(v);
    }),
    setMany: (entries) => settle(() => setMany(entries)),
    delMany: (keys) =>
      settle(() => {
        delMany(keys);
        if ((db.pragma('freelist_count', { simple: true }) as number) > VACUUM_PAGES) db.pragma('incremental_vacuum');
      }),
    entries: (prefix) => settle(() => (range.all(prefix, `${prefix}\uffff`) as Array<{ key: string; value: string }>).map((r) => [r.key, JSON.parse(r.value)] as [string, never])),
    count: () => count.get() as number,
    pendingItems: () => pending.get() as number,
    close: () => db.close(),
  };
}
