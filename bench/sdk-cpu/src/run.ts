/**
 * SDK CPU benchmark: what a tracked tap costs the page's main thread, in real headless
 * Chromium, with the script-tag build delivering to a real collector.
 *
 *   A  `waymark('track', 'tap', { target, position })`, the script-tag API;
 *   B  pointerdown + pointerup dispatched on a button, recorded by autocapture.
 *
 * Calls run in chunks of 100 per task. Each chunk is bracketed from before its first
 * call to the start of the next task (a MessageChannel message), so the bracket holds
 * the calls and every microtask they queued: the write-ahead of the items to
 * IndexedDB is issued in one, when no earlier IndexedDB operation is pending, so the
 * SDK is let settle (flush, then 20 ms) before each round of chunks. The same bracket
 * around an empty chunk, in the same
 * rounds, is subtracted (for B, the same events dispatched in a same-origin frame
 * without the SDK, so B is what autocapture adds). The baseline is JSON.stringify of
 * the item a tap becomes, measured in the same rounds. A second figure, all-in, is the
 * renderer main thread's busy time (CDP TaskDuration, thread time) over the whole phase
 * until every item is delivered, minus a phase without SDK calls: it adds what runs in
 * later tasks (batching, fetch, IndexedDB callbacks). Finally every tap is looked up
 * in the collector: each must be stored exactly once.
 *
 *   npm run bench -w @waymark/bench-sdk-cpu -- [--runs 5] [--taps 10000] [--chunk 100]
 */
