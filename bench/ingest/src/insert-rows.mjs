/**
 * Baseline (b): better-sqlite3 alone, no HTTP. Copies the rows the collector stored in
 * run (c) — its progress events, then the journey state of each trace — into a fresh
 * database built with the collector's own schema, pragmas and INSERT statement, 5,000
 * rows per transaction. Only the
 * transactions are timed; rows are read from the source in chunks between them so
 * that this process's peak RSS is the writer's, not a copy of the data set.
 * Plain JavaScript, so no TypeScript loader sits in the measured process.
 */
import Database from 'better-sqlite3';
import { applyPragmas, INSERT_SQL, migrate, WAL_AUTOCHECKPOINT_PAGES } from '@waymark/collector/store';
import { readFileSync } from 'node:fs';

const ROWS_PER_TRANSACTION = 5_000;

process.once('message', ({ source, target }) => {
  const from = new Database(source, { readonly: true, fileMustExist: true });
  // The columns of the writer's INSERT, in its order.
  const select = from
    .prepare(
      `SELECT event_id, trace_id, service, step, status, reason, meta, timestamp, schema_version, received_at, derived_ts
       FROM progress_events ORDER BY seq`,
    )
    .raw();

  const db = new Database(target);
  applyPragmas(db, { walAutocheckpoint: WAL_AUTOCHECKPOINT_PAGES });
  migrate(db);
  const insert = db.prepare(INSERT_SQL.progress);
  const commit = db.transaction((rows) => {
    for (const row of rows) insert.run(row);
  });

  let rows = 0;
  let seconds = 0;
  let chunk = [];
  const flush = () => {
    const started = process.hrtime.bigint();
    commit(chunk);
    seconds += Number(process.hrtime.bigint() - started) / 1e9;
    rows += chunk.length;
    chunk = [];
  };
  for (const row of select.iterate()) {
    chunk.push(row);
    if (chunk.length === ROWS_PER_TRANSACTION) flush();
  }
  if (chunk.length > 0) flush();
  const stored = db.prepare('SELECT count(*) FROM progress_events').pluck().get();
  const events = rows;

  // The journey states the collector keeps beside the events: one row per trace.
  const columns = from.prepare('SELECT * FROM traces LIMIT 0').columns().map((c) => c.name);
  const selectTraces = from.prepare(`SELECT ${columns.join(', ')} FROM traces`).raw();
  const insertTrace = db.prepare(`INSERT INTO traces (${columns.join(', ')}) VALUES (${columns.map(() => '?').join(', ')})`);
  const commitTraces = db.transaction((list) => {
    for (const row of list) insertTrace.run(row);
  });
  let traces = 0;
  for (const row of selectTraces.iterate()) {
    chunk.push(row);
    if (chunk.length === ROWS_PER_TRANSACTION) {
      const started = process.hrtime.bigint();
      commitTraces(chunk);
      seconds += Number(process.hrtime.bigint() - started) / 1e9;
      traces += chunk.length;
      chunk = [];
    }
  }
  if (chunk.length > 0) {
    const started = process.hrtime.bigint();
    commitTraces(chunk);
    seconds += Number(process.hrtime.bigint() - started) / 1e9;
    traces += chunk.length;
  }
  rows = events;
  db.close();
  from.close();

  const peakRssKb = Number(/VmHWM:\s+(\d+)/.exec(readFileSync('/proc/self/status', 'utf8'))?.[1] ?? 0);
  process.send({ rows, stored, traces, seconds, peakRssKb });
  process.exit(0);
});
