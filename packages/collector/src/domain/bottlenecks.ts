/**
 * Where journeys of one service slow down and where they end badly.
 *
 * A trace's events are taken in timestamp order (equal timestamps in arrival order).
 * A **drop marker** is a DROPPED event that names the step the journey stalled at
 * in `meta.lastStep` (what the collector's sweeper emits); one whose step is
 * `DROPPED` and that has no `lastStep` stalled at the trace's step event just
 * before it. Every other event is a **step event** of its `step`.
 *
 * Per step:
 * - `traces`: traces with a step event at the step; `events`: those step events.
 * - Time to the next step: for each two consecutive step events of a trace, the
 *   time from the first to the second, counted at the first one's step (a step
 *   repeated, as DATA_COLLECTED for OCR then for CB, counts its time too). The last
 *   step event of a trace has none. p50 / p95 / p99 are nearest-rank.
 * - Dropped: traces whose last step event is at the step and ended badly: either
 *   that event's status is FAIL, CANCEL or DROPPED, or a drop marker naming the step
 *   comes after it. `dropRate` = dropped / traces. A trace is dropped at one step at
 *   most, and a trace still under way is not dropped.
 * - Reasons: FAIL, CANCEL and DROPPED step events at the step, and drop markers
 *   naming it, counted by status and reason (null when none was given).
 *
 * The heatmap puts each step event in the hour of day of its timestamp in the
 * report's time zone; a cell holds the step events of that step and hour and the
 * median time to the next step of those events.
 */
import type { Status } from '@waymark/protocol/types';
import type { BottleneckEventRow } from '../store/analytics.js';
import type { Store } from '../store/store.js';
import { nearestRank } from './funnel.js';
import { hourOfDayIn } from './time-zone.js';

/** Most reasons listed per status and step. */
const TOP_REASONS = 5;
const BAD: ReadonlySet<Status> = new Set(['FAIL', 'CANCEL', 'DROPPED']);

export interface ReasonCount {
  reason: string | null;
  count: number;
}

export interface BottleneckStep {
  step: string;
  traces: number;
  events: number;
  /** Times to the next step measured at this step. */
  samples: number;
  p50MsToNext: number | null;
  p95MsToNext: number | null;
  p99MsToNext: number | null;
  dropped: number;
  dropRate: number;
  reasons: { FAIL: ReasonCount[]; CANCEL: ReasonCount[]; DROPPED: ReasonCount[] };
}

export interface BottleneckHeatmap {
  timeZone: string;
  /** 0 … 23, the columns. */
  hours: number[];
  /** The rows, in the order of `steps`. */
  steps: string[];
  /** `events[row][hour]`: step events of that step in that hour of day. */
  events: number[][];
  /** `medianMsToNext[row][hour]`: nearest-rank median time to the next step of those events; null without any. */
  medianMsToNext: Array<Array<number | null>>;
}

export interface BottleneckReport {
  /** Traces with at least one step event. */
  traces: number;
  /** Steps by traces reaching them, most first (then by events, then by name). */
  steps: BottleneckStep[];
  heatmap: BottleneckHeatmap;
}

export interface BottleneckQuery {
  service: string;
  from?: number;
  to?: number;
  timeZone: string;
}

export type BottleneckAnswer = { service: string; from: number | null; to: number | null; timeZone: string } & BottleneckReport;

interface StepTally {
  traces: number;
  events: number;
  dropped: number;
  gaps: number[];
  hourEvents: number[];
  hourGaps: number[][];
  reasons: Map<string, number>;
}

const newTally = (): StepTally => ({
  traces: 0,
  events: 0,
  dropped: 0,
  gaps: [],
  hourEvents: new Array<number>(24).fill(0),
  hourGaps: Array.from({ length: 24 }, () => []),
  reasons: new Map(),
});

const isMarker = (e: BottleneckEventRow) => e.status === 'DROPPED' && (e.lastStep !== null || e.step === 'DROPPED');
const reasonKey = (status: Status, reason: string | null) => JSON.stringify([status, reason]);
/** Durations in ascending order; a typed array sorts numbers without a comparator call each. */
const sorted = (values: readonly number[]): Float64Array => Float64Array.from(values).sort();

function topReasons(reasons: Map<string, number>, status: Status): ReasonCount[] {
  return [...reasons]
    .map(([key, count]) => [JSON.parse(key) as [Status, string | null], count] as const)
    .filter(([[s]]) => s === status)
    .map(([[, reason], count]) => ({ reason, count }))
    .sort((a, b) => b.count - a.count || (a.reason === null ? 1 : b.reason === null ? -1 : a.reason < b.reason ? -1 : a.reason > b.reason ? 1 : 0))
    .slice(0, TOP_REASONS);
}

