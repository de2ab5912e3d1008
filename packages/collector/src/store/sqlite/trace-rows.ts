import type { Status } from '@waymark/protocol/types';
import { stepRecord, type JourneyEvent, type JourneyState } from '../../domain/journey-state.js';
import type { TraceState } from '../store.js';

type Row = Record<string, unknown>;

/** The stored state of a journey, from its `traces` row. */
export function journeyFromRow(row: Row): JourneyState {
  return {
    service: row.service as string,
    step: row.step as string,
    status: row.status as Status,
    reason: (row.reason as string | null) ?? null,
    lastEventId: row.last_event_id as string,
    lastSeq: row.last_seq as number,
    firstTimestamp: row.first_ts as number,
    lastTimestamp: row.last_ts as number,
    firstReceivedAt: row.first_received_at as number,
    lastReceivedAt: row.last_received_at as number,
    eventCount: row.event_count as number,
    // JSON.parse makes every key an own property, `__proto__` included.
    dwellMs: stepRecord(Object.entries(JSON.parse(row.dwell as string) as Record<string, number>)),
    terminal: row.terminal === 1,
  };
}

/** A journey's state as the store answers it. */
export function traceFromRow(row: Row): TraceState {
  const { lastSeq: _seq, ...state } = journeyFromRow(row);
  return { traceId: row.trace_id as string, ...state };
}

/** A journey event from a `progress_events` row. */
export const journeyEventFromRow = (row: Row): JourneyEvent => ({
  seq: row.seq as number,
  eventId: row.event_id as string,
  service: row.service as string,
  step: row.step as string,
  status: row.status as Status,
  reason: (row.reason as string | null) ?? null,
  timestamp: row.timestamp as number,
  receivedAt: row.received_at as number,
});
