/**
 * Node SDK benchmark: what `trackProgress()` costs a service with the durable outbox,
 * against the floor of a durable per-call write measured in the same run, and how
 * fast events get from the first call into a collector in another process.
 *
 * Per call, each timed alone, in bursts of 10 calls between event-loop turns (d and f
 * with a collector process up and the SDK delivering in those turns):
 *   a  JSON.stringify of the outbox row
 *   b  zod validation of the event, as trackProgress() does it
 *   c  better-sqlite3 insert of the row, WAL, synchronous=NORMAL, one row per transaction
 *   d  trackProgress(), durability 'process' (default)
 *   e  better-sqlite3 insert, synchronous=FULL (an fsync per transaction)
 *   f  trackProgress(), durability 'power'
 * End to end (a fresh collector process per phase; exactly-once checked):
 *   g  the same events POSTed to /api/batch directly, 50 per request, one request at a time
 *   h  trackProgress() → outbox → collector, default options (flushAt 50)
 *   i  the same with flushAt 500
 *
 *   npm run bench -w @waymark/bench-node-sdk -- [--runs 5] [--calls 20000]
 *     [--power-calls 2000] [--events 50000]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import Database from 'better-sqlite3';
import { createWaymark, type Waymark } from '@waymark/node';
import { ProgressEventSchema, validate } from '@waymark/protocol';
import { BURST, median, timeCalls, type CallTiming } from './call-timing.js';
import { startCollectorProcess, storedProgressRows } from './collector-process.js';
import { outboxRow, progressCalls } from './events.js';

const { values: args } = parseArgs({
  options: {
    runs: { type: 'string', default: '5' },
    calls: { type: 'string', default: '20000' },
    'power-calls': { type: 'string', default: '2000' },
    events: { type: 'string', default: '50000' },
  },
});
const positive = (name: keyof typeof args) => {
  const n = Number(args[name]);
  if (!Number.isInteger(n) || n < 1) throw new Error(`--${name} must be a positive integer, got "${args[name]}"`);
  return n;
};
const RUNS = positive('runs');
const CALLS = positive('calls');
const POWER_CALLS = positive('power-calls');
const EVENTS = positive('events');
const SERVICE = 'LOAN';
const BATCH = 50;

/** Outboxes and databases of the current run, on disk (not tmpfs): fsync must reach the device. */
let root = mkdtempSync(join(tmpdir(), 'waymark-bench-node-sdk-'));
let dirs = 0;
const freshDir = () => mkdtempSync(join(root, `${++dirs}-`));

// ---------------------------------------------------------------------------
// Per-call phases.

/** A table like the outbox's, with its pragmas, and its insert of one row per transaction. */
function bareInsert(synchronous: 'NORMAL' | 'FULL') {
  const db = new Database(join(freshDir(), 'bare.db'));
  db.pragma('journal_mode = WAL');
  db.pragma(`synchronous = ${synchronous}`);
  db.exec('CREATE TABLE outbox (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID');
  const put = db.prepare('INSERT INTO outbox (key, value) VALUES (?, ?)');
  return { put: (key: string, item: unknown) => put.run(key, JSON.stringify(item)), close: () => db.close() };
}

