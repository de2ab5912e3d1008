/**
 * Seed 001's service-level figures, measured from what the collector stored.
 *
 * - **Event loss**: UI events carry a per-session `sequenceNo` starting at 1, so a
 *   session's expected count is its highest `sequenceNo` and a gap below it is an
 *   event lost on the way. Over the sessions with a UI event received in the last
 *   24 hours (all their stored events counted, not only the window's):
 *   loss = Σ(expected − received) / Σ expected. Events missing after a session's
 *   highest received `sequenceNo` cannot be seen; a batch still being retried shows
 *   as a gap until it arrives.
 * - **Ingestion lag**: per progress or UI event received in the last hour, the
 *   collector's `receivedAt` minus the event's time: its derived timestamp when the
 *   batch envelope gave `sentAt` (then the lag is the time the item waited on the
 *   device, free of clock skew), else its `timestamp` (then the device clock's skew
 *   is in it). Median and 95th percentile, nearest-rank.
 */
import type { Store } from '../store/store.js';
import { nearestRank } from './percentiles.js';

export const LOSS_WINDOW_MS = 24 * 3_600_000;
export const LAG_WINDOW_MS = 3_600_000;
/** Seed 001: event loss rate < 0.1 %, ingestion lag < 5 s median. */
export const SLO_TARGETS = { eventLossRatio: 0.001, ingestionLagMedianMs: 5_000 } as const;

export interface Window {
  from: number;
  to: number;
  ms: number;
}

export interface SloFigures {
  computedAt: number;
  eventLoss: {
    /** Σ missing / Σ expected; null when no session had a UI event in the window. */
    ratio: number | null;
    sessions: number;
    expected: number;
    received: number;
    missing: number;
    window: Window;
    target: { below: number };
    /** Whether ratio < target; null without data. */
    met: boolean | null;
  };
  ingestionLag: {
    p50Ms: number | null;
    p95Ms: number | null;
    events: number;
    window: Window;
    target: { medianBelowMs: number };
    met: boolean | null;
  };
}

/** Computes the figures now; see `createSloMonitor` for the cached ones. */
export async function sloFigures(store: Store, now: number): Promise<SloFigures> {
  const lossFrom = now - LOSS_WINDOW_MS;
  const lagFrom = now - LAG_WINDOW_MS;
  const [coverage, lags] = await Promise.all([store.uiSequenceCoverage(lossFrom), store.ingestionLags(lagFrom)]);
  const missing = coverage.expected - coverage.received;
  const ratio = coverage.expected > 0 ? missing / coverage.expected : null;
  const sorted = lags.sort((a, b) => a - b);
  const p50 = nearestRank(sorted, 0.5);
  return {
    computedAt: now,
    eventLoss: {
      ratio,
      sessions: coverage.sessions,
      expected: coverage.expected,
      received: coverage.received,
      missing,
      window: { from: lossFrom, to: now, ms: LOSS_WINDOW_MS },
      target: { below: SLO_TARGETS.eventLossRatio },
      met: ratio === null ? null : ratio < SLO_TARGETS.eventLossRatio,
    },
    ingestionLag: {
      p50Ms: p50,
      p95Ms: nearestRank(sorted, 0.95),
      events: sorted.length,
      window: { from: lagFrom, to: now, ms: LAG_WINDOW_MS },
      target: { medianBelowMs: SLO_TARGETS.ingestionLagMedianMs },
      met: p50 === null ? null : p50 < SLO_TARGETS.ingestionLagMedianMs,
    },
  };
}

export interface SloMonitor {
  /** The figures, computed at most once per `cacheMs`; callers in between share them. */
  figures(): Promise<SloFigures>;
}

/**
 * Caches the figures for `cacheMs` (default 5 s), so a Prometheus scrape and the
 * dashboard's polling cost one computation per period between them.
 */
export function createSloMonitor(store: Store, now: () => number, cacheMs = 5_000): SloMonitor {
  let cached: { at: number; figures: Promise<SloFigures> } | undefined;
  return {
    figures() {
      const t = now();
      if (!cached || t - cached.at >= cacheMs || t < cached.at) {
        const figures = sloFigures(store, t);
        cached = { at: t, figures };
        // A failed computation is not kept: the next caller tries again.
        figures.catch(() => {
          if (cached?.figures === figures) cached = undefined;
        });
      }
      return cached.figures;
    },
  };
}
