/**
 * The single writer, on its own thread so long commits never stall the HTTP event
 * loop. Jobs that arrive while a commit runs queue up and go together in the next
 * transaction (group commit): one commit for many requests, and each request is
 * answered only after the commit that holds its rows.
 *
 * Under heavy load the writer also waits up to MAX_WAIT_MS for a group to fill. A
 * commit writes every page it dirtied to the WAL, and fewer, larger commits dirty
 * fewer pages per row (index tails and the pages of the random trace-id index are
 * shared by the rows of one group), so the WAL written and checkpointed per row
 * shrinks. It waits only while many rows have come lately (measured over the last
 * BUSY_WINDOW_MS, not by the last group alone, which under load swings between large
 * and small groups): with a few clients, all of them are usually in the group
 * already, and waiting would only slow them down.
 */
import Database from 'better-sqlite3';
import { parentPort, workerData } from 'node:worker_threads';
import { applyPragmas } from './schema.js';
import { createWrites, type WriteJob } from './writes.js';
import type { ToWriter, FromWriter, JobResult } from './writer-messages.js';

/** Rows in a group that commits without waiting for more. */
const GROUP_ROWS = 5_000;
/** Rows committed within the last BUSY_WINDOW_MS from which a group waits to fill. */
const WAIT_AFTER_ROWS = 2_500;
const BUSY_WINDOW_MS = 100;
/** Longest a job waits for its group to fill. */
const MAX_WAIT_MS = 20;

/**
 * Journey states are written when the writer is idle (no job for IDLE_FLUSH_MS), and
 * under sustained load at least every JOURNEY_FLUSH_MS: batching them takes their
 * writes off the path of each request. Readers of journeys ask for a flush first.
 */
const JOURNEY_FLUSH_MS = 5_000;
const IDLE_FLUSH_MS = 50;

const { path, walAutocheckpoint } = workerData as { path: string; walAutocheckpoint: number };
const port = parentPort!;
const db = new Database(path);
applyPragmas(db, { walAutocheckpoint });
const run = createWrites(db);

let queue: Array<{ id: number; job: WriteJob }> = [];
let queuedRows = 0;
let immediate: NodeJS.Immediate | undefined;
let timer: NodeJS.Timeout | undefined;
/** Whether many rows came lately: many clients are writing, so waiting for more pays. */
let busy = false;
/** The groups committed within the last BUSY_WINDOW_MS, oldest first, and their rows. */
const recent: Array<{ at: number; rows: number }> = [];
let recentRows = 0;
let closing = false;

const rowsOf = (job: WriteJob) => (job.op === 'ingest' ? job.rows.length : job.op === 'quarantine' ? job.items.length : 1);

/**
 * Runs a group in one transaction. With `isolate`, each job runs in a savepoint so
 * a failing job is rolled back alone. Without it, the first failing job rolls the
 * whole transaction back and the result is undefined. Savepoints are not free (a
 * job's first write to each page copies that page to the statement journal, about
 * a fifth of the insert time), so groups run without them first.
 */
function runGroup(jobs: ReadonlyArray<{ id: number; job: WriteJob }>, isolate: boolean): JobResult[] | undefined {
  const results: JobResult[] = [];
  db.exec('BEGIN IMMEDIATE');
  run.beginGroup();
  try {
    for (const { id, job } of jobs) {
      if (!isolate) {
        results.push({ id, ok: true, value: run(job) });
        continue;
      }
      db.exec('SAVEPOINT job');
      try {
        results.push({ id, ok: true, value: run(job) });
        db.exec('RELEASE job');
      } catch (error) {
        db.exec('ROLLBACK TO job');
        db.exec('RELEASE job');
        results.push({ id, ok: false, error: String(error) });
      }
    }
    db.exec('COMMIT');
  } catch (error) {
    if (db.inTransaction) db.exec('ROLLBACK');
    run.endGroup(false);
    if (isolate) throw error;
    return undefined;
  }
  run.endGroup(true);
  return results;
}

function commitQueued(): void {
  clearImmediate(immediate);
  clearTimeout(timer);
  immediate = timer = undefined;
  const jobs = queue;
  const rows = queuedRows;
  queue = [];
  queuedRows = 0;
  if (jobs.length === 0) return;
  const now = performance.now();
  recent.push({ at: now, rows });
  recentRows += rows;
  while (recent[0]!.at < now - BUSY_WINDOW_MS) recentRows -= recent.shift()!.rows;
  busy = recentRows >= WAIT_AFTER_ROWS;
  let results: JobResult[];
  try {
    // Jobs are plain functions of the database, so running the group again from the
    // same state gives each job the outcome it would have had in its own savepoint.
    results = runGroup(jobs, false) ?? runGroup(jobs, true)!;
  } catch (error) {
    if (db.inTransaction) db.exec('ROLLBACK');
    const message = String(error);
    results = jobs.map(({ id }) => ({ id, ok: false, error: message }));
  }
  port.postMessage({ type: 'results', results } satisfies FromWriter);
  // Off the answer's path: the group's journeys are folded in once it has been answered.
  try {
    run.foldJourneys();
  } catch {
    // Its journeys are marked for a recompute at the next flush.
  }
  if (Date.now() - lastJourneyFlush >= JOURNEY_FLUSH_MS) flushJourneys();
  else {
    // Re-armed by every group: it fires once the writer has been idle for a while.
    clearTimeout(journeyTimer);
    journeyTimer = setTimeout(flushJourneys, IDLE_FLUSH_MS);
  }
}

let lastJourneyFlush = Date.now();
let journeyTimer: NodeJS.Timeout | undefined;

/** Writes the journey states computed since the last flush, in a transaction of their own. */
function flushJourneys(): void {
  clearTimeout(journeyTimer);
  journeyTimer = undefined;
  lastJourneyFlush = Date.now();
  if (!run.pendingJourneys()) return;
  try {
    db.exec('BEGIN IMMEDIATE');
    run.beginGroup();
    run.flushJourneys();
    db.exec('COMMIT');
    run.endGroup(true);
  } catch {
    // Kept pending: the next flush, or a reader's flushJourneys job, tries again.
    if (db.inTransaction) db.exec('ROLLBACK');
    run.endGroup(false);
    journeyTimer = setTimeout(flushJourneys, JOURNEY_FLUSH_MS);
  }
}

port.on('message', (message: ToWriter) => {
  if (message.type === 'job') {
    queue.push(message);
    queuedRows += rowsOf(message.job);
    if (immediate) return;
    if (!busy || queuedRows >= GROUP_ROWS) {
      clearTimeout(timer);
      timer = undefined;
      // setImmediate lets every message already delivered join this group.
      immediate = setImmediate(commitQueued);
    } else {
      timer ??= setTimeout(commitQueued, MAX_WAIT_MS);
    }
    return;
  }
  if (message.type === 'close' && !closing) {
    closing = true;
    commitQueued();
    flushJourneys();
    db.pragma('wal_checkpoint(TRUNCATE)');
    db.close();
    port.postMessage({ type: 'closed' } satisfies FromWriter);
    port.close();
  }
});

port.postMessage({ type: 'ready' } satisfies FromWriter);
