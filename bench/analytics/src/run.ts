/**
 * Analytics benchmark: how long the collector's dashboard queries take over 10
 * million progress events, against SQLite merely counting the rows each one reads,
 * measured in one run.
 *
 * The data set (see dataset.ts) is generated from a seed and loaded into a
 * collector database (see load.ts), which is kept in `.data/` under a name made from
 * the generator's parameters and the collector's schema, so later runs skip the load.
 * The collector then runs in its own process (`serve.mjs`) and every query is timed
 * over HTTP, after a warm-up; beside it, the bench times the store's own read for the
 * query and a `SELECT count(…)` over the same rows, through the same index.
 *
 *   npm run bench -w @waymark/bench-analytics -- [--events 10000000 | --traces N]
 *     [--runs 5] [--limit-s 120] [--days 30] [--devices 1000] [--seed 1] [--fresh]
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import http from 'node:http';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import Database from 'better-sqlite3';
import { peakRssMb, startServerProcess, type ServerProcess } from '@waymark/bench-process';
import { createSqliteStore, INSERT_SQL, MIGRATIONS, type PreparedItem } from '@waymark/collector/store';
import { DATASET_VERSION, dataset, emptyCounts, type DatasetCounts, type DatasetOptions } from './dataset.js';
import { compareWithStore, loadDatabase, type LoadStats } from './load.js';

const DAY = 86_400_000;
const SEOUL = 9 * 3_600_000;
const TIME_ZONE = 'Asia/Seoul';
/** The data ends at 2026-11-21 00:00 in Seoul; the collector's clock stands there. */
const END = Date.UTC(2026, 10, 20, 15);
/** Seed 001: dashboard queries p95 < 500 ms. Ours: < 100 ms. */
const SLO_MS = 500;
const GOAL_MS = 100;
/** Items checked against the store's own ingest before a load is trusted. */
const CHECK_ITEMS = 30_000;
/** Traces generated to measure the model's events per trace. */
const PILOT_TRACES = 20_000;

const { values: args } = parseArgs({
  options: {
    events: { type: 'string' },
    traces: { type: 'string' },
    runs: { type: 'string', default: '5' },
    days: { type: 'string', default: '30' },
    devices: { type: 'string', default: '1000' },
    seed: { type: 'string', default: '1' },
    'limit-s': { type: 'string', default: '120' },
    fresh: { type: 'boolean', default: false },
  },
});
const positive = (name: 'events' | 'traces' | 'runs' | 'days' | 'devices' | 'seed' | 'limit-s', value = args[name]) => {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new Error(`--${name} must be a positive integer, got "${value}"`);
  return n;
};
if (args.events !== undefined && args.traces !== undefined) throw new Error('give --events or --traces, not both');
const RUNS = positive('runs');
const DAYS = positive('days');
const DEVICES = positive('devices');
const SEED = positive('seed');
/** A request still unanswered after this long is abandoned. */
const LIMIT_MS = positive('limit-s') * 1_000;
/** A query whose warm-up took longer than this is timed once more, not `--runs` times: its verdict does not hang on it. */
const SLOW_MS = 10_000;
if (DAYS < 7) throw new Error('--days must be at least 7 (a week of daily summaries is read)');

const here = dirname(fileURLToPath(import.meta.url));
const dataDir = join(here, '..', '.data');
const int = (n: number) => Math.round(n).toLocaleString('en-US');
const log = (line: string) => console.log(line);

// ---------------------------------------------------------------------------
// The data set and its database.

/** Progress events per journey of the generator's model, measured on a pilot. */
function eventsPerTrace(): number {
  const counts = emptyCounts();
  for (const _ of dataset({ traces: PILOT_TRACES, days: DAYS, devices: DEVICES, seed: SEED, end: END }, counts));
  return counts.items.progress / PILOT_TRACES;
}

const perTrace = args.traces === undefined ? eventsPerTrace() : undefined;
const TRACES = args.traces !== undefined ? positive('traces') : Math.max(1, Math.round(positive('events', args.events ?? '10000000') / perTrace!));
const options: DatasetOptions = { traces: TRACES, days: DAYS, devices: DEVICES, seed: SEED, end: END };

interface Cached {
  options: DatasetOptions;
  counts: DatasetCounts;
  load: LoadStats;
  /** Aggregating every day's summaries through the collector, s. */
  summarySeconds: number;
  checkedRows: number;
  bytes: number;
  builtAt: string;
}

