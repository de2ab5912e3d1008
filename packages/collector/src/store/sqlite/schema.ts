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
  // Journey state per traceId, kept by the writer in the commit of the events it comes
  // from (see domain/journey-state.ts), and filled here from the events already stored.
  // `dwell` is a JSON object: step → ms spent in it. The partial indexes serve the
  // sweeper: open journeys by last arrival, active sessions by last update.
  `
  CREATE TABLE traces (
    trace_id          TEXT PRIMARY KEY,
    service           TEXT NOT NULL,
    step              TEXT NOT NULL,
    status            TEXT NOT NULL,
    reason            TEXT,
    last_event_id     TEXT NOT NULL,
    last_seq          INTEGER NOT NULL,
    first_ts          INTEGER NOT NULL,
    last_ts           INTEGER NOT NULL,
    first_received_at INTEGER NOT NULL,
    last_received_at  INTEGER NOT NULL,
    event_count       INTEGER NOT NULL,
    dwell             TEXT NOT NULL,
    terminal          INTEGER NOT NULL
  );
  CREATE INDEX traces_open ON traces (last_received_at) WHERE terminal = 0;
  CREATE INDEX sessions_active ON sessions (updated_at) WHERE status = 'active';

  INSERT INTO traces (trace_id, service, step, status, reason, last_event_id, last_seq, first_ts, last_ts,
                      first_received_at, last_received_at, event_count, dwell, terminal)
  WITH ordered AS (
    SELECT trace_id, seq, event_id, service, step, status, reason, timestamp,
           LEAD(timestamp) OVER (PARTITION BY trace_id ORDER BY timestamp, seq) - timestamp AS dwell,
           ROW_NUMBER() OVER (PARTITION BY trace_id ORDER BY timestamp DESC, seq DESC) AS from_last
    FROM progress_events
  ),
  per_step AS (
    SELECT trace_id, json_group_object(step, total) AS dwell
    FROM (SELECT trace_id, step, SUM(dwell) AS total FROM ordered WHERE dwell IS NOT NULL GROUP BY trace_id, step)
    GROUP BY trace_id
  ),
  totals AS (
    SELECT trace_id, MIN(timestamp) AS first_ts, MIN(received_at) AS first_rx, MAX(received_at) AS last_rx, COUNT(*) AS n
    FROM progress_events GROUP BY trace_id
  )
  SELECT o.trace_id, o.service, o.step, o.status, o.reason, o.event_id, o.seq, t.first_ts, o.timestamp,
         t.first_rx, t.last_rx, t.n, COALESCE(p.dwell, '{}'),
         o.step IN ('COMPLETED', 'FAILED', 'CANCEL', 'DROPPED') OR o.status IN ('FAIL', 'CANCEL', 'DROPPED')
  FROM ordered o JOIN totals t USING (trace_id) LEFT JOIN per_step p USING (trace_id)
  WHERE o.from_last = 1;
  `,
  // Seed 002 Phase 4: one summary per calendar day and device, the summary whole in
  // `body`; the indexes are the seed's, for the list's filters.
  `
  CREATE TABLE daily_summaries (
    date          TEXT NOT NULL,
    device_id     TEXT NOT NULL,
    store_id      TEXT,
    group_id      TEXT,
    country_code  TEXT,
    body          TEXT NOT NULL,
    aggregated_at INTEGER NOT NULL,
    PRIMARY KEY (date, device_id)
  ) WITHOUT ROWID;
  CREATE INDEX daily_summaries_store ON daily_summaries (store_id, date DESC) WHERE store_id IS NOT NULL;
  CREATE INDEX daily_summaries_group ON daily_summaries (group_id, date DESC) WHERE group_id IS NOT NULL;
  CREATE INDEX daily_summaries_device ON daily_summaries (device_id, date DESC);
  CREATE INDEX daily_summaries_country ON daily_summaries (country_code, date DESC) WHERE country_code IS NOT NULL;
  `,
  `
  -- Journey states are written in batches after their events commit; the last progress
  -- seq they include tells a restart which journeys to recompute.
  CREATE TABLE journey_projection (id INTEGER PRIMARY KEY CHECK (id = 1), seq INTEGER NOT NULL);
  INSERT INTO journey_projection (id, seq) SELECT 1, COALESCE(MAX(seq), 0) FROM progress_events;
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
