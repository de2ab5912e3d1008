/**
 * The funnel and bottleneck queries, on a thread of their own: they hold every
 * progress event in memory as columns (see EventColumns) and can take a while over
 * months of data, and neither should weigh on the thread that serves requests.
 *
 * The columns are built at start, in chunks with a yield between them, and brought
 * up to date before each query. While queries keep coming (the dashboard refreshes),
 * they are also kept up to date every second, so a query seldom has much to read first.
 */
import Database from 'better-sqlite3';
import { parentPort, workerData } from 'node:worker_threads';
import { bottlenecksOverColumns, funnelOverColumns } from './column-queries.js';
import { EventColumns } from './event-columns.js';
import type { AnalyticsJob, FromAnalytics, ToAnalytics } from './analytics-messages.js';

/** Catch-ups on a timer last this long after the latest query. */
const WARM_MS = 10 * 60_000;
const CATCH_UP_MS = 1_000;

const { path } = workerData as { path: string };
const port = parentPort!;
const db = new Database(path, { readonly: true, fileMustExist: true });
db.pragma('busy_timeout = 5000');
const columns = new EventColumns(db);
let lastQuery = -Infinity;

function answer(job: AnalyticsJob): unknown {
  columns.catchUp();
  lastQuery = Date.now();
  return job.op === 'funnel' ? funnelOverColumns(columns, job.query) : bottlenecksOverColumns(columns, job.query);
}

// The first build, a chunk per turn, so a query arriving meanwhile is taken (and finishes the build).
const build = () => {
  if (columns.catchUpStep()) setImmediate(build);
};
setImmediate(build);

const timer = setInterval(() => {
  if (Date.now() - lastQuery < WARM_MS) columns.catchUp();
}, CATCH_UP_MS);

port.on('message', (message: ToAnalytics) => {
  if (message.type === 'close') {
    clearInterval(timer);
    db.close();
    port.postMessage({ type: 'closed' } satisfies FromAnalytics);
    port.close();
    return;
  }
  try {
    port.postMessage({ type: 'result', id: message.id, ok: true, value: answer(message.job) } satisfies FromAnalytics);
  } catch (error) {
    port.postMessage({ type: 'result', id: message.id, ok: false, error: String(error) } satisfies FromAnalytics);
  }
});