const key = createHash('sha256')
  .update(JSON.stringify({ DATASET_VERSION, options, MIGRATIONS, INSERT_SQL }))
  .digest('hex')
  .slice(0, 16);
const dbFile = join(dataDir, `analytics-${key}.db`);
const statsFile = join(dataDir, `analytics-${key}.json`);
const fileBytes = (f: string) => (existsSync(f) ? statSync(f).size : 0);
const dbBytes = () => fileBytes(dbFile) + fileBytes(`${dbFile}-wal`);

/** Free bytes on the file system holding `dir`, from `df`. */
function freeBytes(dir: string): number {
  const out = execFileSync('df', ['-Pk', dir], { encoding: 'utf8' }).trim().split('\n').at(-1)!.split(/\s+/);
  return Number(out[3]) * 1_024;
}

/** Calendar day (YYYY-MM-DD) in Seoul of an instant. */
const dateOf = (ms: number) => new Date(ms + SEOUL).toISOString().slice(0, 10);
/** The instants [from, to) of a calendar day in Seoul. */
const dayRange = (date: string) => {
  const from = Date.parse(`${date}T00:00:00Z`) - SEOUL;
  return { from, to: from + DAY };
};
const LAST_DATE = dateOf(END - 1);
const DATES = Array.from({ length: DAYS }, (_, i) => dateOf(END - (DAYS - i) * DAY));

async function build(): Promise<Cached> {
  mkdirSync(dataDir, { recursive: true });
  // About 0.55 KB per progress event on disk (rows and indexes), the write-ahead log on top.
  const need = TRACES * (perTrace ?? 8) * 550 * 1.5 + 1e9;
  const free = freeBytes(dataDir);
  log(`disk: ${(free / 1e9).toFixed(1)} GB free in ${dataDir}; the database needs about ${(need / 1.5 / 1e9).toFixed(1)} GB`);
  if (free < need) throw new Error(`not enough disk: ${(free / 1e9).toFixed(1)} GB free, about ${(need / 1e9).toFixed(1)} GB needed; try fewer --events`);
  rmSync(statsFile, { force: true });

  // The first items, loaded this way and through the store's own ingest, must give the same rows.
  const sample: PreparedItem[] = [];
  for (const item of dataset(options, emptyCounts())) if (sample.push(item) === CHECK_ITEMS) break;
  const check = await compareWithStore(sample, dataDir);
  if (check.differences.length) throw new Error(`the loaded tables differ from the store's own ingest of the same items:\n  ${check.differences.join('\n  ')}`);
  log(`check: the first ${int(sample.length)} items loaded this way and through the store's ingest give the same ${int(check.rows)} rows`);

  const counts = emptyCounts();
  log(`loading ${int(TRACES)} journeys over ${DAYS} days (seed ${SEED}) into ${dbFile}`);
  let shown = 0;
  const load = await loadDatabase(dbFile, dataset(options, counts), (rows, seconds) => {
    if (rows - shown < 1_000_000) return;
    shown = rows;
    log(`  ${int(rows)} rows in ${seconds.toFixed(0)} s (${int(rows / seconds)} rows/s)`);
  });
  log(`  traces: ${int(load.rows.traces)} journeys from migrate() in ${load.seconds.traces.toFixed(1)} s; sessions: ${int(load.rows.session)} through the store in ${load.seconds.sessions.toFixed(1)} s`);

  // Every day's summaries, through the collector's own route.
  const started = performance.now();
  const server = await startServer();
  try {
    for (const date of DATES) await request(server, 'POST', '/api/daily-summary/aggregate', JSON.stringify({ date }));
  } finally {
    await stopServer(server);
  }
  const summarySeconds = (performance.now() - started) / 1_000;
  log(`  daily summaries: ${DATES.length} days aggregated through POST /api/daily-summary/aggregate in ${summarySeconds.toFixed(1)} s`);

  const cached: Cached = { options, counts, load, summarySeconds, checkedRows: check.rows, bytes: dbBytes(), builtAt: new Date().toISOString() };
  writeFileSync(statsFile, `${JSON.stringify(cached, null, 2)}\n`);
  return cached;
}

// ---------------------------------------------------------------------------
// The collector process.

interface Server extends ServerProcess {
  /** Keep-alive, one connection: the requests of a query go one after another. */
  agent: http.Agent;
}

const newAgent = () => new http.Agent({ keepAlive: true, maxSockets: 1 });

