/**
 * A collector behind a front that fails: 500s, then 429s with Retry-After. The client
 * keeps everything pending, counts the failures, never asks again sooner than the
 * Retry-After said, and delivers every event exactly once when the front lets it through.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, describe, expect, it } from 'vitest';
import { createWaymark, type NodeStats } from '../src/index.js';
import { loanEvent } from './fixtures/loan-journey.js';
import { listAll, repeated, type StoredProgress } from './support/collector-reads.js';
import { fakeFront, tempDir, testCollector, type FrontRequest } from './support/servers.js';

const COUNT = 300;
const ERRORS_500 = 3;
/** How long the front answers 429 after its first one. */
const THROTTLE_MS = 2_000;
const RETRY_AFTER_S = 1;

const cleanups: Array<() => unknown> = [];
afterAll(async () => {
  for (const c of cleanups.reverse()) await c();
});

describe('500, then 429 with Retry-After', () => {
  it('keeps the events pending while the front fails, waits out every Retry-After, then delivers each event once', async () => {
    const collector = await testCollector();
    cleanups.push(collector.stop);
    let first429: number | undefined;
    const front = await fakeFront(collector.url, ({ at }, earlier) => {
      if (earlier.length < ERRORS_500) return { status: 500 };
      first429 ??= at;
      if (at - first429 < THROTTLE_MS) return { status: 429, headers: { 'retry-after': String(RETRY_AFTER_S) } };
      return 'proxy';
    });
    cleanups.push(front.stop);
    const outbox = tempDir();
    cleanups.push(outbox.remove);

    const waymark = createWaymark({
      endpoint: front.url,
      service: 'LOAN',
      outboxDir: outbox.dir,
      handleProcess: false,
      minBackoffMs: 100,
      maxBackoffMs: 1_000,
      flushIntervalMs: 200,
    });
    cleanups.push(() => waymark.shutdown({ timeoutMs: 1_000 }));
    await waymark.ready;

    // The client's counters as each request reached the front.
    const seen: Array<{ request: number; stats: NodeStats }> = [];
    const sampler = setInterval(() => seen.push({ request: front.requests.length, stats: waymark.stats() }), 10);
    cleanups.push(() => clearInterval(sampler));

    const run = `r${Date.now().toString(36)}`;
    const ids = Array.from({ length: COUNT }, (_, i) => waymark.trackProgress(loanEvent(run, i))!);
    const started = Date.now();
    while (waymark.stats().pending > 0 && Date.now() - started < 15_000) await sleep(20);
    clearInterval(sampler);
    const done = waymark.stats();
    const elapsed = Date.now() - started;

    const requests: FrontRequest[] = front.requests;
    const answers = requests.map((r) => r.status);
    const failed = requests.filter((r) => r.status !== 200);
    expect(answers.slice(0, ERRORS_500)).toEqual(Array(ERRORS_500).fill(500));
    const throttled = requests.filter((r) => r.status === 429);
    expect(throttled.length).toBeGreaterThanOrEqual(2);
    expect(answers.slice(ERRORS_500 + throttled.length).every((s) => s === 200)).toBe(true);

    // While the front failed: everything pending, failures counted one by one.
    const whileFailing = seen.filter((s) => s.request >= 1 && s.request <= failed.length);
    expect(whileFailing.length).toBeGreaterThan(0);
    expect(whileFailing.every((s) => s.stats.pending === COUNT && s.stats.sent === 0)).toBe(true);
    const attempts = [...new Set(whileFailing.map((s) => s.stats.failedAttempts))];
    expect(attempts).toEqual([...attempts].sort((a, b) => a - b));
    expect(attempts.length).toBeGreaterThanOrEqual(failed.length - 1);

    // No request within Retry-After of a 429, nor sooner than minBackoffMs after a 500.
    const gaps = requests.slice(1).map((r, i) => ({ after: requests[i]!.status, ms: r.at - requests[i]!.answeredAt! }));
    const after429 = gaps.filter((g) => g.after === 429).map((g) => g.ms);
    const after500 = gaps.filter((g) => g.after === 500).map((g) => g.ms);
    expect(after429.length).toBe(throttled.length);
    expect(Math.min(...after429)).toBeGreaterThanOrEqual(RETRY_AFTER_S * 1_000);
    expect(Math.min(...after500)).toBeGreaterThanOrEqual(100);

    // Then everything, once.
    expect(done).toMatchObject({ pending: 0, sent: COUNT, failedAttempts: failed.length, dropped: 0 });
    const stored = (await listAll<StoredProgress>(collector.url, '/api/progress', { service: 'LOAN' })).filter((e) => e.traceId.startsWith(`LN-${run}-`));
    expect(repeated(stored.map((e) => e.eventId))).toEqual([]);
    expect(stored.map((e) => e.eventId).sort()).toEqual([...ids].sort());

    console.log(
      `retry: ${ERRORS_500}×500 then ${throttled.length}×429 (Retry-After ${RETRY_AFTER_S} s), ${failed.length} failed attempts counted, ` +
        `shortest wait after a 429 ${Math.min(...after429)} ms, after a 500 ${Math.min(...after500)} ms; ${stored.length} of ${COUNT} stored once in ${elapsed} ms over ${requests.length} requests`,
    );
  });
});
