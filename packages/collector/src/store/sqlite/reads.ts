import type Database from 'better-sqlite3';
import type { DropCause } from '@waymark/protocol/types';
import {
  InvalidCursorError,
  type StoredPerformanceMetric,
  type StoredUiEvent,
  type ErrorQuery,
  type Page,
  type PageQuery,
  type PerformanceQuery,
  type ProgressQuery,
  type RejectedQuery,
  type ServiceSummary,
  type SessionQuery,
  type UiEventQuery,
} from '../store.js';
import { bodyFromRow, errorFromRow, progressFromRow, rejectedFromRow, sessionFromRow } from './rows.js';
import type { TraceQuery } from '../store.js';
import { traceFromRow } from './trace-rows.js';
import { statementCache } from './statement-cache.js';

type Row = Record<string, unknown>;
/** A filter: the SQL condition and its value; skipped when the value is undefined. */
type Filter = readonly [condition: string, value: unknown];

function decodeCursor(cursor: string | undefined): number | undefined {
  if (cursor === undefined) return undefined;
  if (!/^[0-9a-z]{1,12}$/.test(cursor)) throw new InvalidCursorError('cursor was not issued by this collector');
  return parseInt(cursor, 36);
}
const encodeCursor = (key: number) => key.toString(36);

/** Read statements on the reader connection. Lists are newest first, keyset-paginated on the row key. */
export function createReads(db: Database.Database) {
  const prepare = statementCache(db);

  function list<T>(
    table: string,
    key: string,
    filters: readonly Filter[],
    page: PageQuery,
    map: (row: Row) => T,
    order: 'ASC' | 'DESC' = 'DESC',
  ): Page<T> {
    const after = decodeCursor(page.cursor);
    const active = filters.filter(([, v]) => v !== undefined);
    if (after !== undefined) active.push([`${key} ${order === 'DESC' ? '<' : '>'} ?`, after]);
    const where = active.length ? `WHERE ${active.map(([c]) => c).join(' AND ')}` : '';
    const sql = `SELECT *, ${key} AS page_key FROM ${table} ${where} ORDER BY ${key} ${order} LIMIT ?`;
    const rows = prepare(sql).all(...active.map(([, v]) => v), page.limit + 1) as Row[];
    const more = rows.length > page.limit;
    if (more) rows.pop();
    const last = rows.at(-1);
    return { items: rows.map(map), nextCursor: more && last ? encodeCursor(last.page_key as number) : null };
  }

  const range = (column: string, q: { from?: number; to?: number }): Filter[] => [
    [`${column} >= ?`, q.from],
    [`${column} < ?`, q.to],
  ];
  const bool = (v: boolean | undefined) => (v === undefined ? undefined : v ? 1 : 0);

  const byEventId = {
    progress: db.prepare('SELECT * FROM progress_events WHERE event_id = ?'),
    ui_event: db.prepare('SELECT * FROM ui_events WHERE event_id = ?'),
    performance: db.prepare('SELECT * FROM performance_metrics WHERE event_id = ?'),
    error: db.prepare('SELECT * FROM error_reports WHERE event_id = ?'),
    purchase: db.prepare('SELECT * FROM purchases WHERE event_id = ?'),
  };
  const mapOf = { progress: progressFromRow, ui_event: bodyFromRow, performance: bodyFromRow, error: errorFromRow, purchase: bodyFromRow };
  const sessionById = db.prepare('SELECT * FROM sessions WHERE session_id = ?');
  const drops = db.prepare('SELECT COALESCE(SUM(overflow), 0) AS overflow, COALESCE(SUM(rejected), 0) AS rejected, COALESCE(SUM(quota), 0) AS quota FROM client_reports');

  return {
    /** Services of progress events in a timestamp range, with counts per step and per meta.subType, most events first. */
    services(q: { from?: number; to?: number }): ServiceSummary[] {
      const rows = prepare(
        `SELECT service, step, json_extract(meta, '$.subType') AS subType, COUNT(*) AS events, MAX(timestamp) AS last
         FROM progress_events WHERE timestamp >= ? AND timestamp < ? GROUP BY service, step, subType`,
      ).all(q.from ?? 0, q.to ?? Number.MAX_SAFE_INTEGER) as Array<{ service: string; step: string; subType: unknown; events: number; last: number }>;
      const byService = new Map<string, { events: number; lastTimestamp: number; steps: Map<string, number>; subTypes: Map<string, number> }>();
      for (const r of rows) {
        let s = byService.get(r.service);
        if (!s) byService.set(r.service, (s = { events: 0, lastTimestamp: 0, steps: new Map(), subTypes: new Map() }));
        s.events += r.events;
        s.lastTimestamp = Math.max(s.lastTimestamp, r.last);
        s.steps.set(r.step, (s.steps.get(r.step) ?? 0) + r.events);
        if (typeof r.subType === 'string') s.subTypes.set(r.subType, (s.subTypes.get(r.subType) ?? 0) + r.events);
      }
      const counted = <K extends string>(m: Map<string, number>, key: K) =>
        [...m].sort(([a, x], [b, y]) => y - x || a.localeCompare(b)).map(([v, events]) => ({ [key]: v, events }) as { [P in K]: string } & { events: number });
      return [...byService]
        .map(([service, s]) => ({ service, events: s.events, lastTimestamp: s.lastTimestamp, steps: counted(s.steps, 'step'), subTypes: counted(s.subTypes, 'subType') }))
        .sort((a, b) => b.events - a.events || a.service.localeCompare(b.service));
    },

    /** Items clients reported dropped, by cause, over every stored client report. */
    clientDrops: () => drops.get() as Record<DropCause, number>,
    record(kind: keyof typeof byEventId, eventId: string): unknown {
      const row = byEventId[kind].get(eventId) as Row | undefined;
      return row && mapOf[kind](row);
    },
    session(sessionId: string) {
      const row = sessionById.get(sessionId) as Row | undefined;
      return row && sessionFromRow(row);
    },
    sessions: (q: SessionQuery) =>
      list(
        'sessions',
        'rowid',
        [
          ['device_id = ?', q.deviceId],
          ['store_id = ?', q.storeId],
          ['group_id = ?', q.groupId],
          ['country_code = ?', q.countryCode],
          ['status = ?', q.status],
          ['exit_stage = ?', q.exitStage],
          ...range('started_at', q),
        ],
        q,
        sessionFromRow,
      ),
    uiEvents: (q: UiEventQuery) =>
      list(
        'ui_events',
        'seq',
        [
          ['session_id = ?', q.sessionId],
          ['device_id = ?', q.deviceId],
          ['event_type = ?', q.eventType],
          ['screen_id = ?', q.screenId],
          ...range('timestamp', q),
        ],
        q,
        bodyFromRow<StoredUiEvent>,
      ),
    sessionEvents: (sessionId: string, page: PageQuery) =>
      list('ui_events', 'sequence_no', [['session_id = ?', sessionId]], page, bodyFromRow<StoredUiEvent>, 'ASC'),
    performance: (q: PerformanceQuery) =>
      list(
        'performance_metrics',
        'seq',
        [
          ['session_id = ?', q.sessionId],
          ['device_id = ?', q.deviceId],
          ['metric_type = ?', q.metricType],
          ['success = ?', bool(q.success)],
          ...range('timestamp', q),
        ],
        q,
        bodyFromRow<StoredPerformanceMetric>,
      ),
    errors: (q: ErrorQuery) =>
      list(
        'error_reports',
        'seq',
        [
          ['session_id = ?', q.sessionId],
          ['device_id = ?', q.deviceId],
          ['severity = ?', q.severity],
          ['category = ?', q.category],
          ['resolved = ?', bool(q.resolved)],
          ...range('timestamp', q),
        ],
        q,
        errorFromRow,
      ),
    progress: (q: ProgressQuery) =>
      list(
        'progress_events',
        'seq',
        [
          ['trace_id = ?', q.traceId],
          ['service = ?', q.service],
          ['step = ?', q.step],
          ['status = ?', q.status],
          ...range('timestamp', q),
        ],
        q,
        progressFromRow,
      ),
    rejected: (q: RejectedQuery) =>
      list('rejected_items', 'seq', [['kind = ?', q.kind], ...range('received_at', q)], q, rejectedFromRow),
    /** Journeys newest first (by when their first event was stored), filtered on their current state. */
    traces: (q: TraceQuery) =>
      list(
        'traces',
        'rowid',
        [
          ['service = ?', q.service],
          ['step = ?', q.step],
          ['status = ?', q.status],
          ['terminal = ?', bool(q.terminal)],
          ...range('last_ts', q),
        ],
        q,
        traceFromRow,
      ),
  };
}
