/**
 * Loads items into a collector database fast, the way the collector itself would
 * have stored them:
 *
 * - The database is made with the collector's own `MIGRATIONS` and pragmas, first
 *   only migration 1 (the record tables).
 * - Progress events, purchases, performance metrics and error reports go in with the
 *   collector's `INSERT_SQL`, in transactions of 50,000 rows, in arrival order, with
 *   the parameters its writer builds from a record.
 * - Then `migrate()` brings the schema up to date, as it does for a collector
 *   upgraded over stored data. Migration 2 creates the `traces` table (the journey
 *   states the writer keeps on ingest) and fills it from the events already stored:
 *   the collector's own rebuild; later migrations fill what they add the same way.
 *   The rebuild numbers the journeys by traceId, where the writer numbers them by
 *   first arrival (`GET /api/traces` lists by that number, newest first), so they
 *   are then renumbered in first-arrival order.
 * - Sessions have no `INSERT_SQL` (the writer upserts them and records their
 *   revision): they go through the store's own `ingest`, 5,000 per call.
 *
 * `compareWithStore` checks the whole path against the store's `ingest` on a sample.
 */
import Database from 'better-sqlite3';
import { createReadStream, createWriteStream, rmSync } from 'node:fs';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import {
  applyPragmas,
  createSqliteStore,
  INSERT_SQL,
  migrate,
  MIGRATIONS,
  WAL_AUTOCHECKPOINT_PAGES,
  type PreparedItem,
} from '@waymark/collector/store';

const ROWS_PER_TRANSACTION = 50_000;
const SESSIONS_PER_INGEST = 5_000;

type DirectKind = 'progress' | 'purchase' | 'performance' | 'error';

const nullable = <T>(v: T | undefined): T | null => (v === undefined ? null : v);

/** The parameters of `INSERT_SQL[kind]` for an item: the columns the writer fills from it, in order. */
function params(item: PreparedItem): unknown[] {
  const at = [item.receivedAt, nullable(item.derivedTimestamp)];
  switch (item.kind) {
    case 'progress': {
      const r = item.record;
      const meta = r.meta === undefined ? null : JSON.stringify(r.meta);
      return [r.eventId, r.traceId, r.service, r.step, r.status, nullable(r.reason), meta, r.timestamp, nullable(r.schemaVersion), ...at];
    }
    case 'purchase': {
      const r = item.record;
      return [r.eventId, r.sessionId, r.deviceId, r.timestamp, JSON.stringify(r), ...at];
    }
    case 'performance': {
      const r = item.record;
      return [r.eventId, nullable(r.sessionId), r.deviceId, r.metricType, r.success ? 1 : 0, r.durationMs, r.timestamp, JSON.stringify(r), ...at];
    }
    case 'error': {
      const r = item.record;
      return [r.eventId, nullable(r.sessionId), r.deviceId, r.severity, r.category, r.resolved ? 1 : 0, r.timestamp, JSON.stringify(r), ...at];
    }
    default:
      throw new Error(`no direct insert for ${item.kind} items`);
  }
}

export interface LoadStats {
  rows: Record<DirectKind | 'session' | 'traces', number>;
  seconds: {
    /** Generating the items and inserting the direct kinds (they run together). */
    insert: number;
    /** `migrate()` filling `traces`, and renumbering it. */
    traces: number;
    sessions: number;
  };
}

/**
 * Loads `items` into a new database at `path`. `onProgress` hears the rows inserted
 * so far after each transaction.
 */
export async function loadDatabase(path: string, items: Iterable<PreparedItem>, onProgress?: (rows: number, seconds: number) => void): Promise<LoadStats> {
  for (const suffix of ['', '-wal', '-shm']) rmSync(`${path}${suffix}`, { force: true });
  const sessionFile = `${path}.sessions.ndjson`;
  const stats: LoadStats = {
    rows: { progress: 0, purchase: 0, performance: 0, error: 0, session: 0, traces: 0 },
    seconds: { insert: 0, traces: 0, sessions: 0 },
  };
  const started = performance.now();
  const db = new Database(path);
  try {
    applyPragmas(db, { walAutocheckpoint: WAL_AUTOCHECKPOINT_PAGES });
    db.transaction(() => {
      db.exec(MIGRATIONS[0]!);
      db.pragma('user_version = 1');
    })();
    const insert: Record<DirectKind, Database.Statement> = {
      progress: db.prepare(INSERT_SQL.progress),
      purchase: db.prepare(INSERT_SQL.purchase),
      performance: db.prepare(INSERT_SQL.performance),
      error: db.prepare(INSERT_SQL.error),
    };
    const sessions = createWriteStream(sessionFile);
    let pending = 0;
    let inserted = 0;
    db.exec('BEGIN');
    try {
      for (const item of items) {
        if (item.kind === 'session') {
          if (!sessions.write(`${JSON.stringify(item)}\n`)) await once(sessions, 'drain');
          continue;
        }
        const kind = item.kind as DirectKind;
        if (insert[kind].run(params(item)).changes !== 1) throw new Error(`${kind} ${item.record.eventId} was not inserted (duplicate id?)`);
        stats.rows[kind]++;
        if (++pending === ROWS_PER_TRANSACTION) {
          db.exec('COMMIT');
          inserted += pending;
          pending = 0;
          onProgress?.(inserted, (performance.now() - started) / 1_000);
          db.exec('BEGIN');
        }
      }
      db.exec('COMMIT');
    } catch (error) {
      if (db.inTransaction) db.exec('ROLLBACK');
      throw error;
    }
    sessions.end();
    await once(sessions, 'finish');
    stats.seconds.insert = (performance.now() - started) / 1_000;

    const tracesStarted = performance.now();
    migrate(db);
    renumberTraces(db);
    stats.rows.traces = db.prepare('SELECT count(*) FROM traces').pluck().get() as number;
    stats.seconds.traces = (performance.now() - tracesStarted) / 1_000;
    db.pragma('wal_checkpoint(TRUNCATE)');
  } finally {
    db.close();
  }

  const sessionsStarted = performance.now();
  stats.rows.session = await ingestSessions(path, sessionFile);
  rmSync(sessionFile, { force: true });
  stats.seconds.sessions = (performance.now() - sessionsStarted) / 1_000;
  return stats;
}

