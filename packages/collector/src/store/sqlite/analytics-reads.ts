import type Database from 'better-sqlite3';
import { METRIC_TYPES, type Session } from '@waymark/protocol/types';
import type {
  DailyRecords,
  DailySessionRow,
  DevicePlace,
  SequenceCoverage,
} from '../analytics.js';

/**
 * The devices of a table, one index seek each (a loose index scan on the table's
 * index led by `device_id`), so a day's records are read through that index
 * whatever the size of the table: none of these tables has an index on time alone,
 * and a year of them is too large to scan on the thread that serves requests.
 */
const devicesOf = (table: string) => `WITH RECURSIVE dev(id) AS (
    SELECT (SELECT MIN(device_id) FROM ${table})
    UNION ALL
    SELECT (SELECT MIN(device_id) FROM ${table} WHERE device_id > dev.id) FROM dev WHERE dev.id IS NOT NULL
  )`;

/** Tables whose `seq` follows arrival, searched by `received_at`. */
type ArrivalTable = 'ui_events' | 'progress_events';

/** Reads of the analytics: the daily summary's sources, the SLO figures. */
export function createAnalyticsReads(db: Database.Database) {
  const daySessions = db.prepare('SELECT body FROM sessions WHERE started_at >= ? AND started_at < ? ORDER BY started_at, session_id').pluck();
  const dayPurchases = db.prepare(
    `${devicesOf('purchases')}
     SELECT p.device_id AS deviceId, json_extract(p.body, '$.paymentMethod') AS paymentMethod,
            json_extract(p.body, '$.currency') AS currency, json_extract(p.body, '$.amounts.net') AS net
     FROM dev CROSS JOIN purchases p ON p.device_id = dev.id
     WHERE p.timestamp >= ? AND p.timestamp < ? ORDER BY p.seq`,
  );
  const dayPerformance = db.prepare(
    `${devicesOf('performance_metrics')}
     SELECT p.device_id AS deviceId, p.metric_type AS metricType, p.duration_ms AS durationMs, p.success
     FROM dev CROSS JOIN performance_metrics p ON p.device_id = dev.id
     WHERE p.metric_type IN (${METRIC_TYPES.map(() => '?').join(', ')}) AND p.timestamp >= ? AND p.timestamp < ?`,
  );
  const dayErrors = db.prepare(
    `${devicesOf('error_reports')}
     SELECT e.device_id AS deviceId, e.severity, e.category
     FROM dev CROSS JOIN error_reports e ON e.device_id = dev.id
     WHERE e.timestamp >= ? AND e.timestamp < ?`,
  );
  const latestPlace = db.prepare(
    `SELECT store_id AS storeId, group_id AS groupId, country_code AS countryCode
     FROM sessions WHERE device_id = ? AND started_at < ? ORDER BY started_at DESC LIMIT 1`,
  );

  const arrival = (table: ArrivalTable) => ({
    // Two subqueries: a lone MIN or MAX reads one end of the rowid; both in one query scan the table.
    bounds: db.prepare(`SELECT (SELECT MIN(seq) FROM ${table}) AS lo, (SELECT MAX(seq) FROM ${table}) AS hi`),
    at: db.prepare(`SELECT received_at FROM ${table} WHERE seq >= ? ORDER BY seq LIMIT 1`).pluck(),
  });
  const arrivals = { ui_events: arrival('ui_events'), progress_events: arrival('progress_events') };
  /**
   * The first `seq` of rows received at or after `since`. Rows are numbered in the
   * order they were committed, which is the order they arrived in, so a binary
   * search on `seq` finds it in a few dozen lookups, with no index on `received_at`.
   */
  const firstSeqSince = (table: ArrivalTable, since: number): number => {
    const { bounds, at } = arrivals[table];
    const b = bounds.get() as { lo: number | null; hi: number | null };
    if (b.lo === null || b.hi === null) return 0;
    let lo = b.lo;
    let hi = b.hi + 1;
    while (lo < hi) {
      const mid = Math.floor((lo + hi) / 2);
      const received = at.get(mid) as number | undefined;
      if (received === undefined || received >= since) hi = mid;
      else lo = mid + 1;
    }
    return lo;
  };
  // Per session, all its stored events count, not only those in the window.
  const coverage = db.prepare(
    `WITH recent AS (SELECT DISTINCT session_id FROM ui_events WHERE seq >= ? AND received_at >= ?)
     SELECT COUNT(*) AS sessions, COALESCE(SUM(expected), 0) AS expected, COALESCE(SUM(received), 0) AS received FROM (
       SELECT (SELECT MAX(sequence_no) FROM ui_events u WHERE u.session_id = r.session_id) AS expected,
              (SELECT COUNT(*) FROM ui_events u WHERE u.session_id = r.session_id AND u.sequence_no >= 1) AS received
       FROM recent r)`,
  );
  const lags = {
    ui_events: db.prepare('SELECT received_at - COALESCE(derived_ts, timestamp) FROM ui_events WHERE seq >= ? AND received_at >= ?').pluck(),
    progress_events: db
      .prepare('SELECT received_at - COALESCE(derived_ts, timestamp) FROM progress_events WHERE seq >= ? AND received_at >= ?')
      .pluck(),
  };

  return {
    dailyRecords(range: { from: number; to: number }): DailyRecords {
      const sessions = (daySessions.all(range.from, range.to) as string[]).map((body): DailySessionRow => {
        const s = JSON.parse(body) as Session;
        return { deviceId: s.deviceId, status: s.status, funnel: s.funnel, behavior: s.behavior };
      });
      return {
        sessions,
        purchases: dayPurchases.all(range.from, range.to) as DailyRecords['purchases'],
        performance: (dayPerformance.all(...METRIC_TYPES, range.from, range.to) as Array<Omit<DailyRecords['performance'][number], 'success'> & { success: number }>).map(
          (r) => ({ ...r, success: r.success === 1 }),
        ),
        errors: dayErrors.all(range.from, range.to) as DailyRecords['errors'],
      };
    },

    devicePlaces(deviceIds: readonly string[], before: number): Map<string, DevicePlace> {
      const places = new Map<string, DevicePlace>();
      for (const id of deviceIds) {
        const place = latestPlace.get(id, before) as DevicePlace | undefined;
        if (place) places.set(id, place);
      }
      return places;
    },

    uiSequenceCoverage(since: number): SequenceCoverage {
      return coverage.get(firstSeqSince('ui_events', since), since) as SequenceCoverage;
    },

    ingestionLags(since: number): number[] {
      return [
        ...(lags.progress_events.all(firstSeqSince('progress_events', since), since) as number[]),
        ...(lags.ui_events.all(firstSeqSince('ui_events', since), since) as number[]),
      ];
    },
  };
}
