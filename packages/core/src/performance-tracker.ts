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
 * Times `fn`, sync or async: success when it returns or resolves, failure when it
 * throws or rejects (the error goes on to the caller).
 */
export function measureWith<T>(timer: Timer, fn: () => T): T {
  let result: T;
  try {
    result = fn();
  } catch (error) {
    timer.end({ success: false });
    throw error;
  }
  if (result && typeof (result as { then?: unknown }).then === 'function') {
    return (result as unknown as Promise<unknown>).then(
      (v) => (timer.end(), v),
      (e) => {
        timer.end({ success: false });
        throw e;
      },
    ) as T;
  }
  timer.end();
  return result;
}