/** The highest peak RSS of the collector processes so far. */
let serverPeakMb = 0;
const alive = (server: Server) => server.child.exitCode === null && server.child.signalCode === null;

async function startServer(): Promise<Server> {
  const config = JSON.stringify({ db: dbFile, now: END, timeZone: TIME_ZONE });
  return { ...(await startServerProcess([join(here, 'serve.mjs'), config])), agent: newAgent() };
}

/** Stops the collector: SIGTERM, or SIGKILL when it is stuck in a computation and cannot hear it. */
async function stopServer(server: Server, kill = false): Promise<void> {
  server.agent.destroy();
  if (!alive(server)) return;
  serverPeakMb = Math.max(serverPeakMb, peakRssMb(server.child.pid!));
  server.child.kill(kill ? 'SIGKILL' : 'SIGTERM');
  const code = await server.exited;
  if (!kill && code !== 0) throw new Error(`the collector exited with ${code}: ${server.stderr()}`);
}

class RequestTimeout extends Error {
  override readonly name = 'RequestTimeout';
}

/** One request; resolves with the answer once its last byte is in. */
function request(server: Server, method: 'GET' | 'POST', path: string, body?: string): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      `${server.url}${path}`,
      { method, agent: server.agent, headers: body ? { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } : {} },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => {
          clearTimeout(timer);
          if (res.statusCode === 200) resolve(Buffer.concat(chunks));
          else reject(new Error(`${method} ${path}: ${res.statusCode} ${Buffer.concat(chunks).toString().slice(0, 300)}`));
        });
      },
    );
    const timer = setTimeout(() => req.destroy(new RequestTimeout(`no answer in ${LIMIT_MS / 1_000} s`)), LIMIT_MS);
    req.once('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    req.end(body);
  });
}

// ---------------------------------------------------------------------------
// Queries.

interface Query {
  name: string;
  kind: 'funnel' | 'bottlenecks' | 'daily';
  /** Print what the answer says (once, from the warm-up). */
  describe?: boolean;
  method: 'GET' | 'POST';
  path: string;
  body?: string;
  /** The store's own read for the query, in this process. */
  store: (store: ReturnType<typeof createSqliteStore>) => Promise<unknown>;
  /** SQLite counting the rows the query reads, through the same index; answers the count. */
  baseline: (db: Database.Database) => number;
}

interface Result {
  name: string;
  rows: number;
  route: number[];
  store: number[];
  baseline: number[];
  error?: string;
}

const FUNNEL_STEPS = ['IDENTITY_VERIFIED', 'DATA_COLLECTED', 'REVIEWED', 'COMPLETED'];
const WHOLE = { from: END - DAYS * DAY, to: END };
const LAST_DAY = { from: END - DAY, to: END };
/** The dashboard's default range. */
const LAST_WEEK = { from: END - 7 * DAY, to: END };
const WEEK = { from: DATES[DATES.length - 7]!, to: LAST_DATE };
const DEVICE = 'kiosk-0001';
const PAGE = 1_000;

function countRows(db: Database.Database, sql: string, ...params: unknown[]): number {
  return db.prepare(sql).pluck().get(...params) as number;
}

function funnelQuery(label: string, range: { from: number; to: number }, breakdown: boolean): Query {
  const qs = `service=LOAN&steps=${FUNNEL_STEPS.join(',')}&from=${range.from}&to=${range.to}${breakdown ? '&breakdown=meta.channel' : ''}`;
  return {
    name: `funnel LOAN, 4 steps, ${label}${breakdown ? ', by channel' : ''}`,
    kind: 'funnel',
    method: 'GET',
    path: `/api/funnel?${qs}`,
    store: (s) => s.funnel({ service: 'LOAN', steps: FUNNEL_STEPS, window: DAY, ...range, ...(breakdown ? { breakdown: 'meta.channel' } : {}) }),
    baseline: (db) =>
      countRows(
        db,
        `SELECT count(${breakdown ? 'meta' : 'trace_id'}) FROM progress_events WHERE service = ? AND step IN (${FUNNEL_STEPS.map(() => '?').join(', ')}) AND timestamp >= ? AND timestamp <= ?`,
        'LOAN',
        ...FUNNEL_STEPS,
        range.from,
        range.to,
      ),
  };
}