import { accessSync, constants, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { startCollector, type RunningCollector } from '@waymark/collector';
import { chromium, type Page } from 'playwright-core';

const { values: args } = parseArgs({
  options: {
    runs: { type: 'string', default: '5' },
    taps: { type: 'string', default: '10000' },
    chunk: { type: 'string', default: '100' },
  },
});
const positive = (name: keyof typeof args) => {
  const n = Number(args[name]);
  if (!Number.isInteger(n) || n < 1) throw new Error(`--${name} must be a positive integer, got "${args[name]}"`);
  return n;
};
const RUNS = positive('runs');
const CHUNK = positive('chunk');
const TAPS = positive('taps');
if (TAPS % CHUNK) throw new Error('--taps must be a multiple of --chunk');
const CHUNKS = TAPS / CHUNK;

const CHROMIUM = process.env.WAYMARK_CHROMIUM ?? '/usr/bin/chromium';
try {
  accessSync(CHROMIUM, constants.X_OK);
} catch {
  console.error(
    `sdk-cpu bench: no Chromium at ${CHROMIUM}.\n` +
      '  Install Debian\'s: apt-get update && apt-get install -y chromium   (as root; or sudo)\n' +
      '  or point WAYMARK_CHROMIUM at a Chromium binary.',
  );
  process.exit(1);
}

const here = dirname(fileURLToPath(import.meta.url));
let iife: Buffer;
try {
  iife = readFileSync(createRequire(import.meta.url).resolve('@waymark/browser/waymark.min.js'));
} catch {
  console.error('sdk-cpu bench: @waymark/browser is not built; run `npx turbo run build` first.');
  process.exit(1);
}
const harness = readFileSync(join(here, 'harness.js'));

// ---------------------------------------------------------------------------
// The page: the SDK by script tag, a button to tap, and a frame with the same button
// and no SDK.

const BUTTON = '<button id="tap-target" style="position:absolute;left:100px;top:60px;width:200px;height:100px">Tap</button>';

function page(collector: string, deviceId: string): string {
  const options = { endpoint: collector, service: 'BENCH', deviceId, flushAt: 50 };
  return `<!doctype html><html><head><meta charset="utf-8"><link rel="icon" href="data:,"><title>sdk-cpu</title></head><body style="margin:0">
${BUTTON}
<iframe id="bare" src="/bare.html" style="position:absolute;left:0;top:240px;width:400px;height:240px;border:0"></iframe>
<script src="/waymark.min.js"></script>
<script>waymark('init', ${JSON.stringify(options)});</script>
<script src="/harness.js"></script>
</body></html>`;
}

function serve(collector: string): Promise<Server> {
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    // Cross-origin isolated, so that performance.now() ticks in 5 µs steps rather than 100 µs.
    const isolated = { 'cross-origin-opener-policy': 'same-origin', 'cross-origin-embedder-policy': 'require-corp' };
    const send = (type: string, body: string | Buffer) => res.writeHead(200, { 'content-type': type, 'cache-control': 'no-store', ...isolated }).end(body);
    if (url.pathname === '/') send('text/html', page(collector, url.searchParams.get('device') ?? 'bench'));
    else if (url.pathname === '/bare.html') send('text/html', `<!doctype html><html><head><link rel="icon" href="data:,"></head><body style="margin:0">${BUTTON}</body></html>`);
    else if (url.pathname === '/waymark.min.js') send('text/javascript', iife);
    else if (url.pathname === '/harness.js') send('text/javascript', harness);
    else res.writeHead(404).end();
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

// ---------------------------------------------------------------------------
// Statistics.

const sorted = (xs: number[]) => [...xs].sort((a, b) => a - b);
const median = (xs: number[]) => {
  const s = sorted(xs);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
};
/** Nearest-rank quantile. */
const quantile = (xs: number[], q: number) => sorted(xs)[Math.min(xs.length - 1, Math.ceil(q * xs.length) - 1)]!;

interface Bracket {
  sync: number;
  total: number;
}
type Kind = 'empty' | 'stringify' | 'dispatchBare' | 'track' | 'dispatch';
type Times = Record<Kind, Bracket[]>;

interface Run {
  /** µs per call. */
  stringify: number;
  aSync: number;
  a: number;
  aP95: number;
  b: number;
  bP95: number;
  /** a / stringify and b / stringify. */
  aRatio: number;
  bRatio: number;
  /** µs per tap, all main-thread work until delivered. */
  aAllIn: number;
  bAllIn: number;
  /** The bare dispatch of B's two pointer events, µs per tap. */
  dispatch: number;
  /** The empty bracket, µs per chunk. */
  empty: number;
  stored: string;
}

// ---------------------------------------------------------------------------

const perCall = (ms: number) => (ms * 1000) / CHUNK;
/** Stringify chunks are 10 times longer (harness.js). */
const STRINGIFY_SCALE = 10;

async function phase(page: Page, kinds: Kind[]): Promise<Times> {
  const r = (await page.evaluate(`bench.phase(${JSON.stringify(kinds)}, ${CHUNKS}, ${CHUNK})`)) as { times: Times };
  return r.times;
}

/** Every tap the collector stored for a device, by target; each (sessionId, sequenceNo) and eventId once. */
async function storedTaps(collector: string, deviceId: string): Promise<{ byTarget: Record<string, number>; unique: boolean }> {
  const byTarget: Record<string, number> = {};
  const ids = new Set<string>();
  const seqs = new Set<string>();
  let rows = 0;
  let cursor: string | undefined;
  do {
    const res = await fetch(`${collector}/api/events?deviceId=${encodeURIComponent(deviceId)}&eventType=tap&limit=1000${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
    if (!res.ok) throw new Error(`GET /api/events: ${res.status} ${await res.text()}`);
    const page = (await res.json()) as { items: Array<{ eventId: string; sessionId: string; sequenceNo: number; target?: string }>; nextCursor: string | null };
    for (const e of page.items) {
      rows++;
      ids.add(e.eventId);
      seqs.add(`${e.sessionId}/${e.sequenceNo}`);
      byTarget[e.target ?? '?'] = (byTarget[e.target ?? '?'] ?? 0) + 1;
    }
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
  return { byTarget, unique: ids.size === rows && seqs.size === rows };
}

async function duplicatesCounted(collector: string): Promise<number> {
  const text = await (await fetch(`${collector}/metrics`)).text();
  return Number(/waymark_items_total\{[^}]*kind="ui_event"[^}]*outcome="duplicate"[^}]*\}\s+(\d+)/.exec(text)?.[1] ?? 0);
}

async function run(i: number, dir: string, collector: RunningCollector, site: string): Promise<Run> {
  const deviceId = `bench-run-${i}-${Date.now()}`;
  const context = await chromium.launchPersistentContext(mkdtempSync(join(dir, 'profile-')), {
    executablePath: CHROMIUM,
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  try {
    const page = context.pages()[0] ?? (await context.newPage());
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    page.on('console', (m) => m.type() === 'warning' || m.type() === 'error' ? errors.push(m.text()) : undefined);
    await page.goto(`${site}/?device=${deviceId}`);
    await page.waitForFunction('window.bench && document.getElementById("bare").contentDocument?.getElementById("tap-target")');
    if (!(await page.evaluate('crossOriginIsolated'))) throw new Error('the page is not cross-origin isolated: performance.now() would tick in 100 µs steps');

    const cdp = await context.newCDPSession(page);
    await cdp.send('Performance.enable', { timeDomain: 'threadTicks' });
    const busyMs = async () => 1000 * ((await cdp.send('Performance.getMetrics')).metrics.find((m) => m.name === 'TaskDuration')?.value ?? NaN);

    const t0 = await busyMs();
    await phase(page, ['empty', 'stringify', 'dispatchBare']);
    const t1 = await busyMs();
    const a = await phase(page, ['empty', 'stringify', 'dispatchBare', 'track']);
    await page.evaluate('bench.flush()');
    const t2 = await busyMs();
    const b = await phase(page, ['empty', 'stringify', 'dispatchBare', 'dispatch']);
    await page.evaluate('bench.flush()');
    const t3 = await busyMs();
    if (errors.length) throw new Error(`the page reported: ${errors.join('; ')}`);

    // Delivery: flush resolved once every item was acknowledged; check what is stored.
    const expected = { btn: TAPS, 'tap-target': TAPS };
    let found = await storedTaps(collector.url, deviceId);
    for (let wait = 0; wait < 40 && (found.byTarget.btn !== TAPS || found.byTarget['tap-target'] !== TAPS); wait++) {
      await new Promise((r) => setTimeout(r, 500));
      found = await storedTaps(collector.url, deviceId);
    }
    const exact = found.unique && Object.keys(found.byTarget).length === 2 && found.byTarget.btn === expected.btn && found.byTarget['tap-target'] === expected['tap-target'];
    const stored = `A ${(found.byTarget.btn ?? 0).toLocaleString('en-US')}, B ${(found.byTarget['tap-target'] ?? 0).toLocaleString('en-US')} of ${TAPS.toLocaleString('en-US')} each${found.unique ? '' : ', DUPLICATES'}${exact ? '' : ' — MISMATCH'}`;

    const emptyA = median(a.empty.map((x) => x.total));
    const bareB = median(b.dispatchBare.map((x) => x.total));
    const base = t1 - t0;
    const stringify = perCall(median(a.stringify.map((x) => x.sync))) / STRINGIFY_SCALE;
    const perTrack = perCall(median(a.track.map((x) => x.total)) - emptyA);
    const perTap = perCall(median(b.dispatch.map((x) => x.total)) - bareB);
    return {
      stringify,
      aSync: perCall(median(a.track.map((x) => x.sync))),
      a: perTrack,
      aP95: perCall(quantile(a.track.map((x) => x.total), 0.95) - emptyA),
      b: perTap,
      bP95: perCall(quantile(b.dispatch.map((x) => x.total), 0.95) - bareB),
      aRatio: perTrack / stringify,
      bRatio: perTap / stringify,
      aAllIn: ((t2 - t1 - base) * 1000) / TAPS,
      bAllIn: ((t3 - t2 - base) * 1000) / TAPS,
      dispatch: perCall(bareB - median(b.empty.map((x) => x.total))),
      empty: emptyA * 1000,
      stored: exact ? `ok: ${stored}` : stored,
    };
  } finally {
    await context.close();
  }
}

// ---------------------------------------------------------------------------
// Table.

const f1 = (n: number) => n.toFixed(1);
const COLUMNS: Array<[string, (r: Run) => string]> = [
  ['stringify µs', (r) => r.stringify.toFixed(2)],
  ['A sync µs', (r) => f1(r.aSync)],
  ['A µs', (r) => f1(r.a)],
  ['A p95 µs', (r) => f1(r.aP95)],
  ['A / stringify', (r) => `${f1(r.aRatio)}×`],
  ['B µs', (r) => f1(r.b)],
  ['B p95 µs', (r) => f1(r.bP95)],
  ['B / stringify', (r) => `${f1(r.bRatio)}×`],
  ['A all-in µs', (r) => f1(r.aAllIn)],
  ['B all-in µs', (r) => f1(r.bAllIn)],
];

const row = (label: string, r: Run) => `| ${label.padEnd(6)} | ${COLUMNS.map(([h, f]) => f(r).padStart(h.length)).join(' | ')} |`;

function medianRun(runs: Run[]): Run {
  const m = (k: keyof Run) => median(runs.map((r) => r[k] as number));
  return { stringify: m('stringify'), aSync: m('aSync'), a: m('a'), aP95: m('aP95'), b: m('b'), bP95: m('bP95'), aRatio: m('aRatio'), bRatio: m('bRatio'), aAllIn: m('aAllIn'), bAllIn: m('bAllIn'), dispatch: m('dispatch'), empty: m('empty'), stored: '' };
}

// ---------------------------------------------------------------------------

const dir = mkdtempSync(join(tmpdir(), 'waymark-bench-sdk-cpu-'));
const collector = await startCollector({ port: 0, db: join(dir, 'collector.db'), log: false });
const server = await serve(collector.url);
const site = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
try {
  console.log(
    `sdk-cpu bench: ${RUNS} runs × (${TAPS.toLocaleString('en-US')} taps A + ${TAPS.toLocaleString('en-US')} taps B) in chunks of ${CHUNK}; ` +
      `@waymark/browser script tag (${iife.length.toLocaleString('en-US')} B), flushAt 50, collector in-process; ${CHROMIUM}; node ${process.version}`,
  );
  const runs: Run[] = [];
  for (let i = 1; i <= RUNS; i++) {
    const r = await run(i, dir, collector, site);
    console.log(`run ${i}/${RUNS}: stored ${r.stored}; empty bracket ${f1(r.empty)} µs per chunk, bare dispatch of B's events ${f1(r.dispatch)} µs per tap`);
    runs.push(r);
  }
  const duplicates = await duplicatesCounted(collector.url);
  console.log(`\n| ${'run'.padEnd(6)} | ${COLUMNS.map(([h]) => h).join(' | ')} |`);
  console.log(`| ${'-'.repeat(6)} | ${COLUMNS.map(([h]) => `${'-'.repeat(h.length - 1)}:`).join(' | ')} |`);
  runs.forEach((r, i) => console.log(row(String(i + 1), r)));
  console.log(row('median', medianRun(runs)));
  const allExact = runs.every((r) => r.stored.startsWith('ok'));
  console.log(`
µs per call, main thread, headless Chromium. A: waymark('track', 'tap', …). B: pointerdown + pointerup on a button, recorded by autocapture.
A sync: the calls alone. A, B: the calls and the microtasks they queued, less the same bracket without the SDK (empty chunk; for B the
same events in a frame without the SDK), the SDK settled (flushed) before each round; median over ${CHUNKS} chunks of ${CHUNK}, p95 over the same
chunks; the median row is the median of runs.
stringify: JSON.stringify of the item one tap becomes (the baseline). all-in: main-thread busy time (CDP TaskDuration, thread time) of the
phase until every item was delivered, less a phase without SDK calls, per tap: adds the batching, fetch and IndexedDB callbacks of later tasks.
delivery: ${allExact ? `every tap of every run stored exactly once (${(2 * TAPS * RUNS).toLocaleString('en-US')})` : 'MISMATCH, see the runs above'}; resends the collector counted as duplicates: ${duplicates}.`);
  if (!allExact) process.exitCode = 1;
} finally {
  server.close();
  await collector.close();
  rmSync(dir, { recursive: true, force: true });
}
