/**
 * Ingest benchmark: how close the collector's durable ingest comes to its two
 * ceilings, measured in one run with the same rows.
 *
 *   (a) a bare node:http server that only reads and JSON.parses each body;
 *   (c) the collector end to end (built CLI, fresh database, --quiet);
 *   (b) better-sqlite3 alone inserting exactly the rows (c) stored — its progress
 *       events and the journey state of each trace — with the collector's schema,
 *       pragmas and INSERT, 5,000 rows per transaction.
 *
 * (a) and (c) run in child processes and are loaded by autocannon from a third
 * process, POSTing the same pre-built SDK batches (50 progress events each) over
 * keep-alive connections. Prints every run, the medians and c / min(a, b).
 *
 *   npm run bench -w @waymark/bench-ingest -- [--runs 3] [--requests 10000]
 *     [--connections 200] [--a-seconds 10]
 */
import { fork } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { closeSync, fsyncSync, mkdtempSync, openSync, rmSync, writeSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import Database from 'better-sqlite3';
import { peakRssMb, startServerProcess, type ServerProcess } from '@waymark/bench-process';
import { v7 as uuidv7 } from 'uuid';

const ITEMS_PER_REQUEST = 50;

const { values: args } = parseArgs({
  options: {
    runs: { type: 'string', default: '3' },
    requests: { type: 'string', default: '10000' },
    connections: { type: 'string', default: '200' },
    'a-seconds': { type: 'string', default: '10' },
  },
});
const positive = (name: keyof typeof args) => {
  const n = Number(args[name]);
  if (!Number.isInteger(n) || n < 1) throw new Error(`--${name} must be a positive integer, got "${args[name]}"`);
  return n;
};
const RUNS = positive('runs');
const REQUESTS = positive('requests');
const CONNECTIONS = positive('connections');
const A_SECONDS = positive('a-seconds');
if (CONNECTIONS > REQUESTS) throw new Error('--connections cannot be more than --requests');

const here = dirname(fileURLToPath(import.meta.url));
const collectorCli = join(dirname(createRequire(import.meta.url).resolve('@waymark/collector')), 'cli.js');

// ---------------------------------------------------------------------------
// Events: journeys of ~10 steps across the services that serve them, a thousand
// in flight at once, so a batch interleaves many traces.

const JOURNEYS: ReadonlyArray<ReadonlyArray<readonly [service: string, step: string]>> = [
  [
    ['web-frontend', 'LANDING_VIEWED'],
    ['web-frontend', 'SIGNUP_STARTED'],
    ['identity-service', 'OTP_SENT'],
    ['identity-service', 'IDENTITY_VERIFIED'],
    ['web-frontend', 'PROFILE_FORM_VIEWED'],
    ['profile-service', 'DATA_COLLECTED'],
    ['web-frontend', 'TERMS_ACCEPTED'],
    ['api-gateway', 'FORM_SUBMITTED'],
    ['profile-service', 'REVIEWED'],
    ['notification-service', 'WELCOME_SENT'],
    ['api-gateway', 'COMPLETED'],
  ],
  [
    ['mobile-app', 'APPLICATION_STARTED'],
    ['identity-service', 'IDENTITY_VERIFIED'],
    ['loan-service', 'INCOME_COLLECTED'],
    ['loan-service', 'DATA_COLLECTED'],
    ['document-service', 'DOCUMENT_UPLOADED'],
    ['document-service', 'DOCUMENT_CHECKED'],
    ['credit-service', 'CREDIT_CHECKED'],
    ['loan-service', 'FORM_SUBMITTED'],
    ['underwriting-service', 'REVIEWED'],
    ['loan-service', 'OFFER_ACCEPTED'],
    ['loan-service', 'COMPLETED'],
  ],
  [
    ['kiosk-app', 'SESSION_STARTED'],
    ['kiosk-app', 'TEMPLATE_SELECTED'],
    ['camera-service', 'PHOTO_CAPTURED'],
    ['camera-service', 'PHOTO_RETAKEN'],
    ['kiosk-app', 'PHOTO_SELECTED'],
    ['editor-service', 'PHOTO_EDITED'],
    ['payment-service', 'PAYMENT_AUTHORIZED'],
    ['print-service', 'PRINT_QUEUED'],
    ['print-service', 'PRINTED'],
    ['kiosk-app', 'COMPLETED'],
  ],
];
const CHANNELS = ['WEB', 'MOBILE_APP', 'MOBILE_WEB'] as const;
const DEVICES = ['iPhone15,2', 'SM-S911B', 'Pixel 8', 'Chrome 131 / Windows', 'Safari 18 / macOS', 'KIOSK-K200'];
const VERSIONS = ['3.4.1', '3.4.2', '3.5.0', '4.0.0-beta.2'];
const REGIONS = ['eu-west-1', 'eu-central-1', 'us-east-1', 'ap-northeast-2'];
const FAILURES = [
  ['FAIL', 'NETWORK_TIMEOUT'],
  ['FAIL', 'QUALITY_LOW'],
  ['FAIL', 'POLICY_REJECT'],
  ['CANCEL', 'USER_ABORT'],
  ['CANCEL', 'CAMERA_PERMISSION_DENIED'],
] as const;
/** Journeys in progress at once (seed 002 plans for 1,000 devices at a time). */
const IN_FLIGHT = 1_000;

const pick = <T>(list: readonly T[]): T => list[Math.floor(Math.random() * list.length)]!;
const between = (lo: number, hi: number) => lo + Math.floor(Math.random() * (hi - lo + 1));

interface Trace {
  traceId: string;
  steps: ReadonlyArray<readonly [string, string]>;
  next: number;
  /** Steps it will take: most finish, some stop early with a failure or a cancel. */
  length: number;
  /** Time of its next step on the collector's clock. */
  at: number;
  /** How far the sending device's clock is off. */
  skew: number;
  meta: Record<string, unknown>;
}

/**
 * Progress events in the order a fleet sends them: a journey's steps are 0.15–20 s
 * apart, the next step due is the next event, so events arrive roughly in time order
 * (give or take device clock skew) and a batch interleaves many journeys.
 */
function* progressEvents(): Generator<Record<string, unknown>> {
  let clock = Date.now() - 86_400_000;
  const newTrace = (): Trace => {
    const steps = pick(JOURNEYS);
    return {
      traceId: randomUUID(),
      steps,
      next: 0,
      length: Math.random() < 0.8 ? steps.length : between(6, steps.length - 1),
      at: clock + between(0, 20_000),
      skew: Math.random() < 0.9 ? between(-2_000, 2_000) : between(-600_000, 600_000),
      meta: { channel: pick(CHANNELS), clientVersion: pick(VERSIONS), device: pick(DEVICES), region: pick(REGIONS) },
    };
  };
  const traces = Array.from({ length: IN_FLIGHT }, newTrace);
  for (;;) {
    // The journey whose next step is due first takes it.
    let slot = 0;
    for (let i = 1; i < traces.length; i++) if (traces[i]!.at < traces[slot]!.at) slot = i;
    const t = traces[slot]!;
    clock = t.at;
    const [service, step] = t.steps[t.next]!;
    t.next++;
    const last = t.next === t.length;
    const [status, reason] = last && t.length < t.steps.length ? pick(FAILURES) : (['SUCCESS', null] as const);
    yield {
      kind: 'progress',
      eventId: uuidv7(),
      traceId: t.traceId,
      service,
      step,
      status,
      reason,
      timestamp: t.at + t.skew,
      schemaVersion: 1,
      meta: { ...t.meta, screenId: `${service}/${step.toLowerCase()}`, attempt: step === 'PHOTO_RETAKEN' ? 2 : 1 },
    };
    t.at += between(150, 20_000);
    if (last) traces[slot] = newTrace();
  }
}

/** Writes `count` SDK batch bodies, one JSON document per line; every event in them is new. */
function writeBodies(file: string, count: number): void {
  const events = progressEvents();
  const fd = openSync(file, 'w');
  for (let i = 0; i < count; i++) {
    const items = Array.from({ length: ITEMS_PER_REQUEST }, () => events.next().value!);
    // Sent a moment after its newest item was recorded.
    const sentAt = Math.max(...items.map((item) => item.timestamp as number)) + between(10, 1_000);
    writeSync(fd, `${JSON.stringify({ sentAt, sdk: { name: '@waymark/node', version: '0.1.0' }, items })}\n`);
  }
  // On disk before the first run, so its writeback does not compete with the collector's fsyncs.
  fsyncSync(fd);
  closeSync(fd);
}

// ---------------------------------------------------------------------------
// Processes.

interface LoadResult {
  requests: number;
  ok: number;
  non2xx: number;
  errors: number;
  timeouts: number;
  seconds: number;
  p50: number;
  p99: number;
  exhausted: boolean;
}

interface PhaseResult {
  eventsPerSecond: number;
  p50?: number;
  p99?: number;
  peakRssMb: number;
}

/** Stops a server with SIGTERM; it must exit cleanly (the collector commits and checkpoints first). */
async function stopServer(server: ServerProcess, name: string): Promise<void> {
  server.child.kill('SIGTERM');
  const code = await server.exited;
  if (code !== 0) throw new Error(`${name} exited with ${code}: ${server.stderr()}`);
}

/** Forks a plain-JS helper (no tsx loader), sends it its task and resolves with its one answer. */
function runHelper<T>(script: string, task: unknown): Promise<T> {
  const child = fork(join(here, script), [], { execArgv: [], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  return new Promise((resolve, reject) => {
    child.once('message', (message) => resolve(message as T));
    child.once('exit', (code) => reject(new Error(`${script} exited with ${code} without a result`)));
    child.send(task as object);
  });
}

function checkLoad(phase: string, load: LoadResult): void {
  if (load.errors || load.timeouts || load.non2xx) {
    throw new Error(`${phase}: ${load.non2xx} non-2xx answers, ${load.errors} errors, ${load.timeouts} timeouts`);
  }
}

// ---------------------------------------------------------------------------
// Phases.

async function bareHttp(bodiesFile: string): Promise<PhaseResult> {
  const server = await startServerProcess([join(here, 'bare-server.mjs')]);
  let load: LoadResult;
  let rss: number;
  try {
    load = await runHelper<LoadResult>('load.mjs', { url: server.url, bodiesFile, connections: CONNECTIONS, duration: A_SECONDS, wrap: true });
    rss = peakRssMb(server.child.pid!);
  } finally {
    await stopServer(server, 'bare server');
  }
  checkLoad('(a) bare http', load);
  return { eventsPerSecond: (load.ok * ITEMS_PER_REQUEST) / load.seconds, p50: load.p50, p99: load.p99, peakRssMb: rss };
}

async function collector(bodiesFile: string, db: string): Promise<PhaseResult> {
  const server = await startServerProcess([collectorCli, '--port', '0', '--db', db, '--quiet']);
  let load: LoadResult;
  let rss: number;
  try {
    load = await runHelper<LoadResult>('load.mjs', {
      url: `${server.url}/api/batch`,
      bodiesFile,
      connections: CONNECTIONS,
      amount: REQUESTS,
      wrap: false,
    });
    rss = peakRssMb(server.child.pid!);
  } finally {
    await stopServer(server, 'collector');
  }
  checkLoad('(c) collector', load);
  if (load.exhausted) throw new Error('(c) collector: ran out of bodies; a batch would have been sent twice');
  const conn = new Database(db, { readonly: true });
  const stored = conn.prepare('SELECT count(*) FROM progress_events').pluck().get() as number;
  const rejected = conn.prepare('SELECT count(*) FROM rejected_items').pluck().get() as number;
  conn.close();
  const expected = REQUESTS * ITEMS_PER_REQUEST;
  const check = stored === expected && load.ok === REQUESTS && rejected === 0;
  console.log(
    `  (c) stored ${stored.toLocaleString('en-US')} rows; ${load.ok.toLocaleString('en-US')} requests × ${ITEMS_PER_REQUEST} = ${expected.toLocaleString('en-US')}; rejected ${rejected} — ${check ? 'ok' : 'MISMATCH'}`,
  );
  if (!check) throw new Error('(c) collector: stored rows do not match the requests sent');
  return { eventsPerSecond: (load.ok * ITEMS_PER_REQUEST) / load.seconds, p50: load.p50, p99: load.p99, peakRssMb: rss };
}

async function sqliteOnly(source: string, target: string): Promise<PhaseResult> {
  const r = await runHelper<{ rows: number; stored: number; seconds: number; peakRssKb: number }>('insert-rows.mjs', { source, target });
  if (r.stored !== r.rows) throw new Error(`(b) sqlite: inserted ${r.rows} rows but the table holds ${r.stored}`);
  return { eventsPerSecond: r.rows / r.seconds, peakRssMb: r.peakRssKb / 1024 };
}

// ---------------------------------------------------------------------------
// Table.

interface Run {
  a: PhaseResult;
  b: PhaseResult;
  c: PhaseResult;
  ratio: number;
}

const median = (xs: number[]) => {
  const s = [...xs].sort((x, y) => x - y);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
};
const int = (n: number | undefined) => (n === undefined ? '–' : Math.round(n).toLocaleString('en-US'));
const PHASES = [
  ['a', 'node:http + JSON.parse'],
  ['b', 'better-sqlite3, 5,000-row tx'],
  ['c', 'collector end to end'],
] as const;

function rows(label: string, run: Run): string[] {
  const lines = PHASES.map(([key, name]) => {
    const p = run[key];
    return `| ${label.padEnd(6)} | ${`${key}  ${name}`.padEnd(31)} | ${int(p.eventsPerSecond).padStart(9)} | ${int(p.p50).padStart(6)} | ${int(p.p99).padStart(6)} | ${int(p.peakRssMb).padStart(11)} |`;
  });
  lines.push(`| ${label.padEnd(6)} | ${'c / min(a, b)'.padEnd(31)} | ${`${(run.ratio * 100).toFixed(0)} %`.padStart(9)} | ${''.padStart(6)} | ${''.padStart(6)} | ${''.padStart(11)} |`);
  return lines;
}

function table(runs: Run[]): string {
  const medianOf = (key: 'a' | 'b' | 'c'): PhaseResult => {
    const ps = runs.map((r) => r[key]);
    const opt = (xs: Array<number | undefined>) => (xs.every((x) => x !== undefined) ? median(xs as number[]) : undefined);
    return {
      eventsPerSecond: median(ps.map((p) => p.eventsPerSecond)),
      p50: opt(ps.map((p) => p.p50)),
      p99: opt(ps.map((p) => p.p99)),
      peakRssMb: median(ps.map((p) => p.peakRssMb)),
    };
  };
  const med: Run = { a: medianOf('a'), b: medianOf('b'), c: medianOf('c'), ratio: median(runs.map((r) => r.ratio)) };
  return [
    `| run    | phase                           |  events/s | p50 ms | p99 ms | peak RSS MB |`,
    `| ------ | ------------------------------- | --------: | -----: | -----: | ----------: |`,
    ...runs.flatMap((run, i) => rows(String(i + 1), run)),
    ...rows('median', med),
  ].join('\n');
}

// ---------------------------------------------------------------------------

const dir = mkdtempSync(join(tmpdir(), 'waymark-bench-ingest-'));
try {
  const bodiesFile = join(dir, 'bodies.ndjson');
  writeBodies(bodiesFile, REQUESTS);
  console.log(
    `ingest bench: ${RUNS} runs; ${REQUESTS.toLocaleString('en-US')} requests × ${ITEMS_PER_REQUEST} progress events for (c) and (b), ` +
      `${A_SECONDS} s for (a); ${CONNECTIONS} keep-alive connections; node ${process.version}`,
  );
  const runs: Run[] = [];
  for (let i = 1; i <= RUNS; i++) {
    console.log(`run ${i}/${RUNS}`);
    const a = await bareHttp(bodiesFile);
    const db = join(dir, `collector-${i}.db`);
    const c = await collector(bodiesFile, db);
    const copy = join(dir, `sqlite-${i}.db`);
    const b = await sqliteOnly(db, copy);
    for (const f of [db, copy]) for (const suffix of ['', '-wal', '-shm']) rmSync(`${f}${suffix}`, { force: true });
    const run = { a, b, c, ratio: c.eventsPerSecond / Math.min(a.eventsPerSecond, b.eventsPerSecond) };
    console.log(rows(String(i), run).join('\n'));
    runs.push(run);
  }
  console.log(`\n${table(runs)}\n`);
  console.log(`events/s: a and c, 2xx answers × ${ITEMS_PER_REQUEST} / time from the start of the load to its last answer; b, events / time in its transactions (the events', then the journey states').`);
  console.log('latency: autocannon, per request (a batch of 50).');
  console.log('peak RSS: VmHWM of the server process (a, c) and of the insert process (b).');
} finally {
  rmSync(dir, { recursive: true, force: true });
}
