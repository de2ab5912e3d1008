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
import { STATUSES, type Status } from '@waymark/protocol/types';
import type { BottleneckEventRow } from '../store/analytics.js';
import type { Store } from '../store/store.js';
import { nearestRanks } from './percentiles.js';
import { hourOfDayIn } from './time-zone.js';
import { withRoom } from './typed-arrays.js';

/** Most reasons listed per status and step. */
const TOP_REASONS = 5;

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

/** The status code `BottleneckTally.push` takes: the status's index in STATUSES. */
export const statusCode = (status: Status): number => STATUSES.indexOf(status);
const SUCCESS = statusCode('SUCCESS');
const FAIL = statusCode('FAIL');
const CANCEL = statusCode('CANCEL');
const DROPPED = statusCode('DROPPED');
/** Code of no value (no reason, no lastStep). */
const NONE = -1;

/** Durations, appended to a typed array that grows by doubling. */
class Samples {
  values = new Float64Array(16);
  n = 0;
  push(v: number): void {
    this.values = withRoom(this.values, this.n + 1);
    this.values[this.n++] = v;
  }
}

/**
 * Tallies journeys one at a time, over events whose text (step, reason, lastStep) is
 * given as codes into `names` (NONE = -1 for none): `push` each event of a journey in
 * arrival order, then `endTrace()`; after the last, `report()`. Per step, counts live
 * in arrays indexed by its code, so millions of events cost no object each.
 */
export class BottleneckTally {
  private traceCount = 0;
  // Per step code.
  private traces: number[] = [];
  private events: number[] = [];
  private dropped: number[] = [];
  private seen: number[] = [];
  /** [code * 24 + hour] */
  private hourEvents: number[] = [];
  /** [code * 24 + hour]: times to the next step of the step events begun in that hour. */
  private hourGaps: Samples[] = [];
  /** Per step code: (reason code + 1) * 4 + status code → count. */
  private reasons: Array<Map<number, number>> = [];
  // The journey being pushed.
  private n = 0;
  private ts = new Float64Array(64);
  private hour = new Int32Array(64);
  private step = new Int32Array(64);
  private status = new Int32Array(64);
  private reason = new Int32Array(64);
  private lastStep = new Int32Array(64);
  private order = new Int32Array(64);

  /** `dropStep`: the code of the step `DROPPED`, NONE when no event has it. */
  constructor(
    private readonly timeZone: string,
    private readonly names: readonly string[],
    private readonly dropStep: number,
  ) {
  }

  private ensure(code: number): void {
    while (this.traces.length <= code) {
      this.traces.push(0);
      this.events.push(0);
      this.dropped.push(0);
      this.seen.push(-1);
      for (let h = 0; h < 24; h++) {
        this.hourEvents.push(0);
        this.hourGaps.push(new Samples());
      }
      this.reasons.push(new Map());
    }
  }

  private countReason(code: number, status: number, reason: number): void {
    this.ensure(code);
    const r = this.reasons[code]!;
    const key = (reason + 1) * 4 + status;
    r.set(key, (r.get(key) ?? 0) + 1);
  }

  /** `hour`: the hour of day of `timestamp` in the report's time zone. */
  push(timestamp: number, hour: number, step: number, status: number, reason: number, lastStep: number): void {
    if (this.n === this.ts.length) {
      const size = this.n + 1;
      this.ts = withRoom(this.ts, size);
      this.hour = withRoom(this.hour, size);
      this.step = withRoom(this.step, size);
      this.status = withRoom(this.status, size);
      this.reason = withRoom(this.reason, size);
      this.lastStep = withRoom(this.lastStep, size);
      this.order = new Int32Array(this.ts.length);
    }
    const i = this.n++;
    this.ts[i] = timestamp;
    this.hour[i] = hour;
    this.step[i] = step;
    this.status[i] = status;
    this.reason[i] = reason;
    this.lastStep[i] = lastStep;
  }

  /** Tallies the journey pushed since the last call. */
  endTrace(): void {
    const { ts, hour: hours, step, status, reason, lastStep, order } = this;
    const n = this.n;
    this.n = 0;
    // Timestamp order, equal timestamps in arrival order.
    for (let i = 0; i < n; i++) order[i] = i;
    if (n <= 32) {
      for (let i = 1; i < n; i++) {
        const x = order[i]!;
        let j = i - 1;
        while (j >= 0 && ts[order[j]!]! > ts[x]!) order[j + 1] = order[j--]!;
        order[j + 1] = x;
      }
    } else order.subarray(0, n).sort((x, y) => ts[x]! - ts[y]! || x - y);
    const stamp = this.traceCount;
    let last = -1;
    let lastHour = 0;
    /** Whether a drop marker naming the current last step event's step came after it. */
    let markedAfterLast = false;
    for (let o = 0; o < n; o++) {
      const e = order[o]!;
      if (status[e] === DROPPED && (lastStep[e] !== NONE || step[e] === this.dropStep)) {
        const at = lastStep[e] !== NONE ? lastStep[e]! : last >= 0 ? step[last]! : NONE;
        if (at === NONE) continue;
        this.countReason(at, DROPPED, reason[e]!);
        if (last >= 0 && at === step[last]) markedAfterLast = true;
        continue;
      }
      const s = step[e]!;
      this.ensure(s);
      this.events[s]!++;
      const hour = hours[e]!;
      this.hourEvents[s * 24 + hour]!++;
      if (this.seen[s] !== stamp) {
        this.seen[s] = stamp;
        this.traces[s]!++;
      }
      if (status[e] !== SUCCESS) this.countReason(s, status[e]!, reason[e]!);
      if (last >= 0) {
        const gap = ts[e]! - ts[last]!;
        const p = step[last]!;
        this.hourGaps[p * 24 + lastHour]!.push(gap);
      }
      last = e;
      lastHour = hour;
      markedAfterLast = false;
    }
    if (last < 0) return;
    this.traceCount++;
    if (status[last] !== SUCCESS || markedAfterLast) this.dropped[step[last]!]!++;
  }

