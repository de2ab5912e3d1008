import type Database from 'better-sqlite3';

/**
 * Versioned migrations, applied in order inside one transaction each; the applied
 * version is kept in `PRAGMA user_version`. Indexes are those of seed 002's index
 * checklist that the routes' filters use, and no more: every index is paid for on
 * every insert.
 */
export const MIGRATIONS: readonly string[] = [
  `
  CREATE TABLE progress_events (
    seq            INTEGER PRIMARY KEY,
    event_id       TEXT NOT NULL UNIQUE,
    trace_id       TEXT NOT NULL,
    service        TEXT NOT NULL,
    step           TEXT NOT NULL,
    status         TEXT NOT NULL,
    reason         TEXT,
    meta           TEXT,
    timestamp      INTEGER NOT NULL,
    schema_version INTEGER,
    received_at    INTEGER NOT NULL,
    derived_ts     INTEGER
  );
  CREATE INDEX progress_trace ON progress_events (trace_id, timestamp);
  CREATE INDEX progress_service_ts ON progress_events (service, timestamp);

  CREATE TABLE sessions (
    session_id   TEXT PRIMARY KEY,
    device_id    TEXT NOT NULL,
    store_id     TEXT,
    group_id     TEXT,
    country_code TEXT,
    started_at   INTEGER NOT NULL,
    ended_at     INTEGER,
    status       TEXT NOT NULL,
    exit_stage   TEXT,
    body         TEXT NOT NULL,
    created_at   INTEGER NOT NULL,
    updated_at   INTEGER NOT NULL,
    received_at  INTEGER NOT NULL,
    derived_ts   INTEGER
  );
  CREATE INDEX sessions_device ON sessions (device_id, started_at DESC);
  CREATE INDEX sessions_store ON sessions (store_id, started_at DESC) WHERE store_id IS NOT NULL;
  CREATE INDEX sessions_group ON sessions (group_id, started_at DESC) WHERE group_id IS NOT NULL;
  CREATE INDEX sessions_started_status ON sessions (started_at DESC, status);
  CREATE INDEX sessions_exit ON sessions (status, exit_stage) WHERE exit_stage IS NOT NULL;
  CREATE INDEX sessions_country ON sessions (country_code, started_at DESC) WHERE country_code IS NOT NULL;
  CREATE INDEX sessions_created ON sessions (created_at);

  -- Each session revision an SDK delivered, so a replayed revision is a duplicate.
  CREATE TABLE session_revisions (event_id TEXT PRIMARY KEY, session_id TEXT NOT NULL) WITHOUT ROWID;

  CREATE TABLE ui_events (
    seq         INTEGER PRIMARY KEY,
    event_id    TEXT NOT NULL UNIQUE,
    session_id  TEXT NOT NULL,
    sequence_no INTEGER NOT NULL,
    device_id   TEXT NOT NULL,
    screen_id   TEXT,
    event_type  TEXT NOT NULL,
    timestamp   INTEGER NOT NULL,
    body        TEXT NOT NULL,
    received_at INTEGER NOT NULL,
    derived_ts  INTEGER,
    UNIQUE (session_id, sequence_no)
  );
  CREATE INDEX ui_events_device_ts ON ui_events (device_id, timestamp DESC);
  CREATE INDEX ui_events_type_ts ON ui_events (event_type, timestamp DESC);

  CREATE TABLE performance_metrics (
    seq         INTEGER PRIMARY KEY,
    event_id    TEXT NOT NULL UNIQUE,
    session_id  TEXT,
    device_id   TEXT NOT NULL,
    metric_type TEXT NOT NULL,
    success     INTEGER NOT NULL,
    duration_ms REAL NOT NULL,
    timestamp   INTEGER NOT NULL,
    body        TEXT NOT NULL,
    received_at INTEGER NOT NULL,
    derived_ts  INTEGER
  );
  CREATE INDEX performance_device ON performance_metrics (device_id, metric_type, timestamp DESC);
  CREATE INDEX performance_session ON performance_metrics (session_id, metric_type) WHERE session_id IS NOT NULL;
  CREATE INDEX performance_success ON performance_metrics (success, metric_type, timestamp DESC);

  CREATE TABLE error_reports (
    seq         INTEGER PRIMARY KEY,
    event_id    TEXT NOT NULL UNIQUE,
    session_id  TEXT,
    device_id   TEXT NOT NULL,
    severity    TEXT NOT NULL,
    category    TEXT NOT NULL,
    resolved    INTEGER NOT NULL DEFAULT 0,
    resolved_at INTEGER,
    timestamp   INTEGER NOT NULL,
    body        TEXT NOT NULL,
    received_at INTEGER NOT NULL,
    derived_ts  INTEGER
  );
  CREATE INDEX errors_device ON error_reports (device_id, timestamp DESC);
  CREATE INDEX errors_severity ON error_reports (severity, timestamp DESC);
  CREATE INDEX errors_category ON error_reports (category, timestamp DESC);
  CREATE INDEX errors_resolved ON error_reports (resolved, severity, timestamp DESC);
  CREATE INDEX errors_session ON error_reports (session_id) WHERE session_id IS NOT NULL;

  CREATE TABLE purchases (
    seq         INTEGER PRIMARY KEY,
    event_id    TEXT NOT NULL UNIQUE,
    session_id  TEXT NOT NULL,
    device_id   TEXT NOT NULL,
    timestamp   INTEGER NOT NULL,
    body        TEXT NOT NULL,
    received_at INTEGER NOT NULL,
    derived_ts  INTEGER
  );
  CREATE INDEX purchases_session ON purchases (session_id);
  CREATE INDEX purchases_device_ts ON purchases (device_id, timestamp DESC);

  CREATE TABLE client_reports (
    seq         INTEGER PRIMARY KEY,
    event_id    TEXT NOT NULL UNIQUE,
    device_id   TEXT,
    overflow    INTEGER NOT NULL DEFAULT 0,
    rejected    INTEGER NOT NULL DEFAULT 0,
    quota       INTEGER NOT NULL DEFAULT 0,
    timestamp   INTEGER NOT NULL,
    received_at INTEGER NOT NULL
  );

  CREATE TABLE rejected_items (
    seq         INTEGER PRIMARY KEY,
    received_at INTEGER NOT NULL,
    route       TEXT NOT NULL,
    kind        TEXT,
    item_index  INTEGER,
    errors      TEXT NOT NULL,
    body        TEXT NOT NULL
  );
  `,
];

