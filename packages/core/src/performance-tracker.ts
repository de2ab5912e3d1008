import { METRIC_TYPES, type MetricType } from '@waymark/protocol/types';

/** A running measurement. */
export interface Timer {
  /** Records the time since the previous mark (or the start) under `step`. */
  mark(step: string): void;
  /** Ends the measurement and sends it; later calls do nothing. Returns the duration in ms. */
  end(result?: { success?: boolean; context?: Record<string, unknown> }): number;
}

/** What a finished measurement reports. */
export interface Measurement {
  metricType: MetricType;
  name?: string;
  durationMs: number;
  success: boolean;
  breakdown?: Record<string, number>;
  context?: Record<string, unknown>;
}

/**
 * Starts a timer. `name` is a metric type (app_start, capture, render, print,
 * payment) or any other name, sent as a `custom` metric.
 */
export function startTimer(name: string, monotonic: () => number, report: (m: Measurement) => void): Timer {
  const start = monotonic();
  let last = start;
  let breakdown: Record<string, number> | undefined;
  let done = false;
  const metricType = (METRIC_TYPES as readonly string[]).includes(name) ? (name as MetricType) : 'custom';
  return {
    mark(step) {
      const t = monotonic();
      (breakdown ??= {})[step] = (breakdown[step] ?? 0) + (t - last);
      last = t;
    },
    end(result = {}) {
      const durationMs = monotonic() - start;
      if (!done) {
        done = true;
        report({ metricType, name: metricType === 'custom' ? name : undefined, durationMs, success: result.success ?? true, breakdown, context: result.context });
      }
      return durationMs;
    },
  };
}

/**
 * Runs `fn` and tells `done` how it went, for sync and async work alike: a failure
 * when it throws or its promise rejects, and the error goes on to the caller.
 */
export function watch<T>(fn: () => T, done: (failed: boolean, error?: unknown) => void): T {
  try {
    const r = fn() as T & { then?: unknown };
    if (typeof r?.then !== 'function') return done(false), r;
    return (r as unknown as Promise<unknown>).then(
      (v) => (done(false), v),
      (e) => {
        done(true, e);
        throw e;
      },
    ) as T;
  } catch (e) {
    done(true, e);
    throw e;
  }
}