  private topReasons(code: number, status: number): ReasonCount[] {
    const list: ReasonCount[] = [];
    for (const [key, count] of this.reasons[code]!) {
      if (key % 4 !== status) continue;
      const reason = Math.floor(key / 4) - 1;
      list.push({ reason: reason === NONE ? null : this.names[reason]!, count });
    }
    return list
      .sort((a, b) => b.count - a.count || (a.reason === null ? 1 : b.reason === null ? -1 : a.reason < b.reason ? -1 : a.reason > b.reason ? 1 : 0))
      .slice(0, TOP_REASONS);
  }

  report(): BottleneckReport {
    // Steps only ever named by drop markers have no step event: they were not reached in the range.
    const codes = [...this.events.keys()]
      .filter((c) => this.events[c]! > 0)
      .sort((a, b) => {
        const x = this.names[a]!;
        const y = this.names[b]!;
        return this.traces[b]! - this.traces[a]! || this.events[b]! - this.events[a]! || (x < y ? -1 : x > y ? 1 : 0);
      });
    const hours = Array.from({ length: 24 }, (_, h) => h);
    return {
      traces: this.traceCount,
      steps: codes.map((c) => {
        // The step's times are those of its 24 hours together.
        const cells = this.hourGaps.slice(c * 24, c * 24 + 24);
        const all = new Float64Array(cells.reduce((n, cell) => n + cell.n, 0));
        let at = 0;
        for (const cell of cells) {
          all.set(cell.values.subarray(0, cell.n), at);
          at += cell.n;
        }
        const [p50, p95, p99] = nearestRanks(all, [0.5, 0.95, 0.99]);
        return {
          step: this.names[c]!,
          traces: this.traces[c]!,
          events: this.events[c]!,
          samples: all.length,
          p50MsToNext: p50 ?? null,
          p95MsToNext: p95 ?? null,
          p99MsToNext: p99 ?? null,
          dropped: this.dropped[c]!,
          dropRate: this.traces[c] ? this.dropped[c]! / this.traces[c]! : 0,
          reasons: { FAIL: this.topReasons(c, FAIL), CANCEL: this.topReasons(c, CANCEL), DROPPED: this.topReasons(c, DROPPED) },
        };
      }),
      heatmap: {
        timeZone: this.timeZone,
        hours,
        steps: codes.map((c) => this.names[c]!),
        events: codes.map((c) => hours.map((h) => this.hourEvents[c * 24 + h]!)),
        medianMsToNext: codes.map((c) => hours.map((h) => {
          const cell = this.hourGaps[c * 24 + h]!;
          return nearestRanks(cell.values.subarray(0, cell.n), [0.5])[0]!;
        })),
      },
    };
  }
}

/** The report over events in (timestamp, arrival) order. */
export function bottleneckReport(events: readonly BottleneckEventRow[], timeZone: string): BottleneckReport {
  const names: string[] = [];
  const codes = new Map<string, number>();
  const code = (name: string | null) => {
    if (name === null) return NONE;
    let c = codes.get(name);
    if (c === undefined) codes.set(name, (c = names.push(name) - 1));
    return c;
  };
  const byTrace = new Map<string, BottleneckEventRow[]>();
  for (const e of events) {
    const list = byTrace.get(e.traceId);
    if (list) list.push(e);
    else byTrace.set(e.traceId, [e]);
  }
  for (const e of events) code(e.step);
  const tally = new BottleneckTally(timeZone, names, codes.get('DROPPED') ?? NONE);
  const hourOf = hourOfDayIn(timeZone);
  for (const list of byTrace.values()) {
    for (const e of list) tally.push(e.timestamp, hourOf(e.timestamp), code(e.step), statusCode(e.status), code(e.reason), code(e.lastStep));
    tally.endTrace();
  }
  return tally.report();
}

/** Bottlenecks of one service's journeys over the events with timestamps in [from, to]. */
export async function bottlenecks(store: Store, q: BottleneckQuery): Promise<BottleneckAnswer> {
  const report = await store.bottlenecks({ service: q.service, from: q.from, to: q.to, timeZone: q.timeZone });
  return { service: q.service, from: q.from ?? null, to: q.to ?? null, timeZone: q.timeZone, ...report };
}