function bottleneckQuery(label: string, range: { from: number; to: number }): Query {
  return {
    name: `bottlenecks LOAN, ${label}`,
    kind: 'bottlenecks',
    method: 'GET',
    path: `/api/bottlenecks?service=LOAN&from=${range.from}&to=${range.to}`,
    store: (s) => s.bottlenecks({ service: 'LOAN', ...range, timeZone: TIME_ZONE }),
    baseline: (db) => countRows(db, 'SELECT count(meta) FROM progress_events WHERE service = ? AND timestamp >= ? AND timestamp <= ?', 'LOAN', range.from, range.to),
  };
}

/** The rows of a kiosk table dated in [from, to), reached device by device through its index led by device_id. */
const byDevice = (table: string) => `WITH RECURSIVE dev(id) AS (
    SELECT (SELECT MIN(device_id) FROM ${table})
    UNION ALL SELECT (SELECT MIN(device_id) FROM ${table} WHERE device_id > dev.id) FROM dev WHERE dev.id IS NOT NULL)
  SELECT count(t.body) FROM dev CROSS JOIN ${table} t ON t.device_id = dev.id WHERE t.timestamp >= ? AND t.timestamp < ?`;

const QUERIES: Query[] = [
  { ...funnelQuery(`${DAYS} days`, WHOLE, false), describe: true },
  funnelQuery(`${DAYS} days`, WHOLE, true),
  funnelQuery('7 days', LAST_WEEK, false),
  funnelQuery('last day', LAST_DAY, false),
  funnelQuery('last day', LAST_DAY, true),
  { ...bottleneckQuery(`${DAYS} days`, WHOLE), describe: true },
  bottleneckQuery('7 days', LAST_WEEK),
  bottleneckQuery('last day', LAST_DAY),
  {
    name: `daily summaries, a week (first page of ${int(PAGE)})`,
    kind: 'daily',
    method: 'GET',
    path: `/api/daily-summary?from=${WEEK.from}&to=${WEEK.to}&limit=${PAGE}`,
    store: (s) => s.listDailySummaries({ from: WEEK.from, to: WEEK.to, limit: PAGE }),
    baseline: (db) =>
      countRows(
        db,
        'SELECT count(body) FROM (SELECT body FROM daily_summaries WHERE date >= ? AND date <= ? ORDER BY date DESC, device_id DESC LIMIT ?)',
        WEEK.from,
        WEEK.to,
        PAGE + 1,
      ),
  },
  {
    name: 'daily summary, one device and day',
    kind: 'daily',
    method: 'GET',
    path: `/api/daily-summary/${LAST_DATE}/${DEVICE}`,
    store: (s) => s.getDailySummary(LAST_DATE, DEVICE),
    baseline: (db) => countRows(db, 'SELECT count(body) FROM daily_summaries WHERE date = ? AND device_id = ?', LAST_DATE, DEVICE),
  },
  {
    name: 'aggregate one day (POST)',
    kind: 'daily',
    method: 'POST',
    path: '/api/daily-summary/aggregate',
    body: JSON.stringify({ date: LAST_DATE }),
    store: async (s) => {
      const range = dayRange(LAST_DATE);
      const records = await s.dailyRecords(range);
      const devices = new Set([records.sessions, records.purchases, records.performance, records.errors].flatMap((l) => l.map((r) => r.deviceId)));
      return s.devicePlaces([...devices], range.to);
    },
    baseline: (db) => {
      const { from, to } = dayRange(LAST_DATE);
      return (
        countRows(db, 'SELECT count(body) FROM sessions WHERE started_at >= ? AND started_at < ?', from, to) +
        countRows(db, byDevice('purchases'), from, to) +
        countRows(db, byDevice('performance_metrics'), from, to) +
        countRows(db, byDevice('error_reports'), from, to)
      );
    },
  },
];

/** What the data looks like through the collector's eyes: the LOAN funnel, and its slowest and most-dropped steps. */
function describe(q: Query, answer: Buffer): void {
  if (q.kind === 'funnel') {
    const f = JSON.parse(answer.toString()) as { funnel: Array<{ step: string; traces: number; medianMsFromPrevious: number | null }> };
    log(`    ${f.funnel.map((s) => `${s.step} ${int(s.traces)}${s.medianMsFromPrevious === null ? '' : ` (median ${(s.medianMsFromPrevious / 1_000).toFixed(0)} s)`}`).join(' → ')}`);
  }
  if (q.kind === 'bottlenecks') {
    const b = JSON.parse(answer.toString()) as { traces: number; steps: Array<{ step: string; p95MsToNext: number | null; dropRate: number }> };
    const slowest = [...b.steps].sort((x, y) => (y.p95MsToNext ?? 0) - (x.p95MsToNext ?? 0))[0];
    const dropped = [...b.steps].sort((x, y) => y.dropRate - x.dropRate)[0];
    if (slowest && dropped) {
      log(
        `    ${int(b.traces)} journeys, ${b.steps.length} steps; slowest: ${slowest.step}, p95 ${((slowest.p95MsToNext ?? 0) / 1_000).toFixed(0)} s to the next step; ` +
          `most dropped: ${dropped.step}, ${(dropped.dropRate * 100).toFixed(1)} %`,
      );
    }
  }
}

