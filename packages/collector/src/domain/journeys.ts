import type { Store, StoredProgressEvent, TraceState } from '../store/store.js';
import { dwellOf } from './journey-state.js';

/** A progress event on a journey's timeline, with the time until the journey's next event. */
export type TimelineEvent = StoredProgressEvent & {
  /** Milliseconds to the next event in journey order (timestamps); null for the latest. */
  dwellMs: number | null;
};

/** One journey: its state and its events in journey order. */
export interface TraceView {
  state: TraceState;
  timeline: TimelineEvent[];
}

/** The state and timeline of one traceId; undefined when no progress event carries it. */
export async function traceView(store: Store, traceId: string): Promise<TraceView | undefined> {
  const state = await store.getTrace(traceId);
  if (!state) return undefined;
  const events = await store.traceEvents(traceId);
  const dwell = dwellOf(events);
  return { state, timeline: events.map((e, i) => ({ ...e, dwellMs: dwell[i]! })) };
}