/**
 * Tallies journeys one at a time: `addTrace` with each trace's events in (timestamp,
 * arrival) order, then `report()`. A store can feed it trace by trace without holding
 * every event at once.
 */
export function bottleneckTally(timeZone: string): { addTrace(events: readonly BottleneckEventRow[]): void; report(): BottleneckReport } {
  const hourOf = hourOfDayIn(timeZone);
  const tallies = new Map<string, StepTally>();
  const tally = (step: string) => {
    let t = tallies.get(step);
    if (!t) tallies.set(step, (t = newTally()));
    return t;
  };
  const countReason = (step: string, status: Status, reason: string | null) => {
    const r = tally(step).reasons;
    const key = reasonKey(status, reason);
    r.set(key, (r.get(key) ?? 0) + 1);
  };
  const seen = new Set<string>();
  let traces = 0;

  function addTrace(list: readonly BottleneckEventRow[]): void {
    let last: BottleneckEventRow | undefined;
    /** Whether a drop marker naming the current last step event's step came after it. */
    let markedAfterLast = false;
    seen.clear();
    for (const e of list) {
      if (isMarker(e)) {
        const at = e.lastStep ?? last?.step;
        if (at === undefined) continue;
        countReason(at, 'DROPPED', e.reason);
        if (last && at === last.step) markedAfterLast = true;
        continue;
      }
      const t = tally(e.step);
      t.events++;
      t.hourEvents[hourOf(e.timestamp)]!++;
      if (!seen.has(e.step)) {
        seen.add(e.step);
        t.traces++;
      }
      if (BAD.has(e.status)) countReason(e.step, e.status, e.reason);
      if (last) {
        const gap = e.timestamp - last.timestamp;
        const p = tally(last.step);
        p.gaps.push(gap);
        p.hourGaps[hourOf(last.timestamp)]!.push(gap);
      }
      last = e;
      markedAfterLast = false;
    }
    if (!last) return;
    traces++;
    if (BAD.has(last.status) || markedAfterLast) tally(last.step).dropped++;
  }

  function report(): BottleneckReport {
    // Steps only ever named by drop markers have no step event: they were not reached in the range.
    const steps = [...tallies]
      .filter(([, t]) => t.events > 0)
      .sort(([a, x], [b, y]) => y.traces - x.traces || y.events - x.events || (a < b ? -1 : a > b ? 1 : 0));
    return {
      traces,
      steps: steps.map(([step, t]) => {
        const gaps = sorted(t.gaps);
        return {
          step,
          traces: t.traces,
          events: t.events,
          samples: gaps.length,
          p50MsToNext: nearestRank(gaps, 0.5),
          p95MsToNext: nearestRank(gaps, 0.95),
          p99MsToNext: nearestRank(gaps, 0.99),
          dropped: t.dropped,
          dropRate: t.traces ? t.dropped / t.traces : 0,
          reasons: { FAIL: topReasons(t.reasons, 'FAIL'), CANCEL: topReasons(t.reasons, 'CANCEL'), DROPPED: topReasons(t.reasons, 'DROPPED') },
        };
      }),
      heatmap: {
        timeZone,
        hours: Array.from({ length: 24 }, (_, h) => h),
        steps: steps.map(([step]) => step),
        events: steps.map(([, t]) => [...t.hourEvents]),
        medianMsToNext: steps.map(([, t]) => t.hourGaps.map((g) => nearestRank(sorted(g), 0.5))),
      },
    };
  }

  return { addTrace, report };
}

/** The report over events in (timestamp, arrival) order. */
export function bottleneckReport(events: readonly BottleneckEventRow[], timeZone: string): BottleneckReport {
  const byTrace = new Map<string, BottleneckEventRow[]>();
  for (const e of events) {
    const list = byTrace.get(e.traceId);
    if (list) list.push(e);
    else byTrace.set(e.traceId, [e]);
  }
  const tally = bottleneckTally(timeZone);
  for (const list of byTrace.values()) tally.addTrace(list);
  return tally.report();
}

/** Bottlenecks of one service's journeys over the events with timestamps in [from, to]. */
export async function bottlenecks(store: Store, q: BottleneckQuery): Promise<BottleneckAnswer> {
  const report = await store.bottlenecks({ service: q.service, from: q.from, to: q.to, timeZone: q.timeZone });
  return { service: q.service, from: q.from ?? null, to: q.to ?? null, timeZone: q.timeZone, ...report };
}
