import type Database from 'better-sqlite3';
import type { Session, SessionPatch } from '@waymark/protocol/types';
import type { RejectedItem } from '../store.js';
import { sessionParams, type IngestRow } from './rows.js';
import { RETAINED_TABLES } from './schema.js';
import { createTraceWrites } from './trace-writes.js';
import type { DailySummary } from '../analytics.js';
import { createDailySummaryWrites } from './daily-summaries.js';

/** Every write the writer thread runs; each is one job inside a group commit. */
export type WriteJob =
  | { op: 'ingest'; rows: IngestRow[] }
  | { op: 'quarantine'; items: RejectedItem[] }
  | { op: 'createSession'; session: Session; receivedAt: number; derivedTimestamp?: number; now: number }
  | { op: 'patchSession'; sessionId: string; patch: SessionPatch; now: number }
  | { op: 'resolveError'; id: string; now: number }
  | { op: 'purge'; cutoff: number }
  | { op: 'replaceDailySummaries'; date: string; summaries: readonly DailySummary[] }
  /** Writes the journey states computed since the last flush, before a read of them. */
  | { op: 'flushJourneys' };

export type PatchOutcome = { status: 'updated' } | { status: 'not_found' } | { status: 'conflict'; from: string; to: string };

const SESSION_COLUMNS =
  'session_id, device_id, store_id, group_id, country_code, started_at, ended_at, status, exit_stage, body, created_at, updated_at, received_at, derived_ts';
const SESSION_VALUES = '?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?';

/**
 * The INSERT of each record kind. A replayed item hits a UNIQUE constraint and is
 * skipped, which is what makes ingest idempotent. Exported so benchmarks time the very
 * statements the writer runs.
 */
export const INSERT_SQL = {
  progress: `INSERT INTO progress_events (event_id, trace_id, service, step, status, reason, meta, timestamp, schema_version, received_at, derived_ts)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`,
  ui_event: `INSERT INTO ui_events (event_id, session_id, sequence_no, device_id, screen_id, event_type, timestamp, body, received_at, derived_ts)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`,
  performance: `INSERT INTO performance_metrics (event_id, session_id, device_id, metric_type, success, duration_ms, timestamp, body, received_at, derived_ts)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`,
  error: `INSERT INTO error_reports (event_id, session_id, device_id, severity, category, resolved, timestamp, body, received_at, derived_ts)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`,
  purchase: `INSERT INTO purchases (event_id, session_id, device_id, timestamp, body, received_at, derived_ts)
     VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`,
  client_report: `INSERT INTO client_reports (event_id, device_id, overflow, rejected, quota, timestamp, received_at)
     VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`,
} as const satisfies Record<Exclude<IngestRow['kind'], 'session'>, string>;