async function timed(runs: number, fn: () => unknown): Promise<number[]> {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const started = performance.now();
    await fn();
    times.push(performance.now() - started);
  }
  return times;
}

// ---------------------------------------------------------------------------
// Table.

const median = (xs: number[]) => {
  const s = [...xs].sort((x, y) => x - y);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
};
/** Nearest-rank 95th percentile: of 5 runs, the slowest. */
const p95 = (xs: number[]) => [...xs].sort((x, y) => x - y)[Math.ceil(0.95 * xs.length) - 1]!;
const ms = (n: number) => (n >= 100 ? int(n) : n >= 10 ? n.toFixed(1) : n.toFixed(2));
const mark = (p: number, limit: number) => (p < limit ? 'met' : 'MISSED');

function table(results: Result[]): string {
  const head = ['query', 'rows read', 'runs', 'median ms', 'p95 ms', 'store ms', 'count ms', '÷ count', 'ms / M rows', `SLO p95 < ${SLO_MS}`, `goal p95 < ${GOAL_MS}`];
  const lines = results.map((r) => {
    const read = ms(median(r.store));
    const count = ms(median(r.baseline));
    if (r.error) return [r.name, int(r.rows), '0', r.error, r.error, read, count, '–', '–', 'MISSED', 'MISSED'];
    const m = median(r.route);
    const p = p95(r.route);
    const b = median(r.baseline);
    const ratio = m / b;
    return [r.name, int(r.rows), String(r.route.length), ms(m), ms(p), read, count, `${ratio.toFixed(ratio >= 100 ? 0 : 1)}×`, r.rows >= 10_000 ? int((m / r.rows) * 1e6) : '–', mark(p, SLO_MS), mark(p, GOAL_MS)];
  });
  const width = head.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i]!.length)));
  const row = (cells: string[]) => `| ${cells.map((c, i) => (i === 0 ? c.padEnd(width[i]!) : c.padStart(width[i]!))).join(' | ')} |`;
  return [row(head), `| ${width.map((w, i) => (i === 0 ? '-'.repeat(w) : `${'-'.repeat(w - 1)}:`)).join(' | ')} |`, ...lines.map(row)].join('\n');
}

// ---------------------------------------------------------------------------

log(`analytics bench: node ${process.version}, ${RUNS} runs per query after a warm-up`);
if (perTrace !== undefined) log(`the model makes ${perTrace.toFixed(2)} progress events per journey (pilot of ${int(PILOT_TRACES)}): ${int(TRACES)} journeys`);
const others = existsSync(dataDir) ? readdirSync(dataDir).filter((f) => /^analytics-.*\.db$/.test(f) && !dbFile.endsWith(f)) : [];
if (others.length) log(`other cached databases in ${dataDir} (delete their .db, .db-wal, .db-shm and .json files to free disk): ${others.map((f) => `${f} ${(fileBytes(join(dataDir, f)) / 1e9).toFixed(1)} GB`).join(', ')}`);

let cached: Cached;
if (!args.fresh && existsSync(statsFile) && existsSync(dbFile)) {
  cached = JSON.parse(readFileSync(statsFile, 'utf8')) as Cached;
  log(`using the cached database ${dbFile} (built ${cached.builtAt}; --fresh rebuilds it)`);
} else {
  cached = await build();
}

