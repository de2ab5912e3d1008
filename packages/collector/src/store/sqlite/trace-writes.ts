import type Database from 'better-sqlite3';
import type { Status } from '@waymark/protocol/types';
import { advance, follows, journeyOf, startJourney, stepRecord, type JourneyEvent, type JourneyState } from '../../domain/journey-state.js';
import { journeyEventFromRow, journeyFromRow } from './trace-rows.js';

type Row = Record<string, unknown>;

/** The journeys one write job touches, kept apart until the job has run to its end. */
export interface JourneyJob {
  /** A progress event the job has just inserted (its INSERT parameters, see INSERT_SQL.progress) and its row's seq. */
  add(params: readonly unknown[], seq: number): void;
  /** The journey lost events (a purge): recompute it from those left. */
  invalidate(traceId: string): void;
  /** The job succeeded: its journeys join the transaction's (or are written now, outside a group). */
  commit(): void;
}

/** A copy that can be folded into without changing the original. */
const copy = (s: JourneyState): JourneyState => ({ ...s, dwellMs: stepRecord(Object.entries(s.dwellMs)) });

/**
 * Keeps the `traces` table in step with `progress_events`, on the writer's
 * connection and inside the caller's transaction, so a journey's state and its events
 * commit together or not at all.
 *
 * Within a group commit (`beginGroup` … `endGroup`, around the transaction's jobs) a
 * journey is read once and written once, however many of the group's jobs add to it:
 * each job folds into its own copies, which join the group's states only when the job
 * has run to its end (a job that fails, in its savepoint, leaves them out), and the
 * states are written just before the commit. Journeys that got an event older than
 * their latest are recomputed from their stored events then, once.
 */
export function createTraceWrites(db: Database.Database) {
  const get = db.prepare('SELECT * FROM traces WHERE trace_id = ?');
  const upsert = db.prepare(
    `INSERT INTO traces (trace_id, service, step, status, reason, last_event_id, last_seq, first_ts, last_ts,
                         first_received_at, last_received_at, event_count, dwell, terminal)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
     ON CONFLICT (trace_id) DO UPDATE SET
       service = excluded.service, step = excluded.step, status = excluded.status, reason = excluded.reason,
       last_event_id = excluded.last_event_id, last_seq = excluded.last_seq, first_ts = excluded.first_ts,
       last_ts = excluded.last_ts, first_received_at = excluded.first_received_at,
       last_received_at = excluded.last_received_at, event_count = excluded.event_count,
       dwell = excluded.dwell, terminal = excluded.terminal`,
  );
  const remove = db.prepare('DELETE FROM traces WHERE trace_id = ?');
  // The (trace_id, timestamp) index gives journey order; equal timestamps come in rowid (seq) order.
  const events = db.prepare(
    'SELECT seq, event_id, service, step, status, reason, timestamp, received_at FROM progress_events WHERE trace_id = ? ORDER BY timestamp, seq',
  );
  // The traces of the progress rows the next purge chunk deletes (same rows as the purge's chunk).
  const inPurgeChunk = db
    .prepare(
      `SELECT DISTINCT trace_id FROM progress_events
       WHERE rowid IN (SELECT rowid FROM progress_events ORDER BY rowid LIMIT 5000) AND received_at < ?`,
    )
    .pluck();

  function write(traceId: string, s: JourneyState): void {
    upsert.run(
      traceId,
      s.service,
      s.step,
      s.status,
      s.reason,
      s.lastEventId,
      s.lastSeq,
      s.firstTimestamp,
      s.lastTimestamp,
      s.firstReceivedAt,
      s.lastReceivedAt,
      s.eventCount,
      JSON.stringify(s.dwellMs),
      s.terminal ? 1 : 0,
    );
  }

  /** Recomputes a journey from its stored events; deletes its state when none is left. */
  function recompute(traceId: string): void {
    const state = journeyOf((events.all(traceId) as Row[]).map(journeyEventFromRow));
    if (state) write(traceId, state);
    else remove.run(traceId);
  }

  /** The states of the group's journeys so far, and the journeys to recompute; undefined outside a group. */
  let group: { states: Map<string, JourneyState>; stale: Set<string> } | undefined;

  function flush(states: Map<string, JourneyState>, stale: Set<string>): void {
    for (const [traceId, state] of states) write(traceId, state);
    for (const traceId of stale) recompute(traceId);
  }

  return {
    /** A transaction begins: journeys are kept in memory until `endGroup`. */
    beginGroup(): void {
      group = { states: new Map(), stale: new Set() };
    },
    /** Writes the group's journeys, inside its transaction, before it commits. */
    endGroup(): void {
      const done = group;
      group = undefined;
      if (done) flush(done.states, done.stale);
    },
    /** Starts the journey updates of one write job. */
    job(): JourneyJob {
      const states = new Map<string, JourneyState>();
      const stale = new Set<string>();
      const markStale = (traceId: string) => {
        states.delete(traceId);
        stale.add(traceId);
      };
      return {
        add(p, seq) {
          const traceId = p[1] as string;
          if (stale.has(traceId)) return;
          const e: JourneyEvent = {
            seq,
            eventId: p[0] as string,
            service: p[2] as string,
            step: p[3] as string,
            status: p[4] as Status,
            reason: (p[5] as string | null) ?? null,
            timestamp: p[7] as number,
            receivedAt: p[9] as number,
          };
          let state = states.get(traceId);
          if (!state) {
            if (group?.stale.has(traceId)) return void stale.add(traceId);
            const known = group?.states.get(traceId);
            const row = known ? undefined : (get.get(traceId) as Row | undefined);
            if (!known && !row) return void states.set(traceId, startJourney(e));
            state = known ? copy(known) : journeyFromRow(row!);
            states.set(traceId, state);
          }
          // An event older than the journey's latest changes the dwell times before it too.
          if (follows(state, e)) advance(state, e);
          else markStale(traceId);
        },
        invalidate: markStale,
        commit() {
          if (!group) return flush(states, stale);
          for (const [traceId, state] of states) group.states.set(traceId, state);
          for (const traceId of stale) {
            group.states.delete(traceId);
            group.stale.add(traceId);
          }
        },
      };
    },
    /** The traces whose events the next purge chunk of `progress_events` deletes. */
    purgeChunkTraces: (cutoff: number) => inPurgeChunk.all(cutoff) as string[],
  };
}
