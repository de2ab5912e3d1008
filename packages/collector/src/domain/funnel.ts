/**
 * Funnels with the semantics of ClickHouse's `windowFunnel(window)` in its default
 * mode, computed per trace:
 *
 * - A trace's events are taken in timestamp order; events with equal timestamps in the
 *   funnel's step order (by the first step an event matches).
 * - A chain starts at an event of step 1 and goes on with an event of step 2, then of
 *   step 3…, each later in that order than the one before and at most `window` ms after
 *   the chain's step-1 event (exactly `window` ms is in). Other events in between are
 *   ignored, repeats are harmless, and every step-1 event starts a new chain.
 * - One event fills at most one step of a chain: a funnel that names a step twice
 *   needs two such events.
 * - The trace's level is the length of its longest chain.
 *
 * The times between steps are those of the chain that gives the trace its level — the
 * earliest-starting one when several do — taking at each step the earliest event that
 * continues the chain.
 */

/** One progress event, as a funnel reads it. */
export interface FunnelEvent {
  traceId: string;
  step: string;
  timestamp: number;
  /** The breakdown value of the event, if a breakdown was asked for. */
  group?: string | null;
}

/** How far one trace got. */
export interface TraceLevel {
  /** Steps reached, 0 when the trace has no step-1 event. */
  level: number;
  /** Timestamps of the chain's events, one per step reached. */
  times: number[];
  /** The breakdown value of the chain's step-1 event. */
  group?: string | null;
}

/** Each step's first position in the funnel: the order of events with equal timestamps. */
export function stepRanks(steps: readonly string[]): ReadonlyMap<string, number> {
  const ranks = new Map<string, number>();
  steps.forEach((s, i) => ranks.has(s) || ranks.set(s, i));
  return ranks;
}

/** The longest chain of one trace's events through `steps`; `firstIndex` is `stepRanks(steps)`, passed when computed once for many traces. */
export function traceLevel(
  events: readonly FunnelEvent[],
  steps: readonly string[],
  windowMs: number,
  firstIndex: ReadonlyMap<string, number> = stepRanks(steps),
): TraceLevel {
  const ordered = events
    .filter((e) => firstIndex.has(e.step))
    .map((e, arrival) => ({ e, rank: firstIndex.get(e.step)!, arrival }))
    .sort((a, b) => a.e.timestamp - b.e.timestamp || a.rank - b.rank || a.arrival - b.arrival)
    .map((x) => x.e);
  let best: TraceLevel = { level: 0, times: [] };
  for (let start = 0; start < ordered.length; start++) {
    const first = ordered[start]!;
    if (first.step !== steps[0]) continue;
    const times = [first.timestamp];
    let at = start;
    for (let k = 1; k < steps.length; k++) {
      // The earliest event after the chain's last one that fills step k in time.
      let next = -1;
      for (let j = at + 1; j < ordered.length && ordered[j]!.timestamp <= first.timestamp + windowMs; j++) {
        if (ordered[j]!.step === steps[k]) {
          next = j;
          break;
        }
      }
      if (next < 0) break;
      times.push(ordered[next]!.timestamp);
      at = next;
    }
    // Strictly longer only: among chains of the same length, the earliest start stays.
    if (times.length > best.level) best = { level: times.length, times, group: first.group };
    if (best.level === steps.length) break;
  }
  return best;
}

/** One step of a funnel report. */
export interface FunnelStep {
  step: string;
  /** Traces whose longest chain reached this step. */
  traces: number;
  /** traces / traces at step 1 (1 for step 1; 0 when no trace started). */
  conversionFromFirst: number;
  /** traces / traces at the step before (1 for step 1). */
  conversionFromPrevious: number;
  /** Traces that reached the step before but not this one (0 for step 1). */
  dropOff: number;
  /** Nearest-rank median of the time from the step before, ms; null for step 1 or no trace. */
  medianMsFromPrevious: number | null;
  /** Nearest-rank 95th percentile of the time from the step before, ms. */
  p95MsFromPrevious: number | null;
}

/**
 * The nearest-rank percentile: the ⌈p·n⌉-th smallest value, so every figure is a time
 * some trace actually took. `sorted` is in ascending order.
 */
export function nearestRank(sorted: ArrayLike<number>, p: number): number | null {
  if (!sorted.length) return null;
  return sorted[Math.min(sorted.length, Math.max(1, Math.ceil(p * sorted.length))) - 1]!;
}

/** The report of a funnel over the levels of many traces. */
export function funnelReport(levels: readonly TraceLevel[], steps: readonly string[]): FunnelStep[] {
  const reached = steps.map((_, k) => levels.filter((l) => l.level > k));
  return steps.map((step, k) => {
    const here = reached[k]!;
    const before = k === 0 ? here : reached[k - 1]!;
    // A typed array sorts numbers without a comparator call each.
    const gaps = k === 0 ? new Float64Array(0) : Float64Array.from(here, (l) => l.times[k]! - l.times[k - 1]!).sort();
    return {
      step,
      traces: here.length,
      conversionFromFirst: reached[0]!.length ? here.length / reached[0]!.length : 0,
      conversionFromPrevious: before.length ? here.length / before.length : 0,
      dropOff: before.length - here.length,
      medianMsFromPrevious: nearestRank(gaps, 0.5),
      p95MsFromPrevious: nearestRank(gaps, 0.95),
    };
  });
}

/** Groups events by trace and computes each trace's level. */
export function traceLevels(events: readonly FunnelEvent[], steps: readonly string[], windowMs: number): TraceLevel[] {
  const byTrace = new Map<string, FunnelEvent[]>();
  for (const e of events) {
    const list = byTrace.get(e.traceId);
    if (list) list.push(e);
    else byTrace.set(e.traceId, [e]);
  }
  const ranks = stepRanks(steps);
  return [...byTrace.values()].map((list) => traceLevel(list, steps, windowMs, ranks));
}