const { counts, load } = cached;
const events = counts.items.progress;
const direct = load.rows.progress + load.rows.purchase + load.rows.performance + load.rows.error;
const loadSeconds = load.seconds.insert + load.seconds.traces + load.seconds.sessions + cached.summarySeconds;
log('');
log(`data: ${int(events)} progress events (LOAN ${int(counts.events.LOAN)}, SIGNUP ${int(counts.events.SIGNUP)}, PHOTO_KIOSK ${int(counts.events.PHOTO_KIOSK)}) of ${int(load.rows.traces)} journeys over ${DAYS} days;`);
log(`      ${int(load.rows.session)} kiosk sessions, ${int(load.rows.purchase)} purchases, ${int(load.rows.performance)} performance metrics, ${int(load.rows.error)} error reports from ${int(DEVICES)} kiosks`);
log(
  `load: ${loadSeconds.toFixed(0)} s in all — ${int(direct)} rows generated and inserted in ${load.seconds.insert.toFixed(0)} s (${int(direct / load.seconds.insert)} rows/s, ` +
    `${int(events / load.seconds.insert)} progress events/s), traces ${load.seconds.traces.toFixed(0)} s, sessions ${load.seconds.sessions.toFixed(0)} s, ${DAYS} daily aggregates ${cached.summarySeconds.toFixed(0)} s`,
);
log(`file: ${(dbBytes() / 1e9).toFixed(2)} GB (${int(dbBytes() / events)} bytes per progress event)`);
log('');

let server = await startServer();
const reader = new Database(dbFile, { readonly: true, fileMustExist: true });
reader.pragma('cache_size = -65536');
const results: Result[] = [];
{
  // The collector's analytics thread reads every progress event into memory at start;
  // the first funnel or bottleneck request waits for it. Timed here, apart.
  const started = performance.now();
  await request(server, 'GET', `/api/funnel?service=LOAN&steps=COMPLETED&from=${END}&to=${END}`);
  log(`  collector start: funnels and bottlenecks answer ${ms(performance.now() - started)} ms after it (events read into memory)`);
}
try {
  for (const q of QUERIES) {
    const rows = q.baseline(reader);
    const result: Result = { name: q.name, rows, route: [], store: [], baseline: [] };
    let runs = RUNS;
    try {
      const warmUp = performance.now();
      const answer = await request(server, q.method, q.path, q.body);
      const took = performance.now() - warmUp;
      // A slow query is timed once more; its warm-up counts as the other run.
      if (took > SLOW_MS) runs = 1;
      log(`  ${q.name}: warm-up ${ms(took)} ms, ${int(rows)} rows read, ${int(answer.byteLength)} bytes answered`);
      if (q.describe) describe(q, answer);
      result.route = await timed(runs, () => request(server, q.method, q.path, q.body));
      if (runs === 1) result.route.unshift(took);
    } catch (error) {
      result.error = error instanceof RequestTimeout ? `> ${LIMIT_MS / 1_000} s` : alive(server) ? String(error) : `the collector died: ${server.stderr().trim().split('\n').at(-1)}`;
      log(`  ${q.name}: ${result.error}${error instanceof RequestTimeout ? '; the collector, still busy with it, is restarted' : ''}`);
      // A collector stuck in a computation answers nothing else until it is done.
      await stopServer(server, true);
      server = await startServer();
      runs = 1;
    }
    // The next query gets a new connection: while this process reads below, it cannot
    // notice the collector closing an idle one, and would send on a closed socket.
    server.agent.destroy();
    server.agent = newAgent();
    // The route's warm-up has brought the rows into the page cache already.
    result.baseline = await timed(runs, () => q.baseline(reader));
    results.push(result);
  }
} finally {
  await stopServer(server);
}

// The store in this process, once the collector has stopped, so that its own start (its
// analytics thread reading every progress event) does not run beside the requests above.
const store = createSqliteStore({ path: dbFile });
await store.ready;
try {
  for (const [i, q] of QUERIES.entries()) {
    const result = results[i]!;
    const runs = result.route.length || 1;
    await q.store(store); // warm-up, as for the route
    result.store = await timed(runs, () => q.store(store));
  }
} finally {
  await store.close();
  reader.close();
}

log(`\ncollector peak RSS: ${int(serverPeakMb)} MB`);
log(`\n${table(results)}\n`);
log(`median and p95 (nearest rank: of so few runs, the slowest) of ${RUNS} HTTP requests after a warm-up, from sending to the last byte of the answer; when the warm-up took over ${SLOW_MS / 1_000} s, of the warm-up and one more request. > ${LIMIT_MS / 1_000} s: no answer within --limit-s.`);
log("store: the Store method the route calls (for funnels and bottlenecks the whole answer; for the aggregate: the day's records and the devices' places, not the write), in this process after a warm-up; median of as many runs.");
log("count: SQLite counting the same rows through the same index (SELECT count(<a column the query reads>) … with the query's filter); ÷ count = median / count median.");
