/**
 * Moves WAL pages into the database file off the write path: PASSIVE checkpoints on
 * a timer, on a connection of their own, never waiting for the writer.
 */
import Database from 'better-sqlite3';
import { parentPort, workerData } from 'node:worker_threads';

const { path, intervalMs } = workerData as { path: string; intervalMs: number };
const db = new Database(path);
db.pragma('busy_timeout = 0');

const timer = setInterval(() => {
  try {
    db.pragma('wal_checkpoint(PASSIVE)');
  } catch {
    // Busy or locked: the next tick tries again.
  }
}, intervalMs);

parentPort!.on('message', (message: { type: string }) => {
  if (message.type !== 'close') return;
  clearInterval(timer);
  db.close();
  parentPort!.postMessage({ type: 'closed' });
  parentPort!.close();
});