/** Prepared statements of the writer connection, and the job functions that use them. */
export function createWrites(db: Database.Database) {
  const insert = {
    progress: db.prepare(INSERT_SQL.progress),
    ui_event: db.prepare(INSERT_SQL.ui_event),
    performance: db.prepare(INSERT_SQL.performance),
    error: db.prepare(INSERT_SQL.error),
    purchase: db.prepare(INSERT_SQL.purchase),
    client_report: db.prepare(INSERT_SQL.client_report),
  };
  const sessionRevision = db.prepare('INSERT INTO session_revisions (event_id, session_id) VALUES (?, ?) ON CONFLICT DO NOTHING');
  // A later revision replaces the stored one, except that a session already ended
  // is never reopened by a late or replayed "active" revision.
  const sessionUpsert = db.prepare(
    `INSERT INTO sessions (${SESSION_COLUMNS}) VALUES (${SESSION_VALUES})
     ON CONFLICT (session_id) DO UPDATE SET
       device_id = excluded.device_id, store_id = excluded.store_id, group_id = excluded.group_id,
       country_code = excluded.country_code, started_at = excluded.started_at, ended_at = excluded.ended_at,
       status = excluded.status, exit_stage = excluded.exit_stage, body = excluded.body,
       updated_at = excluded.updated_at, received_at = excluded.received_at, derived_ts = excluded.derived_ts
     WHERE NOT (sessions.status <> 'active' AND excluded.status = 'active')`,
  );
  const sessionInsert = db.prepare(`INSERT INTO sessions (${SESSION_COLUMNS}) VALUES (${SESSION_VALUES}) ON CONFLICT DO NOTHING`);
  const sessionBody = db.prepare('SELECT body FROM sessions WHERE session_id = ?').pluck();
  const sessionUpdate = db.prepare(
    `UPDATE sessions SET device_id = ?, store_id = ?, group_id = ?, country_code = ?, started_at = ?, ended_at = ?,
       status = ?, exit_stage = ?, body = ?, updated_at = ? WHERE session_id = ?`,
  );
  const quarantine = db.prepare(
    'INSERT INTO rejected_items (received_at, route, kind, item_index, errors, body) VALUES (?, ?, ?, ?, ?, ?)',
  );
  const resolveError = db.prepare(
    'UPDATE error_reports SET resolved = 1, resolved_at = coalesce(resolved_at, ?) WHERE event_id = ?',
  );
  const traces = createTraceWrites(db);
  const replaceDailySummaries = createDailySummaryWrites(db);
  const purge = RETAINED_TABLES.map(([table, column]) => ({
    table,
    oldest: db.prepare(`SELECT ${column} FROM ${table} ORDER BY rowid LIMIT 1`).pluck(),
    // Rows are dated in insertion order, so the expired ones are at the low rowids:
    // reading the oldest chunk is enough, with no index on the date.
    chunk: db.prepare(
      `DELETE FROM ${table} WHERE rowid IN (SELECT rowid FROM ${table} ORDER BY rowid LIMIT 5000) AND ${column} < ?`,
    ),
  }));
  const purgeRevisions = db.prepare(
    'DELETE FROM session_revisions WHERE session_id NOT IN (SELECT session_id FROM sessions)',
  );

  function ingest(rows: IngestRow[]): number[] {
    // Journey states follow the job's events once they commit; a failing job adds none.
    const journeys = traces.job();
    const changes = rows.map((row) => {
      if (row.kind === 'session') {
        const [revision, ...params] = row.params;
        if (sessionRevision.run(revision, params[0]).changes === 0) return 0;
        sessionUpsert.run(params);
        return 1;
      }
      const result = insert[row.kind].run(row.params);
      if (row.kind === 'progress' && result.changes === 1) journeys.add(row.params, Number(result.lastInsertRowid));
      return result.changes;
    });
    journeys.commit();
    return changes;
  }

  function patchSession(sessionId: string, patch: SessionPatch, now: number): PatchOutcome {
    const body = sessionBody.get(sessionId) as string | undefined;
    if (body === undefined) return { status: 'not_found' };
    const current = JSON.parse(body) as Session;
    if (patch.status !== undefined && current.status !== 'active' && patch.status !== current.status) {
      return { status: 'conflict', from: current.status, to: patch.status };
    }
    const next: Session = { ...current, ...patch };
    const p = sessionParams(next, { receivedAt: now }, now);
    sessionUpdate.run(p[1], p[2], p[3], p[4], p[5], p[6], p[7], p[8], p[9], now, sessionId);
    return { status: 'updated' };
  }

  function purgeBefore(cutoff: number): number {
    let deleted = 0;
    // Journeys that lose events to the purge are recomputed from the events left.
    const journeys = traces.job();
    for (const { table, oldest, chunk } of purge) {
      for (;;) {
        const first = oldest.get() as number | undefined;
        if (first === undefined || first >= cutoff) break;
        if (table === 'progress_events') for (const traceId of traces.purgeChunkTraces(cutoff)) journeys.invalidate(traceId);
        const n = chunk.run(cutoff).changes;
        deleted += n;
        if (n === 0) break;
      }
    }
    purgeRevisions.run();
    journeys.commit();
    return deleted;
  }

  /**
   * Runs one job; the caller owns the transaction, and calls `beginGroup()` after its
   * BEGIN and `endGroup(committed)` once it has committed or rolled back, so journeys
   * changed by writes that did not commit are recomputed. Journey states are written by
   * `flushJourneys()` (in a transaction of the caller's) or the `flushJourneys` job.
   */
  function run(job: WriteJob): unknown {
    switch (job.op) {
      case 'ingest':
        return ingest(job.rows);
      case 'quarantine':
        for (const r of job.items) quarantine.run(r.receivedAt, r.route, r.kind, r.index, JSON.stringify(r.errors), r.body);
        return undefined;
      case 'createSession':
        return (
          sessionInsert.run(sessionParams(job.session, { receivedAt: job.receivedAt, derivedTimestamp: job.derivedTimestamp }, job.now))
            .changes === 1
        );
      case 'patchSession':
        return patchSession(job.sessionId, job.patch, job.now);
      case 'resolveError':
        return resolveError.run(job.now, job.id).changes === 1;
      case 'purge':
        return purgeBefore(job.cutoff);
      case 'replaceDailySummaries':
        return replaceDailySummaries(job.date, job.summaries);
      case 'flushJourneys':
        return traces.flushPending();
    }
  }
  return Object.assign(run, {
    beginGroup: traces.beginGroup,
    endGroup: traces.endGroup,
    foldJourneys: traces.foldCommitted,
    flushJourneys: traces.flushPending,
    pendingJourneys: traces.pendingCount,
  });
}
