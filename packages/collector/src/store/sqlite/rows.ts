import type { ItemKind, Session } from '@waymark/protocol/types';
import type {
  PreparedItem,
  Receipt,
  StoredErrorReport,
  StoredProgressEvent,
  StoredRejectedItem,
  StoredSession,
} from '../store.js';

/**
 * Mapping between records and table rows. Positional parameters, in the column
 * order of the INSERT statements in writes.ts, keep the messages to the writer
 * thread small.
 */
export interface IngestRow {
  kind: ItemKind;
  params: unknown[];
}

const nullable = <T>(v: T | undefined): T | null => (v === undefined ? null : v);
const json = (v: unknown): string | null => (v === undefined ? null : JSON.stringify(v));

/** Columns of `sessions` in upsert order. */
export function sessionParams(session: Session, receipt: Receipt, now: number): unknown[] {
  const { eventId: _revision, ...record } = session;
  return [
    record.sessionId,
    record.deviceId,
    nullable(record.storeId),
    nullable(record.groupId),
    nullable(record.countryCode),
    record.startedAt,
    nullable(record.endedAt),
    record.status,
    nullable(record.funnel?.exitStage),
    JSON.stringify(record),
    now,
    now,
    receipt.receivedAt,
    nullable(receipt.derivedTimestamp),
  ];
}

/** The row of a validated item, for the writer's insert of its kind. */
export function toIngestRow(item: PreparedItem): IngestRow {
  const at = [item.receivedAt, nullable(item.derivedTimestamp)] as const;
  switch (item.kind) {
    case 'progress': {
      const r = item.record;
      return {
        kind: 'progress',
        params: [r.eventId, r.traceId, r.service, r.step, r.status, nullable(r.reason), json(r.meta), r.timestamp, nullable(r.schemaVersion), ...at],
      };
    }
    case 'session':
      return { kind: 'session', params: [item.record.eventId, ...sessionParams(item.record, item, item.receivedAt)] };
    case 'ui_event': {
      const r = item.record;
      return {
        kind: 'ui_event',
        params: [r.eventId, r.sessionId, r.sequenceNo, r.deviceId, nullable(r.screenId), r.eventType, r.timestamp, JSON.stringify(r), ...at],
      };
    }
    case 'performance': {
      const r = item.record;
      return {
        kind: 'performance',
        params: [r.eventId, nullable(r.sessionId), r.deviceId, r.metricType, r.success ? 1 : 0, r.durationMs, r.timestamp, JSON.stringify(r), ...at],
      };
    }
    case 'error': {
      const r = item.record;
      return {
        kind: 'error',
        params: [r.eventId, nullable(r.sessionId), r.deviceId, r.severity, r.category, r.resolved ? 1 : 0, r.timestamp, JSON.stringify(r), ...at],
      };
    }
    case 'purchase': {
      const r = item.record;
      return { kind: 'purchase', params: [r.eventId, r.sessionId, r.deviceId, r.timestamp, JSON.stringify(r), ...at] };
    }
    case 'client_report': {
      const r = item.record;
      const d = r.dropped;
      return {
        kind: 'client_report',
        params: [r.eventId, nullable(r.deviceId), d.overflow ?? 0, d.rejected ?? 0, d.quota ?? 0, r.timestamp, item.receivedAt],
      };
    }
  }
}

type Row = Record<string, unknown>;

function receiptOf(row: Row): Receipt {
  const receipt: Receipt = { receivedAt: row.received_at as number };
  if (row.derived_ts != null) receipt.derivedTimestamp = row.derived_ts as number;
  return receipt;
}

export function progressFromRow(row: Row): StoredProgressEvent {
  const event: StoredProgressEvent = {
    traceId: row.trace_id as string,
    service: row.service as string,
    step: row.step as string,
    status: row.status as StoredProgressEvent['status'],
    reason: (row.reason as string | null) ?? null,
    timestamp: row.timestamp as number,
    eventId: row.event_id as string,
    ...receiptOf(row),
  };
  if (row.meta != null) event.meta = JSON.parse(row.meta as string);
  if (row.schema_version != null) event.schemaVersion = row.schema_version as number;
  return event;
}

/** Records kept whole in a `body` column, with the receipt beside them. */
export function bodyFromRow<T>(row: Row): T {
  return { ...JSON.parse(row.body as string), eventId: row.event_id, ...receiptOf(row) } as T;
}

export function errorFromRow(row: Row): StoredErrorReport {
  const report = bodyFromRow<StoredErrorReport>(row);
  report.id = row.event_id as string;
  report.resolved = row.resolved === 1;
  if (row.resolved_at != null) report.resolvedAt = row.resolved_at as number;
  return report;
}

export function sessionFromRow(row: Row): StoredSession {
  return {
    ...JSON.parse(row.body as string),
    createdAt: row.created_at as number,
    updatedAt: row.updated_at as number,
    ...receiptOf(row),
  } as StoredSession;
}

export function rejectedFromRow(row: Row): StoredRejectedItem {
  return {
    id: String(row.seq),
    receivedAt: row.received_at as number,
    route: row.route as string,
    kind: (row.kind as StoredRejectedItem['kind']) ?? null,
    index: (row.item_index as number | null) ?? null,
    errors: JSON.parse(row.errors as string),
    body: row.body as string,
  };
}