/** Tables whose rows expire under the retention setting, with the column that dates them. */
export const RETAINED_TABLES = [
  ['progress_events', 'received_at'],
  ['sessions', 'created_at'],
  ['ui_events', 'received_at'],
  ['performance_metrics', 'received_at'],
  ['error_reports', 'received_at'],
  ['purchases', 'received_at'],
  ['client_reports', 'received_at'],
  ['rejected_items', 'received_at'],
] as const;

/**
 * Default `wal_autocheckpoint`, in pages (about 200 MB). The writer's own
 * checkpoint runs inside a commit and waits on fsync; at this size the checkpoint
 * thread does most of the copying and the writer's share comes seldom.
 */
export const WAL_AUTOCHECKPOINT_PAGES = 50_000;

export interface PragmaOptions {
  /** Pages in the WAL before a writer checkpoints on its own; large when a background thread checkpoints. */
  walAutocheckpoint: number;
}

/** Connection settings: WAL with synchronous=NORMAL, durable across a process crash at every commit. */
export function applyPragmas(db: Database.Database, options: PragmaOptions): void {
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma('busy_timeout = 5000');
  db.pragma('foreign_keys = OFF');
  db.pragma(`wal_autocheckpoint = ${Math.max(0, Math.floor(options.walAutocheckpoint))}`);
  db.pragma('cache_size = -65536');
  db.pragma('temp_store = MEMORY');
}

/** Brings the schema up to the newest migration. */
export function migrate(db: Database.Database): void {
  const current = db.pragma('user_version', { simple: true }) as number;
  if (current > MIGRATIONS.length) {
    throw new Error(`database schema version ${current} is newer than this collector (${MIGRATIONS.length}); upgrade the collector`);
  }
  for (let v = current; v < MIGRATIONS.length; v++) {
    db.transaction(() => {
      db.exec(MIGRATIONS[v]!);
      db.pragma(`user_version = ${v + 1}`);
    })();
  }
}