/**
 * Gives the `traces` rows the numbers the writer would have given them: in the order
 * of each journey's first stored event.
 */
function renumberTraces(db: Database.Database): void {
  db.transaction(() => {
    db.exec(`
      CREATE TEMP TABLE traces_by_arrival AS
        SELECT t.* FROM traces t
        JOIN (SELECT trace_id, MIN(seq) AS first FROM progress_events GROUP BY trace_id) f USING (trace_id)
        ORDER BY f.first;
      DELETE FROM traces;
      INSERT INTO traces SELECT * FROM temp.traces_by_arrival ORDER BY rowid;
      DROP TABLE temp.traces_by_arrival;
    `);
  })();
}

/** Sessions through the store's ingest, in arrival order, 5,000 per call. */
async function ingestSessions(path: string, file: string): Promise<number> {
  const store = createSqliteStore({ path });
  let count = 0;
  try {
    await store.ready;
    let batch: PreparedItem[] = [];
    const flush = async () => {
      const outcomes = await store.ingest(batch);
      const accepted = outcomes.filter((o) => o === 'accepted').length;
      if (accepted !== batch.length) throw new Error(`sessions: ${batch.length - accepted} of ${batch.length} were not stored`);
      count += accepted;
      batch = [];
    };
    for await (const line of createInterface({ input: createReadStream(file), crlfDelay: Infinity })) {
      batch.push(JSON.parse(line) as PreparedItem);
      if (batch.length === SESSIONS_PER_INGEST) await flush();
    }
    if (batch.length) await flush();
  } finally {
    await store.close();
  }
  return count;
}

// ---------------------------------------------------------------------------
// The check: the same items through the store's own ingest.

/**
 * Every row of every table, as sorted text: the comparison does not depend on row
 * numbers (the writer numbers journeys by first arrival, but one recomputed in the
 * transaction of its first event comes after that transaction's other new ones, so its
 * number depends on how arrivals were grouped into commits). Each journey's `dwell`
 * object is put in key order (the SQL rebuild and the writer order keys differently).
 */
function tables(db: Database.Database): Map<string, string[]> {
  const names = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name").pluck().all() as string[];
  return new Map(
    names.map((table) => {
      const rows = (db.prepare(`SELECT * FROM "${table}"`).all() as Array<Record<string, unknown>>).map((row) => {
        if (table === 'traces' && typeof row.dwell === 'string') {
          row.dwell = JSON.stringify(Object.fromEntries(Object.entries(JSON.parse(row.dwell) as Record<string, number>).sort(([a], [b]) => (a < b ? -1 : 1))));
        }
        return JSON.stringify(row);
      });
      return [table, rows.sort()];
    }),
  );
}

/**
 * Stores `items` twice, with `loadDatabase` and through the store's `ingest` (5,000
 * items a call, one after another, as the writer's jobs), and compares every row of
 * every table. Answers the differences, none when the load is faithful.
 */
export async function compareWithStore(items: readonly PreparedItem[], dir: string): Promise<{ rows: number; differences: string[] }> {
  const loaded = `${dir}/check-load.db`;
  const ingested = `${dir}/check-ingest.db`;
  for (const suffix of ['', '-wal', '-shm']) rmSync(`${ingested}${suffix}`, { force: true });
  await loadDatabase(loaded, items);
  const store = createSqliteStore({ path: ingested });
  try {
    await store.ready;
    for (let i = 0; i < items.length; i += SESSIONS_PER_INGEST) await store.ingest(items.slice(i, i + SESSIONS_PER_INGEST));
  } finally {
    await store.close();
  }
  const a = new Database(loaded, { readonly: true });
  const b = new Database(ingested, { readonly: true });
  const differences: string[] = [];
  let rows = 0;
  try {
    const x = tables(a);
    const y = tables(b);
    for (const table of new Set([...x.keys(), ...y.keys()])) {
      const mine = x.get(table) ?? [];
      const theirs = y.get(table) ?? [];
      rows += theirs.length;
      if (mine.length !== theirs.length) differences.push(`${table}: ${mine.length} rows loaded, ${theirs.length} ingested`);
      const at = mine.findIndex((row, i) => row !== theirs[i]);
      if (at >= 0) differences.push(`${table}: loaded ${mine[at]}\n    ingested ${theirs[at] ?? '(none)'}`);
    }
  } finally {
    a.close();
    b.close();
    for (const f of [loaded, ingested]) for (const suffix of ['', '-wal', '-shm']) rmSync(`${f}${suffix}`, { force: true });
  }
  return { rows, differences };
}
