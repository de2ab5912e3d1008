import type Database from 'better-sqlite3';
import type { IdleSession, SequencedProgressEvent, StaleTraceQuery, StoredProgressEvent, TraceState } from '../store.js';
import { progressFromRow, sessionFromRow } from './rows.js';
import { traceFromRow } from './trace-rows.js';
import { statementCache } from './statement-cache.js';

type Row = Record<string, unknown>;

/**
 * Reads of journeys, the live stream and the sweeper, on the reader connection. The
 * list of journeys is in reads.ts, with the other keyset-paginated lists.
 */
export function createJourneyReads(db: Database.Database) {
  const prepare = statementCache(db);

  const trace = db.prepare('SELECT * FROM traces WHERE trace_id = ?');
  const traceEvents = db.prepare('SELECT * FROM progress_events WHERE trace_id = ? ORDER BY timestamp, seq');
  const head = db.prepare('SELECT COALESCE(MAX(seq), 0) FROM progress_events').pluck();
  // `+service` keeps the planner on the seq range: the (service, timestamp) index would
  // make it sort every later event of the service to find the first page.
  const after = db.prepare('SELECT * FROM progress_events WHERE seq > ? ORDER BY seq LIMIT ?');
  const afterOfService = db.prepare('SELECT * FROM progress_events WHERE seq > ? AND +service = ? ORDER BY seq LIMIT ?');
  // A session's UI events are found through the (session_id, sequence_no) unique index.
  const idleSessions = db.prepare(
    `SELECT * FROM (
       SELECT s.*,
              (SELECT MAX(received_at) FROM ui_events u WHERE u.session_id = s.session_id) AS ui_received_at,
              (SELECT MAX(timestamp) FROM ui_events u WHERE u.session_id = s.session_id) AS ui_timestamp
       FROM sessions s WHERE s.status = 'active' AND s.updated_at <= @before
     ) WHERE COALESCE(ui_received_at, 0) <= @before
     ORDER BY MAX(updated_at, COALESCE(ui_received_at, 0)) LIMIT @limit`,
  );

  return {
    trace(traceId: string): TraceState | undefined {
      const row = trace.get(traceId) as Row | undefined;
      return row && traceFromRow(row);
    },
    traceEvents: (traceId: string): StoredProgressEvent[] => (traceEvents.all(traceId) as Row[]).map(progressFromRow),
    progressHead: () => head.get() as number,
    progressAfter(afterSeq: number, o: { service?: string; limit: number }): SequencedProgressEvent[] {
      const rows = (o.service === undefined ? after.all(afterSeq, o.limit) : afterOfService.all(afterSeq, o.service, o.limit)) as Row[];
      return rows.map((row) => ({ seq: row.seq as number, event: progressFromRow(row) }));
    },
    staleTraces(q: StaleTraceQuery): TraceState[] {
      const where = ['terminal = 0', 'last_received_at <= ?'];
      const params: unknown[] = [q.lastReceivedAtMost];
      const and = (condition: string, ...values: unknown[]) => {
        where.push(condition);
        params.push(...values);
      };
      const list = (values: readonly unknown[]) => values.map(() => '?').join(', ');
      if (q.service !== undefined) and('service = ?', q.service);
      if (q.step !== undefined) and('step = ?', q.step);
      if (q.exceptServices?.length) and(`service NOT IN (${list(q.exceptServices)})`, ...q.exceptServices);
      if (q.exceptSteps?.length) and(`step NOT IN (${list(q.exceptSteps)})`, ...q.exceptSteps);
      const sql = `SELECT * FROM traces WHERE ${where.join(' AND ')} ORDER BY last_received_at LIMIT ?`;
      return (prepare(sql).all(...params, q.limit) as Row[]).map(traceFromRow);
    },
    idleSessions(q: { lastActivityAtMost: number; limit: number }): IdleSession[] {
      return (idleSessions.all({ before: q.lastActivityAtMost, limit: q.limit }) as Row[]).map((row) => ({
        session: sessionFromRow(row),
        lastActivityAt: Math.max(row.updated_at as number, (row.ui_received_at as number | null) ?? 0),
        lastEventTimestamp: (row.ui_timestamp as number | null) ?? null,
      }));
    },
  };
}
