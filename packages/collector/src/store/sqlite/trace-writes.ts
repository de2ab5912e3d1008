import type Database from 'better-sqlite3';
import type { Status } from '@waymark/protocol/types';
import { advance, follows, journeyOf, startJourney, stepRecord, type JourneyEvent, type JourneyState } from '../../domain/journey-state.js';
import { journeyEventFromRow, journeyFromRow } from './trace-rows.js';

type Row = Record<string, unknown>;

/** Journey states kept in memory after they are written (about 300 bytes each). */
const WRITTEN_CACHE = 100_000;

/** The journeys one write job touches, kept apart until the job has run to its end. */
export interface JourneyJob {
  /** A progress event the job has just inserted (its INSERT parameters, see INSERT_SQL.progress) and its row's seq. */
  add(params: readonly unknown[], seq: number): void;
  /** The journey lost events (a purge): recompute it from those left. */
  invalidate(traceId: string): void;
  /** The job succeeded: its journeys join the transaction's (or the pending ones, outside a group). */
  commit(): void;
}

/** A copy that can be folded into without changing the original. */
const copy = (s: JourneyState): JourneyState => ({ ...s, dwellMs: stepRecord(Object.entries(s.dwellMs)) });

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
 * Within a group commit (`beginGroup` … `endGroup`, around the transaction's jobs) each
 * job folds into its own copies, which join the group's states only when the job has
 * run to its end (a job that fails, in its savepoint, leaves them out); the group's
 * join the pending ones once the transaction has committed. Journeys that got an event
 * older than their latest are recomputed from their stored events at the flush.
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

  /**
   * The states last written, newest last: a journey's next event finds its state here
   * rather than in a random page of the table. Only this connection writes `traces`.
   */
  const written = new Map<string, JourneyState>();
  const remember = (traceId: string, s: JourneyState) => {
    written.delete(traceId);
    written.set(traceId, s);
    if (written.size > WRITTEN_CACHE) written.delete(written.keys().next().value!);
  };

  function write(traceId: string, s: JourneyState): void {
    remember(traceId, s);
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
    else written.delete(traceId), remove.run(traceId);
  }

  interface Changes {
    states: Map<string, JourneyState>;
    stale: Set<string>;
    /** The greatest progress seq folded in. */
    seq: number;
  }
  const changes = (): Changes => ({ states: new Map(), stale: new Set(), seq: 0 });
  /** The states of the group's journeys so far, and the journeys to recompute; undefined outside a group. */
  let group: (Changes & { isolate: boolean }) | undefined;
  /** Committed, not yet written. */
  let pending = changes();

  const readSeq = db.prepare('SELECT seq FROM journey_projection WHERE id = 1').pluck();
  const writeSeq = db.prepare('UPDATE journey_projection SET seq = max(seq, ?) WHERE id = 1');
  const since = db.prepare('SELECT DISTINCT trace_id FROM progress_events WHERE seq > ?').pluck();

  /** Adds `from` to `into`: later states replace earlier ones, a recompute wins over a state. */
  function merge(into: Changes, from: Changes): void {
    for (const [traceId, state] of from.states) if (!into.stale.has(traceId)) into.states.set(traceId, state);
    for (const traceId of from.stale) {
      into.states.delete(traceId);
      into.stale.add(traceId);
    }
    into.seq = Math.max(into.seq, from.seq);
  }

  /** Writes the pending states; the caller owns the transaction. */
  function flushPending(): number {
    const done = pending;
    for (const [traceId, state] of done.states) write(traceId, state);
    for (const traceId of done.stale) recompute(traceId);
    if (done.seq) writeSeq.run(done.seq);
    // Only once written: a failed flush (rolled back by the caller) keeps them pending.
    pending = changes();
    return done.states.size + done.stale.size;
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
    /**
     * A transaction begins: its journeys are kept apart until `endGroup`. With
     * `isolate`, each job's changes join the group's only when the job succeeds (jobs
     * run in savepoints); without, a failing job aborts the whole group, so jobs fold
     * straight into the group's own copies.
     */
    beginGroup(isolate = true): void {
      group = { ...changes(), isolate };
    },
    /** The transaction committed: its journeys join the pending ones. */
    endGroup(): void {
      const done = group;
      group = undefined;
      if (done) merge(pending, done);
    },
    flushPending,
    /** Journeys computed but not yet written. */
    pendingCount: () => pending.states.size + pending.stale.size,
    /** Starts the journey updates of one write job. */
    job(): JourneyJob {
      // Inside a group run without savepoints the job's changes are the group's.
      const mine = group && !group.isolate ? group : changes();
      const shared = mine === group;
      const { states, stale } = mine;
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
          mine.seq = Math.max(mine.seq, seq);
          let state = states.get(traceId);
          if (!state) {
            if ((!shared && group?.stale.has(traceId)) || pending.stale.has(traceId)) return void stale.add(traceId);
            const known = (shared ? undefined : group?.states.get(traceId)) ?? pending.states.get(traceId) ?? written.get(traceId);
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
          if (!shared) merge(group ?? pending, mine);
        },
      };
    },
    /** The traces whose events the next purge chunk of `progress_events` deletes. */
    purgeChunkTraces: (cutoff: number) => inPurgeChunk.all(cutoff) as string[],
  };
}
