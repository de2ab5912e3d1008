import type { Hono } from 'hono';
import { createApp } from './app.js';
import type { CollectorEnv } from './http/env.js';
import { createMetrics } from './metrics.js';
import { jsonLineLogger } from './middleware/request-log.js';
import { resolveOptions, type CollectorOptions } from './options.js';
import { SDK_SCRIPT } from './routes/sdk.js';
import { createSqliteStore } from './store/sqlite/store-sqlite.js';
import type { Store } from './store/store.js';
import { dropRules } from './domain/drop-detection.js';
import { scheduleDaily, type DailyScheduler } from './daily-scheduler.js';
import { aggregateDay } from './domain/daily-summary.js';
import { createSloMonitor } from './domain/slo.js';
import { addDays, dateIn } from './domain/time-zone.js';
import { createProgressFeed, notifyingStore } from './progress-feed.js';
import { createSweeper, type SweepResult } from './sweeper.js';

const DAY_MS = 86_400_000;
const PURGE_EVERY_MS = 3_600_000;

export interface Collector {
  /** The Hono app; serve it with @hono/node-server or call `app.fetch`. */
  app: Hono<CollectorEnv>;
  store: Store;
  /** Resolves when the store can take writes. */
  ready: Promise<void>;
  /**
   * Looks for stalls now, as the sweeper's timer does: stores a DROPPED event for every
   * open journey past its timeout and ends idle sessions as `timeout`.
   */
  sweep(): Promise<SweepResult>;
  /** Ends every open live stream (`GET /api/stream`); `close()` does it too. */
  endStreams(): void;
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
  // Live streams hear of every commit that stored a progress event, whoever wrote it.
  const feed = createProgressFeed();
  const store = notifyingStore(o.store ?? sqlite!, feed);
  const slo = createSloMonitor(store, o.now);
  const metrics = createMetrics(store, slo);
  const log = o.log === false ? undefined : (o.log ?? jsonLineLogger);
  const app = createApp({ store, now: o.now, keys: { writeKey: o.writeKey, adminKey: o.adminKey }, metrics, maxBodyBytes: o.maxBodyBytes, log, sdkScript: o.sdkScript ?? SDK_SCRIPT, timeZone: o.timeZone, slo, feed, streamHeartbeatMs: o.streamHeartbeatMs });

  const purge = () => store.purgeBefore(o.now() - o.retentionDays * DAY_MS).catch(() => 0);
  const ready = (sqlite?.ready ?? Promise.resolve()).then(purge).then(() => undefined);
  const sweeper = createSweeper({
    store,
    now: o.now,
    drop: dropRules(o.dropTimeouts),
    sessionTimeoutMs: o.sessionTimeoutMs,
    intervalMs: o.sweepIntervalMs,
    onSweep: ({ dropped, sessionsTimedOut, counts }) => {
      metrics.countItems(counts);
      log?.({ time: new Date(o.now()).toISOString(), route: '(sweeper)', dropped, sessionsTimedOut, items: counts });
    },
    onError: (error) => log?.({ time: new Date(o.now()).toISOString(), level: 'error', route: '(sweeper)', message: String(error) }),
  });
  void ready.then(() => sweeper.start(), () => {});
  const timer = setInterval(purge, PURGE_EVERY_MS);
  timer.unref();
  // Yesterday's daily summaries, every day at `dailySummaryAt` in the collector's time zone.
  let daily: DailyScheduler | undefined;
  let closed = false;
  const dailySummaryAt = o.dailySummaryAt;
  if (dailySummaryAt !== false) {
    const runDaily = (scheduledAt: number) => {
      const date = addDays(dateIn(scheduledAt, o.timeZone), -1);
      return aggregateDay(store, { date, timeZone: o.timeZone, now: o.now() }).then(({ items }) =>
        log?.({ time: new Date(o.now()).toISOString(), route: '(daily-summary)', date, devices: items.length }),
      );
    };
    const onError = (error: unknown) => log?.({ time: new Date(o.now()).toISOString(), level: 'error', route: '(daily-summary)', message: String(error) });
    void ready.then(() => {
      if (!closed) daily = scheduleDaily({ at: dailySummaryAt, timeZone: o.timeZone, now: o.now, run: runDaily, onError });
    }, () => {});
  }

  let closing: Promise<void> | undefined;
  return {
    app,
    store,
    ready,
    sweep: () => sweeper.sweep(),
    endStreams: () => feed.close(),
    close() {
      clearInterval(timer);
      closed = true;
      // A daily run in progress finishes its write before the store closes.
      const dailyDone = daily?.stop();
      feed.close();
      closing ??= Promise.all([sweeper.stop(), dailyDone]).then(() => store.close());
      return closing;
    },
  };
}
