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
import { nearestRanks } from './percentiles.js';
import { withRoom } from './typed-arrays.js';

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

/**
 * Finds the longest chain of one trace's events, with scratch space reused from trace
 * to trace: `push` each event of the funnel's steps (its timestamp and its step's
 * rank, `stepRanks(steps).get(step)`), in arrival order, then `solve()`.
 */
export class ChainFinder {
  private ts = new Float64Array(64);
  private rank = new Int32Array(64);
  private order = new Int32Array(64);
  private n = 0;
  /** The rank each chain position asks for. */
  private readonly wanted: Int32Array;
  private readonly chain: Float64Array;
  /** Timestamps of the best chain's events (its first `level`). */
  readonly times: Float64Array;
  /** Push index of the best chain's step-1 event. */
  start = -1;

  constructor(
    steps: readonly string[],
    private readonly windowMs: number,
    ranks: ReadonlyMap<string, number> = stepRanks(steps),
  ) {
    this.wanted = Int32Array.from(steps, (s) => ranks.get(s)!);
    this.chain = new Float64Array(steps.length);
    this.times = new Float64Array(steps.length);
  }

  push(timestamp: number, rank: number): void {
    if (this.n === this.ts.length) {
      this.ts = withRoom(this.ts, this.n + 1);
      this.rank = withRoom(this.rank, this.n + 1);
      this.order = new Int32Array(this.ts.length);
    }
    this.ts[this.n] = timestamp;
    this.rank[this.n] = rank;
    this.n++;
  }

  /** The level of the events pushed since the last call: the length of their longest chain. */
  solve(): number {
    const { ts, rank, order, wanted, chain, times, windowMs } = this;
    const n = this.n;
    this.n = 0;
    this.start = -1;
    // Timestamp order; equal timestamps by step rank, then by arrival.
    for (let i = 0; i < n; i++) order[i] = i;
    if (n <= 32) {
      // Insertion sort: journeys have a handful of events, mostly in order already.
      for (let i = 1; i < n; i++) {
        const x = order[i]!;
        let j = i - 1;
        for (; j >= 0; j--) {
          const y = order[j]!;
          if ((ts[y]! - ts[x]! || rank[y]! - rank[x]! || y - x) <= 0) break;
          order[j + 1] = y;
        }
        order[j + 1] = x;
      }
    } else order.subarray(0, n).sort((x, y) => ts[x]! - ts[y]! || rank[x]! - rank[y]! || x - y);
    let best = 0;
    for (let s = 0; s < n; s++) {
      const first = order[s]!;
      if (rank[first] !== wanted[0]) continue;
      const t0 = ts[first]!;
      chain[0] = t0;
      let level = 1;
      let at = s;
      for (let k = 1; k < wanted.length; k++) {
        // The earliest event after the chain's last one that fills step k in time.
        let next = -1;
        for (let j = at + 1; j < n && ts[order[j]!]! <= t0 + windowMs; j++) {
          if (rank[order[j]!] === wanted[k]) {
            next = j;
            break;
          }
        }
        if (next < 0) break;
        chain[level++] = ts[order[next]!]!;
        at = next;
      }
      // Strictly longer only: among chains of the same length, the earliest start stays.
      if (level > best) {
        best = level;
        times.set(chain.subarray(0, level));
        this.start = first;
      }
      if (best === wanted.length) break;
    }
    return best;
  }
}

/** The longest chain of one trace's events through `steps`. */
export function traceLevel(events: readonly FunnelEvent[], steps: readonly string[], windowMs: number, finder = new ChainFinder(steps, windowMs)): TraceLevel {
  const ranks = stepRanks(steps);
  const pushed: FunnelEvent[] = [];
  for (const e of events) {
    const rank = ranks.get(e.step);
    if (rank === undefined) continue;
    finder.push(e.timestamp, rank);
    pushed.push(e);
  }
  const level = finder.solve();
  return level ? { level, times: Array.from(finder.times.subarray(0, level)), group: pushed[finder.start]!.group } : { level: 0, times: [] };
}

/** Per step of a funnel: how many traces reached it, and their times from the step before. */
export class FunnelTally {
  readonly reached: number[];
  readonly gaps: number[][];
  constructor(steps: number) {
    this.reached = new Array<number>(steps).fill(0);
    this.gaps = Array.from({ length: steps }, () => []);
  }

  /** Counts a trace of level `level` whose chain's timestamps are `times`. */
  add(level: number, times: ArrayLike<number>): void {
    for (let k = 0; k < level; k++) {
      this.reached[k]!++;
      if (k > 0) this.gaps[k]!.push(times[k]! - times[k - 1]!);
    }
  }

  /** Traces that reached step 1. */
  get traces(): number {
    return this.reached[0] ?? 0;
  }

  report(steps: readonly string[]): FunnelStep[] {
    return steps.map((step, k) => {
      const here = this.reached[k]!;
      const before = k === 0 ? here : this.reached[k - 1]!;
      const [median, p95] = k === 0 ? [null, null] : nearestRanks(Float64Array.from(this.gaps[k]!), [0.5, 0.95]);
      return {
        step,
        traces: here,
        conversionFromFirst: this.traces ? here / this.traces : 0,
        conversionFromPrevious: before ? here / before : 0,
        dropOff: before - here,
        medianMsFromPrevious: median ?? null,
        p95MsFromPrevious: p95 ?? null,
      };
    });
  }
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


/** The report of a funnel over the levels of many traces. */
export function funnelReport(levels: readonly TraceLevel[], steps: readonly string[]): FunnelStep[] {
  const tally = new FunnelTally(steps.length);
  for (const l of levels) tally.add(l.level, l.times);
  return tally.report(steps);
}

/** Groups events by trace and computes each trace's level. */
export function traceLevels(events: readonly FunnelEvent[], steps: readonly string[], windowMs: number): TraceLevel[] {
  const byTrace = new Map<string, FunnelEvent[]>();
  for (const e of events) {
    const list = byTrace.get(e.traceId);
    if (list) list.push(e);
    else byTrace.set(e.traceId, [e]);
  }
  const finder = new ChainFinder(steps, windowMs);
  return [...byTrace.values()].map((list) => traceLevel(list, steps, windowMs, finder));
}