/** Sends until the SDK has nothing pending; throws if it stalls. */
async function drain(w: Waymark, deadlineMs = 60_000): Promise<void> {
  const until = Date.now() + deadlineMs;
  while (w.stats().pending > 0) {
    if (Date.now() > until) throw new Error(`the SDK still has ${w.stats().pending} items pending after ${deadlineMs} ms: ${JSON.stringify(w.stats())}`);
    await w.flush();
    if (w.stats().pending > 0) await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

interface SdkTiming extends CallTiming {
  /** Items the collector had acknowledged when the last call returned. */
  sentDuringCalls: number;
}

async function sdkCalls(endpoint: string, durability: 'process' | 'power', n: number): Promise<SdkTiming> {
  const calls = progressCalls(n);
  const w = createWaymark({ endpoint, service: SERVICE, outboxDir: freshDir(), durability, handleProcess: false });
  await w.ready;
  const timing = await timeCalls(n, (i) => w.trackProgress(calls[i]!));
  const sentDuringCalls = w.stats().sent;
  await drain(w);
  const s = w.stats();
  if (s.sent !== n || s.dropped !== 0) throw new Error(`trackProgress '${durability}': ${n} calls but ${JSON.stringify(s)}`);
  await w.shutdown({ timeoutMs: 5_000 });
  return { ...timing, sentDuringCalls };
}

interface PerCall {
  a: CallTiming;
  b: CallTiming;
  c: CallTiming;
  d: SdkTiming;
  e: CallTiming;
  f: SdkTiming;
}

async function perCall(): Promise<PerCall> {
  const rows = progressCalls(CALLS).map((call) => outboxRow(call, SERVICE));
  // What trackProgress() validates: the event with its id and time, before `kind` is added.
  const events = rows.map(({ item: { kind: _, ...event } }) => event);
  let sink = 0;
  const a = await timeCalls(CALLS, (i) => (sink += JSON.stringify(rows[i]!.item).length));
  let valid = 0;
  const b = await timeCalls(CALLS, (i) => (valid += validate(ProgressEventSchema, events[i]).ok ? 1 : 0));
  if (valid !== CALLS || sink === 0) throw new Error(`${CALLS - valid} events failed validation`);
  const normal = bareInsert('NORMAL');
  const c = await timeCalls(CALLS, (i) => normal.put(rows[i]!.key, rows[i]!.item));
  normal.close();

  const db = join(freshDir(), 'collector.db');
  const collector = await startCollectorProcess(db);
  try {
    const d = await sdkCalls(collector.url, 'process', CALLS);
    const full = bareInsert('FULL');
    const e = await timeCalls(POWER_CALLS, (i) => full.put(rows[i]!.key, rows[i]!.item));
    full.close();
    const f = await sdkCalls(collector.url, 'power', POWER_CALLS);
    const counts = await collector.progressCounts();
    if (counts.accepted !== CALLS + POWER_CALLS || counts.duplicate !== 0) throw new Error(`collector counts ${JSON.stringify(counts)}, expected ${CALLS + POWER_CALLS} accepted`);
    return { a, b, c, d, e, f };
  } finally {
    await collector.stop();
  }
}

// ---------------------------------------------------------------------------
// End-to-end phases.

interface EndToEnd {
  eventsPerSecond: number;
  seconds: number;
  accepted: number;
  duplicates: number;
  stored: number;
}

/** Runs `send` against a fresh collector process, then checks it stored every event exactly once. */
async function endToEnd(name: string, send: (url: string) => Promise<number>): Promise<EndToEnd> {
  const db = join(freshDir(), 'collector.db');
  const collector = await startCollectorProcess(db);
  let seconds: number;
  let counts: Awaited<ReturnType<typeof collector.progressCounts>>;
  try {
    seconds = await send(collector.url);
    counts = await collector.progressCounts();
  } finally {
    await collector.stop();
  }
  const stored = storedProgressRows(db);
  if (counts.accepted !== EVENTS || stored !== EVENTS || counts.rejected !== 0) {
    throw new Error(`${name}: ${EVENTS} events sent, collector accepted ${counts.accepted}, stored ${stored}, rejected ${counts.rejected}`);
  }
  return { eventsPerSecond: EVENTS / seconds, seconds, accepted: counts.accepted, duplicates: counts.duplicate, stored };
}

/** g: pre-built SDK envelopes of 50 items, POSTed one at a time, as the SDK sends them. */
function direct(url: string): Promise<number> {
  const items = progressCalls(EVENTS).map((call) => outboxRow(call, SERVICE).item);
  const bodies: string[] = [];
  for (let i = 0; i < items.length; i += BATCH) {
    bodies.push(JSON.stringify({ sentAt: Date.now(), sdk: { name: '@waymark/node', version: '0.1.0' }, items: items.slice(i, i + BATCH) }));
  }
  return (async () => {
    const start = process.hrtime.bigint();
    for (const body of bodies) {
      const res = await fetch(`${url}/api/batch`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
      const result = (await res.json()) as { accepted: number };
      if (res.status !== 200 || result.accepted !== BATCH) throw new Error(`direct POST answered ${res.status}: ${JSON.stringify(result)}`);
    }
    return Number(process.hrtime.bigint() - start) / 1e9;
  })();
}

/** h, i: every event through trackProgress(), from the first call until the collector has acknowledged the last. */
async function throughSdk(url: string, flushAt: number | undefined): Promise<number> {
  const calls = progressCalls(EVENTS);
  const w = createWaymark({ endpoint: url, service: SERVICE, outboxDir: freshDir(), handleProcess: false, ...(flushAt ? { flushAt } : {}) });
  await w.ready;
  const start = process.hrtime.bigint();
  await timeCalls(EVENTS, (i) => w.trackProgress(calls[i]!));
  await drain(w);
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  const s = w.stats();
  if (s.sent !== EVENTS || s.dropped !== 0) throw new Error(`SDK end to end: ${EVENTS} calls but ${JSON.stringify(s)}`);
  await w.shutdown({ timeoutMs: 5_000 });
  return seconds;
}

// ---------------------------------------------------------------------------
// Table.

interface Run {
  perCall: PerCall;
  g: EndToEnd;
  h: EndToEnd;
  i: EndToEnd;
}

const int = (n: number) => Math.round(n).toLocaleString('en-US');
const us = (n: number) => (n < 10 ? n.toFixed(1) : int(n));
const times = (x: number) => `${x < 10 ? x.toFixed(2) : x.toFixed(1)}×`;
/** How many times `slow` costs `fast` per call, on wall time (the SDK's work between calls included). */
const wallCost = (slow: CallTiming, fast: CallTiming) => fast.callsPerSecond / slow.callsPerSecond;
/** The same, in the call alone (mean). */
const inCallCost = (slow: CallTiming, fast: CallTiming) => slow.mean / fast.mean;

const CALL_ROWS = [
  ['a', 'JSON.stringify of the outbox row'],
  ['b', 'zod validation of the event'],
  ['c', 'insert, WAL, sync=NORMAL, 1 row/tx'],
  ['d', "trackProgress(), 'process'"],
  ['e', 'insert, WAL, sync=FULL, 1 row/tx'],
  ['f', "trackProgress(), 'power'"],
] as const;
const E2E_ROWS = [
  ['g', 'POST /api/batch direct, 50/request'],
  ['h', 'trackProgress() → collector'],
  ['i', 'trackProgress(), flushAt 500'],
] as const;

const pad = (cells: string[], widths: number[], right: boolean[]) => `| ${cells.map((c, k) => (right[k] ? c.padStart(widths[k]!) : c.padEnd(widths[k]!))).join(' | ')} |`;

function callTable(label: string, runs: PerCall[]): string[] {
  const widths = [6, 40, 9, 7, 7, 7, 6];
  const right = [false, false, true, true, true, true, true];
  const lines = [
    pad(['run', 'per call', 'calls/s', 'mean µs', 'p50 µs', 'p99 µs', 'sent'], widths, right),
    pad(widths.map((w, k) => (right[k] ? `${'-'.repeat(w - 1)}:` : '-'.repeat(w))), widths, right),
  ];
  for (const [key, name] of CALL_ROWS) {
    const m = (f: (t: CallTiming) => number) => median(runs.map((r) => f(r[key])));
    const sent = key === 'd' || key === 'f' ? `${(median(runs.map((r) => r[key].sentDuringCalls / r[key].calls)) * 100).toFixed(0)} %` : '';
    lines.push(pad([label, `${key}  ${name}`, int(m((t) => t.callsPerSecond)), us(m((t) => t.mean)), us(m((t) => t.p50)), us(m((t) => t.p99)), sent], widths, right));
  }
  const ratio = (name: string, f: (r: PerCall) => number) => {
    const each = runs.map(f);
    return pad([label, name, times(median(each)), '', '', '', ''], widths, right) + (runs.length > 1 ? ` runs: ${each.map(times).join(', ')}` : '');
  };
  lines.push(ratio('d / c  SDK ÷ durable insert, wall', (r) => wallCost(r.d, r.c)));
  lines.push(ratio('d / c  SDK ÷ durable insert, in call', (r) => inCallCost(r.d, r.c)));
  lines.push(ratio('f / e  SDK power ÷ fsync insert, wall', (r) => wallCost(r.f, r.e)));
  lines.push(ratio('d / a  SDK ÷ JSON.stringify, in call', (r) => inCallCost(r.d, r.a)));
  return lines;
}

function e2eTable(label: string, runs: Array<Pick<Run, 'g' | 'h' | 'i'>>): string[] {
  const widths = [6, 40, 9, 6, 9, 10];
  const right = [false, false, true, true, true, true];
  const lines = [
    pad(['run', `end to end, ${int(EVENTS)} events`, 'events/s', 's', 'accepted', 'duplicates'], widths, right),
    pad(widths.map((w, k) => (right[k] ? `${'-'.repeat(w - 1)}:` : '-'.repeat(w))), widths, right),
  ];
  for (const [key, name] of E2E_ROWS) {
    const m = (f: (e: EndToEnd) => number) => median(runs.map((r) => f(r[key])));
    lines.push(pad([label, `${key}  ${name}`, int(m((e) => e.eventsPerSecond)), m((e) => e.seconds).toFixed(2), int(m((e) => e.accepted)), int(m((e) => e.duplicates))], widths, right));
  }
  const each = runs.map((r) => r.h.eventsPerSecond / r.g.eventsPerSecond);
  lines.push(pad([label, 'h / g  SDK vs direct POST', `${(median(each) * 100).toFixed(0)} %`, '', '', ''], widths, right) + (runs.length > 1 ? ` runs: ${each.map((x) => `${(x * 100).toFixed(0)} %`).join(', ')}` : ''));
  return lines;
}

// ---------------------------------------------------------------------------

try {
  console.log(
    `node SDK bench: ${RUNS} runs; per call ${int(CALLS)} calls (${int(POWER_CALLS)} for sync=FULL and 'power'), in bursts of ${BURST} between event-loop turns; ` +
      `end to end ${int(EVENTS)} events; node ${process.version}`,
  );
  // One short pass first, so the runs compare warmed-up code.
  {
    const calls = progressCalls(2_000);
    const w = createWaymark({ endpoint: 'http://127.0.0.1:9', service: SERVICE, outboxDir: freshDir(), handleProcess: false });
    await w.ready;
    await timeCalls(2_000, (i) => w.trackProgress(calls[i]!));
    await w.shutdown({ timeoutMs: 0 });
  }
  const runs: Run[] = [];
  for (let r = 1; r <= RUNS; r++) {
    console.log(`run ${r}/${RUNS} (load average ${loadavg()[0]!.toFixed(1)} on ${availableParallelism()} CPUs)`);
    const pc = await perCall();
    const g = await endToEnd('g', direct);
    const h = await endToEnd('h', (url) => throughSdk(url, undefined));
    const i = await endToEnd('i', (url) => throughSdk(url, 500));
    const run = { perCall: pc, g, h, i };
    console.log([...callTable(String(r), [pc]).slice(2), ...e2eTable(String(r), [run]).slice(2)].join('\n'));
    runs.push(run);
    rmSync(root, { recursive: true, force: true });
    root = mkdtempSync(join(tmpdir(), 'waymark-bench-node-sdk-'));
  }
  console.log(`\n${callTable('median', runs.map((r) => r.perCall)).join('\n')}\n\n${e2eTable('median', runs).join('\n')}\n`);
  console.log('calls/s: calls / wall time from the first call to the last return, with the event-loop turns between bursts (where the SDK sends) included.');
  console.log('mean, p50, p99: one call, process.hrtime.bigint() around it. sent: share of the calls the collector had acknowledged when the last call returned.');
  console.log('ratios: wall = per-call wall time (1 / calls/s) of the first over the second; in call = mean in-call time of the first over the second.');
  console.log('end to end: from the first call (or request) until the collector has acknowledged the last event; accepted and duplicates from its /metrics; stored rows counted in its database.');
} finally {
  rmSync(root, { recursive: true, force: true });
}
