/**
 * SIGTERM, as an orchestrator sends it: the hook delivers what is pending within
 * shutdownTimeoutMs, then lets the signal end the process as Node would have.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { loanEvent } from './fixtures/loan-journey.js';
import { killFixtures, runFixture } from './support/child.js';
import { listAll, repeated, type StoredProgress } from './support/collector-reads.js';
import { blackHole, tempDir, testCollector } from './support/servers.js';

const COUNT = 500;
/** Slack for a process's own exit on a loaded machine. */
const EXIT_MARGIN_MS = 1_500;

const cleanups: Array<() => unknown> = [];
afterAll(async () => {
  await killFixtures();
  for (const c of cleanups.reverse()) await c();
});

async function expectJourneys(url: string, run: string) {
  const stored = (await listAll<StoredProgress>(url, '/api/progress', { service: 'LOAN' })).filter((e) => e.traceId.startsWith(`LN-${run}-`));
  expect(repeated(stored.map((e) => e.eventId)), 'eventIds stored twice').toEqual([]);
  const want = Array.from({ length: COUNT }, (_, i) => loanEvent(run, i)).map((e) => `${e.traceId} ${e.step}`).sort();
  expect(stored.map((e) => `${e.traceId} ${e.step}`).sort()).toEqual(want);
  return stored.length;
}

describe('SIGTERM', () => {
  it('delivers the pending events, then exits by the signal, within shutdownTimeoutMs', async () => {
    const collector = await testCollector();
    cleanups.push(collector.stop);
    const outbox = tempDir();
    cleanups.push(outbox.remove);
    const run = `t${Date.now().toString(36)}`;
    const shutdownTimeoutMs = 5_000;

    const child = runFixture('track-then-wait.ts', { endpoint: collector.url, outboxDir: outbox.dir, count: COUNT, run, shutdownTimeoutMs });
    const ready = JSON.parse((await child.line((l) => l.startsWith('ready '))).slice('ready '.length)) as { pending: number; sent: number };
    // Nothing went out before the signal: the long interval and flushAt kept it all.
    expect(ready).toMatchObject({ pending: COUNT, sent: 0 });
    expect(await listAll(collector.url, '/api/progress', { service: 'LOAN' })).toEqual([]);

    const signalled = performance.now();
    child.child.kill('SIGTERM');
    const exit = await child.exited;
    const ms = exit.at - signalled;
    expect(exit, child.stderr()).toMatchObject({ code: null, signal: 'SIGTERM' });
    expect(ms).toBeLessThan(shutdownTimeoutMs + EXIT_MARGIN_MS);
    const stored = await expectJourneys(collector.url, run);
    console.log(`sigterm, collector up: ${ready.pending} pending at the signal, exit by SIGTERM after ${Math.round(ms)} ms (timeout ${shutdownTimeoutMs} ms), ${stored} of ${COUNT} stored once`);
  });

  it('with the collector unreachable, exits by the signal once shutdownTimeoutMs has passed, and a restart delivers the events from the outbox', async () => {
    // Accepts connections and never answers: the send hangs, so only the timeout ends the wait.
    const hole = await blackHole();
    cleanups.push(hole.stop);
    const outbox = tempDir();
    cleanups.push(outbox.remove);
    const run = `u${Date.now().toString(36)}`;
    const shutdownTimeoutMs = 1_000;

    const child = runFixture('track-then-wait.ts', { endpoint: hole.url, outboxDir: outbox.dir, count: COUNT, run, shutdownTimeoutMs });
    await child.line((l) => l.startsWith('ready '));
    const signalled = performance.now();
    child.child.kill('SIGTERM');
    const exit = await child.exited;
    const ms = exit.at - signalled;
    expect(exit, child.stderr()).toMatchObject({ code: null, signal: 'SIGTERM' });
    // It did try (a connection reached the hole) and waited for the timeout, no longer.
    expect(hole.connections()).toBeGreaterThan(0);
    expect(ms).toBeGreaterThanOrEqual(shutdownTimeoutMs - 50);
    expect(ms).toBeLessThan(shutdownTimeoutMs + EXIT_MARGIN_MS);

    const collector = await testCollector();
    cleanups.push(collector.stop);
    const restart = runFixture('drain-outbox.ts', { endpoint: collector.url, outboxDir: outbox.dir });
    expect(await restart.exited, restart.stderr()).toMatchObject({ code: 0, signal: null });
    const summary = JSON.parse(restart.lines.at(-1)!) as { restored: number; sent: number };
    expect(summary).toMatchObject({ restored: COUNT, sent: COUNT });
    const stored = await expectJourneys(collector.url, run);
    console.log(
      `sigterm, collector unreachable: exit by SIGTERM after ${Math.round(ms)} ms (timeout ${shutdownTimeoutMs} ms), ${summary.restored} left in the outbox, ${stored} of ${COUNT} stored once after a restart`,
    );
  });
});
