/**
 * The journey state machine (seed 000 §6): the state of one traceId, as a pure
 * function of its progress events. Events are taken in journey order — by
 * `timestamp`, then by arrival (`seq`) for equal timestamps — so the state does not
 * depend on the order in which events arrived: it is that of the last event in
 * journey order, and the time spent in each step is the gap from each event to the
 * next one, summed per step.
 *
 * The writer folds new events into the stored state when they come after its last
 * event (the usual case) and recomputes it from all of the trace's events otherwise.
 */
import type { Status } from '@waymark/protocol/types';

/** One progress event, as the journey reads it. */
export interface JourneyEvent {
  /** Arrival order: the stored row's sequence number. */
  seq: number;
  eventId: string;
  service: string;
  step: string;
  status: Status;
  reason: string | null;
  timestamp: number;
  /** Collector clock at arrival. */
  receivedAt: number;
}

/** A journey's state: where it is now and how it got there. */
export interface JourneyState {
  /** The service of the latest event. */
  service: string;
  /** Step, status and reason of the latest event (journey order). */
  step: string;
  status: Status;
  reason: string | null;
  lastEventId: string;
  lastSeq: number;
  firstTimestamp: number;
  lastTimestamp: number;
  /** Collector clock: the earliest and the latest arrival of any of its events. */
  firstReceivedAt: number;
  lastReceivedAt: number;
  eventCount: number;
  /**
   * Milliseconds spent in each step: for every event but the last, the time to the next
   * event, summed per step. The latest step's open time is not in it.
   */
  dwellMs: Record<string, number>;
  /** Whether the latest event ends the journey (see `isTerminal`). */
  terminal: boolean;
}

/** Steps that end a journey (seed 000 §3): done, failed, cancelled, dropped. */
export const TERMINAL_STEPS: ReadonlySet<string> = new Set(['COMPLETED', 'FAILED', 'CANCEL', 'DROPPED']);
/** Statuses that end a journey (seed 000 §5): everything but SUCCESS. */
export const TERMINAL_STATUSES: ReadonlySet<string> = new Set(['FAIL', 'CANCEL', 'DROPPED']);

/** Whether an event with this step and status ends its journey, so the sweeper leaves it alone. */
export const isTerminal = (step: string, status: string): boolean => TERMINAL_STEPS.has(step) || TERMINAL_STATUSES.has(status);

/** Journey order: by timestamp, then by arrival. */
export const journeyOrder = (a: Pick<JourneyEvent, 'timestamp' | 'seq'>, b: Pick<JourneyEvent, 'timestamp' | 'seq'>): number =>
  a.timestamp - b.timestamp || a.seq - b.seq;

/** Whether `e` comes after the state's latest event in journey order, so it can be folded in. */
export const follows = (state: JourneyState, e: JourneyEvent): boolean =>
  e.timestamp > state.lastTimestamp || (e.timestamp === state.lastTimestamp && e.seq > state.lastSeq);

/**
 * A record keyed by step names. Step names are client text: with no prototype, a step
 * called `__proto__` or `constructor` is a key like any other.
 */
export function stepRecord(entries: Iterable<readonly [string, number]> = []): Record<string, number> {
  const record = Object.create(null) as Record<string, number>;
  for (const [k, v] of entries) record[k] = v;
  return record;
}

/** The state of a journey whose only event is `e`. */
export function startJourney(e: JourneyEvent): JourneyState {
  return {
    service: e.service,
    step: e.step,
    status: e.status,
    reason: e.reason,
    lastEventId: e.eventId,
    lastSeq: e.seq,
    firstTimestamp: e.timestamp,
    lastTimestamp: e.timestamp,
    firstReceivedAt: e.receivedAt,
    lastReceivedAt: e.receivedAt,
    eventCount: 1,
    dwellMs: stepRecord(),
    terminal: isTerminal(e.step, e.status),
  };
}

/**
 * Folds in an event that `follows` the state (the caller checks): the step left
 * gets the time until this event, and this event becomes the journey's latest.
 * Changes and returns `state`.
 */
export function advance(state: JourneyState, e: JourneyEvent): JourneyState {
  state.dwellMs[state.step] = (state.dwellMs[state.step] ?? 0) + (e.timestamp - state.lastTimestamp);
  state.service = e.service;
  state.step = e.step;
  state.status = e.status;
  state.reason = e.reason;
  state.lastEventId = e.eventId;
  state.lastSeq = e.seq;
  state.lastTimestamp = e.timestamp;
  state.firstReceivedAt = Math.min(state.firstReceivedAt, e.receivedAt);
  state.lastReceivedAt = Math.max(state.lastReceivedAt, e.receivedAt);
  state.eventCount++;
  state.terminal = isTerminal(e.step, e.status);
  return state;
}

/** The state of a journey from all of its events, in any order; undefined for none. */
export function journeyOf(events: readonly JourneyEvent[]): JourneyState | undefined {
  const ordered = [...events].sort(journeyOrder);
  const [first, ...rest] = ordered;
  if (!first) return undefined;
  const state = startJourney(first);
  for (const e of rest) advance(state, e);
  return state;
}

/** Each event's dwell: the time to the next event in journey order, null for the last. `events` are in journey order. */
export function dwellOf(events: ReadonlyArray<Pick<JourneyEvent, 'timestamp'>>): Array<number | null> {
  return events.map((e, i) => (i + 1 < events.length ? events[i + 1]!.timestamp - e.timestamp : null));
}
