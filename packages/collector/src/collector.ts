import type { Hono } from 'hono';
import { createApp } from './app.js';
import type { CollectorEnv } from './http/env.js';
import { createMetrics } from './metrics.js';
import { jsonLineLogger } from './middleware/request-log.js';
import { resolveOptions, type CollectorOptions } from './options.js';
import { SDK_SCRIPT } from './routes/sdk.js';
import { createSqliteStore } from './store/sqlite/store-sqlite.js';
import type { Store } from './store/store.js';

const DAY_MS = 86_400_000;
const PURGE_EVERY_MS = 3_600_000;

export interface Collector {
  /** The Hono app; serve it with @hono/node-server or call `app.fetch`. */
  app: Hono<CollectorEnv>;
  store: Store;
  /** Resolves when the store can take writes. */
  ready: Promise<void>;
  /** Stops the retention timer, finishes in-flight writes and closes the store. */
  close(): Promise<void>;
}

/**
 * Builds a collector: the HTTP app over a store (SQLite at `options.db` unless a
 * store is given), with retention applied at start and hourly.
 *
 * @example
 * const collector = createCollector({ db: 'waymark.db' });
 * serve({ fetch: collector.app.fetch, port: 4318 });
 */
export function createCollector(options: CollectorOptions = {}): Collector {
  const o = resolveOptions(options);
  const sqlite = o.store ? undefined : createSqliteStore({ path: o.db, walAutocheckpoint: o.walAutocheckpoint, checkpointIntervalMs: o.checkpointIntervalMs });
  const store = o.store ?? sqlite!;
  const metrics = createMetrics(store);
  const log = o.log === false ? undefined : (o.log ?? jsonLineLogger);
  const app = createApp({ store, now: o.now, keys: { writeKey: o.writeKey, adminKey: o.adminKey }, metrics, maxBodyBytes: o.maxBodyBytes, log, sdkScript: o.sdkScript ?? SDK_SCRIPT });

  const purge = () => store.purgeBefore(o.now() - o.retentionDays * DAY_MS).catch(() => 0);
  const ready = (sqlite?.ready ?? Promise.resolve()).then(purge).then(() => undefined);
  const timer = setInterval(purge, PURGE_EVERY_MS);
  timer.unref();

  let closing: Promise<void> | undefined;
  return {
    app,
    store,
    ready,
    close() {
      clearInterval(timer);
      closing ??= store.close();
      return closing;
    },
  };
}
