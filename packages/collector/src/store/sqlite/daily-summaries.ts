import type Database from 'better-sqlite3';
import type { DailySummary, DailySummaryListQuery } from '../analytics.js';
import { InvalidCursorError, type Page } from '../store.js';
import { statementCache } from './statement-cache.js';

/** Writer side: a date's rows are replaced as a whole, so a re-run leaves no stale device behind. */
export function createDailySummaryWrites(db: Database.Database) {
  const clear = db.prepare('DELETE FROM daily_summaries WHERE date = ?');
  const insert = db.prepare(
    `INSERT INTO daily_summaries (date, device_id, store_id, group_id, country_code, body, aggregated_at) VALUES (?, ?, ?, ?, ?, ?, ?)`,
  );
  return function replace(date: string, summaries: readonly DailySummary[]): number {
    clear.run(date);
    for (const s of summaries) insert.run(date, s.deviceId, s.storeId, s.groupId, s.countryCode, JSON.stringify(s), s.aggregatedAt);
    return summaries.length;
  };
}

/**
 * Cursors carry the last row's key: its date (always 10 characters) and device id,
 * base64url-encoded.
 */
const encodeCursor = (date: string, deviceId: string) => Buffer.from(`${date}${deviceId}`).toString('base64url');
function decodeCursor(cursor: string): [string, string] {
  const text = /^[A-Za-z0-9_-]+$/.test(cursor) ? Buffer.from(cursor, 'base64url').toString() : '';
  const date = text.slice(0, 10);
  const deviceId = text.slice(10);
  if (!/^\d{4}-\d{2}-\d{2}$/.test(date) || !/^[\x21-\x7e]{1,128}$/.test(deviceId)) throw new InvalidCursorError('cursor was not issued by this collector');
  return [date, deviceId];
}

/** Reader side: one summary, and lists newest date first (then device id, descending), keyset-paginated. */
export function createDailySummaryReads(db: Database.Database) {
  const one = db.prepare('SELECT body FROM daily_summaries WHERE date = ? AND device_id = ?').pluck();
  const prepare = statementCache(db);

  return {
    get(date: string, deviceId: string): DailySummary | undefined {
      const body = one.get(date, deviceId) as string | undefined;
      return body === undefined ? undefined : (JSON.parse(body) as DailySummary);
    },
    list(q: DailySummaryListQuery): Page<DailySummary> {
      const filters: Array<[string, unknown[]]> = [];
      if (q.from !== undefined) filters.push(['date >= ?', [q.from]]);
      if (q.to !== undefined) filters.push(['date <= ?', [q.to]]);
      if (q.deviceId !== undefined) filters.push(['device_id = ?', [q.deviceId]]);
      if (q.storeId !== undefined) filters.push(['store_id = ?', [q.storeId]]);
      if (q.groupId !== undefined) filters.push(['group_id = ?', [q.groupId]]);
      if (q.countryCode !== undefined) filters.push(['country_code = ?', [q.countryCode]]);
      if (q.cursor !== undefined) filters.push(['(date, device_id) < (?, ?)', decodeCursor(q.cursor)]);
      const where = filters.length ? `WHERE ${filters.map(([c]) => c).join(' AND ')}` : '';
      const sql = `SELECT date, device_id, body FROM daily_summaries ${where} ORDER BY date DESC, device_id DESC LIMIT ?`;
      const stmt = prepare(sql);
      const rows = stmt.all(...filters.flatMap(([, v]) => v), q.limit + 1) as Array<{ date: string; device_id: string; body: string }>;
      const more = rows.length > q.limit;
      if (more) rows.pop();
      const last = rows.at(-1);
      return { items: rows.map((r) => JSON.parse(r.body) as DailySummary), nextCursor: more && last ? encodeCursor(last.date, last.device_id) : null };
    },
  };
}
