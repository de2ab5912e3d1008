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
  /** The job ran to its end: its events are folded in once its transaction commits. */
  commit(): void;
}

/**
 * The progress events one job inserted, waiting for their transaction to commit: their
 * INSERT parameters and their rows' seqs. Kept as they came, so that waiting costs no
 * copy; the journey event is built when it is folded in.
 */
interface Added {
  params: Array<readonly unknown[]>;
  seqs: number[];
}

const journeyEvent = (p: readonly unknown[], seq: number): JourneyEvent => ({
  seq,
  eventId: p[0] as string,
  service: p[2] as string,
  step: p[3] as string,
  status: p[4] as Status,
  reason: (p[5] as string | null) ?? null,
  timestamp: p[7] as number,
  receivedAt: p[9] as number,
});

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
 * Events are folded into the states in memory once their transaction has committed
 * (`foldCommitted`, after the commit's answer has gone out), all of a group in one
 * pass, so a state never holds an event that was rolled back. Journeys that got an
 * event older than their latest are marked stale and recomputed from their stored
 * events at the next flush, which is right whatever the state in memory holds.
 * Transactions are bracketed by `beginGroup` and `endGroup`.
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
  /** The open transaction: its jobs' events, the journeys it wrote, and its greatest progress seq. */
  let group: { jobs: Added[]; flushed: string[]; seq: number } | undefined;
  /** The events of committed transactions, not yet folded in. */
  let unfolded: Added[] = [];

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

  function fold(p: readonly unknown[], seq: number): void {
    const traceId = p[1] as string;
    if (stale.has(traceId)) return;
    const e = journeyEvent(p, seq);
    let state = states.get(traceId);
    if (!state) {
      const row = get.get(traceId) as Row | undefined;
      if (!row) {
        states.set(traceId, startJourney(e));
        dirty.add(traceId);
        return;
      }
      state = journeyFromRow(row);
      states.set(traceId, state);
    }
    // An event older than the journey's latest changes the dwell times before it too.
    if (follows(state, e)) {
      advance(state, e);
      dirty.add(traceId);
    } else markStale(traceId);
  }

  /** Folds the events of committed transactions into the states in memory. */
  function foldCommitted(): void {
    if (unfolded.length === 0) return;
    const lists = unfolded;
    unfolded = [];
    // One read transaction for the stored states this needs, rather than one per read.
    const own = !db.inTransaction;
    if (own) db.exec('BEGIN');
    try {
      for (const { params, seqs } of lists) for (let i = 0; i < params.length; i++) fold(params[i]!, seqs[i]!);
    } catch (error) {
      // A state could not be read: these journeys are recomputed at the flush instead.
      for (const { params } of lists) for (const p of params) markStale(p[1] as string);
      throw error;
    } finally {
      if (own) db.exec('COMMIT');
    }
    // Clean states beyond the cache's size go, least recently written first.
    if (states.size - dirty.size > WRITTEN_CACHE) {
      for (const traceId of states.keys()) {
        if (states.size <= WRITTEN_CACHE + dirty.size) break;
        if (!dirty.has(traceId)) states.delete(traceId);
      }
    }
  }

  /** Writes the changed states; the caller owns the transaction. */
  function flushPending(): number {
    foldCommitted();
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
      group = { jobs: [], flushed: [], seq: 0 };
    },
    /**
     * The transaction ended. Committed: its events are to be folded in. Rolled back:
     * the journeys it wrote are recomputed (a recompute in it may have read its events).
     */
    endGroup(committed: boolean): void {
      const done = group;
      group = undefined;
      if (!done) return;
      if (committed) {
        committedSeq = Math.max(committedSeq, done.seq);
        for (const list of done.jobs) unfolded.push(list);
        return;
      }
      for (const traceId of done.flushed) markStale(traceId);
    },
    foldCommitted,
    flushPending,
    /** Journeys computed but not yet written. */
    pendingCount: () => dirty.size + stale.size + unfolded.length,
    /** Starts the journey updates of one write job. */
    job(): JourneyJob {
      const added: Added = { params: [], seqs: [] };
      let seq = 0;
      return {
        add(p, rowSeq) {
          if (rowSeq > seq) seq = rowSeq;
          added.params.push(p);
          added.seqs.push(rowSeq);
        },
        invalidate: markStale,
        commit() {
          if (group) {
            group.jobs.push(added);
            group.seq = Math.max(group.seq, seq);
          } else {
            // Outside a group the caller commits at once.
            committedSeq = Math.max(committedSeq, seq);
            unfolded.push(added);
          }
        },
      };
    },
    /** The traces whose events the next purge chunk of `progress_events` deletes. */
    purgeChunkTraces: (cutoff: number) => inPurgeChunk.all(cutoff) as string[],
  };
}
