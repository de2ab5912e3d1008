import type Database from 'better-sqlite3';
import type { Status } from '@waymark/protocol/types';
import { advance, follows, journeyOf, startJourney, type JourneyEvent, type JourneyState } from '../../domain/journey-state.js';
import { journeyEventFromRow, journeyFromRow } from './trace-rows.js';

type Row = Record<string, unknown>;

/** Journey states kept in memory once written (about 300 bytes each). */
const WRITTEN_CACHE = 100_000;

/** The journeys one write job touches. */
export interface JourneyJob {
  /** A progress event the job has just inserted (its INSERT parameters, see INSERT_SQL.progress) and its row's seq. */
  add(params: readonly unknown[], seq: number): void;
  /** The journey lost events (a purge): recompute it from those left. */
  invalidate(traceId: string): void;
  /** The job ran to its end. */
  commit(): void;
  /** The job failed and its writes were rolled back: the journeys it touched are recomputed from their stored events. */
  abort(): void;
}

/**
 * Keeps the `traces` table in step with `progress_events`, on the writer's connection.
 *
 * A journey's new state is computed as its events are inserted, but written later, in
 * batches: `flushPending()` writes every state changed since the last flush, at most
 * once each, with the last progress seq they include (`journey_projection`). Under
 * load that turns one random write per event into one per journey per flush, which is
 * what keeps ingest near the speed of the event inserts alone. Readers call the
 * `flushJourneys` job first, so they always see every committed event; after a crash,
 * the journeys with events past the recorded seq are recomputed at start.
 *
 * Events are folded into the states in memory as they are inserted, with no copy per
 * transaction: a rollback is rare, and its journeys are simply marked stale, to be
 * recomputed from their stored events at the next flush (a recompute is right whatever
 * the state in memory holds). Journeys that got an event older than their latest are
 * recomputed the same way. Transactions are bracketed by `beginGroup` and `endGroup`.
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
  const readSeq = db.prepare('SELECT seq FROM journey_projection WHERE id = 1').pluck();
  const writeSeq = db.prepare('UPDATE journey_projection SET seq = max(seq, ?) WHERE id = 1');
  const since = db.prepare('SELECT DISTINCT trace_id FROM progress_events WHERE seq > ?').pluck();

  /**
   * Journey states in memory: every changed one until it is written, and then the
   * most recently written, so a journey's next event finds its state here rather than
   * in a random page of the table. Only this connection writes `traces`.
   */
  const states = new Map<string, JourneyState>();
  /** Changed since the last flush. */
  const dirty = new Set<string>();
  /** To recompute from their stored events at the next flush. */
  const stale = new Set<string>();
  /** The greatest progress seq folded in by a committed transaction. */
  let committedSeq = 0;
  /** The open transaction: the journeys it touched and wrote, and the greatest seq it folded in. */
  let group: { touched: string[]; flushed: string[]; seq: number } | undefined;

  const markStale = (traceId: string) => {
    stale.add(traceId);
    dirty.delete(traceId);
    states.delete(traceId);
  };

  function write(traceId: string, s: JourneyState): void {
    // Re-inserted, so the map's order is that of the last write, oldest first.
    states.delete(traceId);
    states.set(traceId, s);
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
    else states.delete(traceId), remove.run(traceId);
  }

  /** Writes the changed states; the caller owns the transaction. */
  function flushPending(): number {
    const n = dirty.size + stale.size;
    for (const traceId of dirty) write(traceId, states.get(traceId)!);
    for (const traceId of stale) recompute(traceId);
    if (committedSeq) writeSeq.run(committedSeq);
    if (group) for (const set of [dirty, stale]) for (const traceId of set) group.flushed.push(traceId);
    dirty.clear();
    stale.clear();
    return n;
  }

  // Journeys whose last events were committed but not yet written when the process
  // stopped: recomputed, so the table is whole before the first request.
  {
    const recorded = readSeq.get() as number;
    const behind = since.all(recorded) as string[];
    if (behind.length) {
      db.transaction(() => {
        for (const traceId of behind) recompute(traceId);
        db.prepare('UPDATE journey_projection SET seq = (SELECT COALESCE(MAX(seq), 0) FROM progress_events) WHERE id = 1').run();
      })();
    }
  }

  return {
    /** A transaction begins. */
    beginGroup(): void {
      group = { touched: [], flushed: [], seq: 0 };
    },
    /**
     * The transaction ended. Committed: its events count as folded in. Rolled back: the
     * states it wrote are written again, and the journeys it changed are recomputed.
     */
    endGroup(committed: boolean): void {
      const done = group;
      group = undefined;
      if (!done) return;
      if (committed) {
        committedSeq = Math.max(committedSeq, done.seq);
        // Clean states beyond the cache's size go, least recently written first.
        if (states.size - dirty.size > WRITTEN_CACHE) {
          for (const traceId of states.keys()) {
            if (states.size <= WRITTEN_CACHE + dirty.size) break;
            if (!dirty.has(traceId)) states.delete(traceId);
          }
        }
        return;
      }
      for (const traceId of done.flushed) {
        if (states.has(traceId)) dirty.add(traceId);
        else stale.add(traceId);
      }
      for (const traceId of done.touched) markStale(traceId);
    },
    flushPending,
    /** Journeys computed but not yet written. */
    pendingCount: () => dirty.size + stale.size,
    /** Starts the journey updates of one write job. */
    job(): JourneyJob {
      const touched: string[] = [];
      let seq = 0;
      return {
        add(p, rowSeq) {
          const traceId = p[1] as string;
          if (rowSeq > seq) seq = rowSeq;
          if (stale.has(traceId)) return;
          touched.push(traceId);
          const e: JourneyEvent = {
            seq: rowSeq,
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
            const row = get.get(traceId) as Row | undefined;
            state = row ? journeyFromRow(row) : startJourney(e);
            states.set(traceId, state);
            dirty.add(traceId);
            if (!row) return;
          }
          // An event older than the journey's latest changes the dwell times before it too.
          if (follows(state, e)) {
            advance(state, e);
            dirty.add(traceId);
          } else markStale(traceId);
        },
        invalidate: markStale,
        commit() {
          if (!group) {
            committedSeq = Math.max(committedSeq, seq);
            return;
          }
          for (const traceId of touched) group.touched.push(traceId);
          group.seq = Math.max(group.seq, seq);
        },
        abort() {
          for (const traceId of touched) markStale(traceId);
        },
      };
    },
    /** The traces whose events the next purge chunk of `progress_events` deletes. */
    purgeChunkTraces: (cutoff: number) => inPurgeChunk.all(cutoff) as string[],
  };
}
