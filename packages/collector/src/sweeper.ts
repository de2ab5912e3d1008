import { dropStalledJourneys, type DropRules } from './domain/drop-detection.js';
import { timeOutIdleSessions } from './domain/idle-sessions.js';
import type { KindCounts } from './ingest/ingest.js';
import type { Store } from './store/store.js';

/** What one sweep did. */
export interface SweepResult {
  /** DROPPED progress events this sweep stored. */
  dropped: number;
  /** Active sessions this sweep ended as `timeout`. */
  sessionsTimedOut: number;
  /** Item counts of the DROPPED events, for the metrics. */
  counts: KindCounts;
}

export interface SweeperOptions {
  store: Store;
  /** Epoch-ms clock; timeouts are measured on it against the arrival times the collector recorded. */
  now: () => number;
  drop: DropRules;
  /** Session inactivity timeout in ms; 0 leaves sessions alone. */
  sessionTimeoutMs: number;
  /** Timer period in ms; 0 for no timer (sweeps run only when `sweep()` is called). */
  intervalMs: number;
  /** Told about every sweep that did something. */
  onSweep?: (result: SweepResult) => void;
  /** Told about a sweep that failed; the timer goes on. */
  onError?: (error: unknown) => void;
}

export interface Sweeper {
  /** Sweeps now; a call while a sweep runs gets that sweep's result. */
  sweep(): Promise<SweepResult>;
  /** Starts the timer. */
  start(): void;
  /** Stops the timer and waits for a sweep in progress. */
  stop(): Promise<void>;
}

/**
 * Finds stalls on a timer: open journeys with no event for their timeout get a
 * DROPPED event, and active sessions with no activity for the session timeout end as
 * `timeout`. One sweep at a time; a tick that finds one running is skipped. The timer
 * does not keep the process alive.
 */
export function createSweeper(o: SweeperOptions): Sweeper {
  let running: Promise<SweepResult> | undefined;
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;
  // While the collector was down nothing could arrive: idle time counts from its start.
  const startedAt = o.now();

  async function sweepOnce(): Promise<SweepResult> {
    const now = o.now();
    const { dropped, counts } = await dropStalledJourneys(o.store, o.drop, now, startedAt);
    const sessionsTimedOut = o.sessionTimeoutMs > 0 ? await timeOutIdleSessions(o.store, o.sessionTimeoutMs, now, startedAt) : 0;
    const result = { dropped, sessionsTimedOut, counts };
    if (dropped > 0 || sessionsTimedOut > 0 || Object.keys(counts).length > 0) o.onSweep?.(result);
    return result;
  }

  const sweep = () => (running ??= sweepOnce().finally(() => (running = undefined)));

  return {
    sweep,
    start() {
      if (stopped || timer || o.intervalMs <= 0) return;
      timer = setInterval(() => {
        if (!running) sweep().catch((error) => o.onError?.(error));
      }, o.intervalMs);
      timer.unref();
    },
    async stop() {
      stopped = true;
      clearInterval(timer);
      timer = undefined;
      await running?.catch(() => {});
    },
  };
}
