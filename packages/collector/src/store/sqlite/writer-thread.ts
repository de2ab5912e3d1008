/**
 * The single writer, on its own thread so long commits never stall the HTTP event
 * loop. Jobs that arrive while a commit runs queue up and go together in the next
 * transaction (group commit): one commit for many requests, and each request is
 * answered only after the commit that holds its rows.
 */
import Database from 'better-sqlite3';
import { parentPort, workerData } from 'node:worker_threads';
import { applyPragmas } from './schema.js';
import { createWrites, type WriteJob } from './writes.js';
import type { ToWriter, FromWriter, JobResult } from './writer-messages.js';

const { path, walAutocheckpoint } = workerData as { path: string; walAutocheckpoint: number };
const port = parentPort!;
const db = new Database(path);
applyPragmas(db, { walAutocheckpoint });
const run = createWrites(db);

let queue: Array<{ id: number; job: WriteJob }> = [];
let scheduled = false;
let closing = false;

function commitQueued(): void {
  scheduled = false;
  const jobs = queue;
  queue = [];
  if (jobs.length === 0) return;
  const results: JobResult[] = [];
  try {
    db.exec('BEGIN IMMEDIATE');
    for (const { id, job } of jobs) {
      // A savepoint per job: one failing job is rolled back alone, the group still commits.
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
    const message = String(error);
    port.postMessage({ type: 'results', results: jobs.map(({ id }) => ({ id, ok: false, error: message })) } satisfies FromWriter);
    return;
  }
  port.postMessage({ type: 'results', results } satisfies FromWriter);
}

port.on('message', (message: ToWriter) => {
  if (message.type === 'job') {
    queue.push(message);
    if (!scheduled) {
      scheduled = true;
      // setImmediate lets every message already delivered join this group.
      setImmediate(commitQueued);
    }
    return;
  }
  if (message.type === 'close' && !closing) {
    closing = true;
    commitQueued();
    db.pragma('wal_checkpoint(TRUNCATE)');
    db.close();
    port.postMessage({ type: 'closed' } satisfies FromWriter);
    port.close();
  }
});

port.postMessage({ type: 'ready' } satisfies FromWriter);
