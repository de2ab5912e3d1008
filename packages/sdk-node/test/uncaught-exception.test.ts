/**
 * An uncaught exception: the SDK records it as a fatal error report without changing
 * how the process dies, and the report reaches the collector at the next start.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { loanEvent } from './fixtures/loan-journey.js';
import { killFixtures, runFixture } from './support/child.js';
import { listAll, type StoredError, type StoredProgress } from './support/collector-reads.js';
import { tempDir, testCollector } from './support/servers.js';

const cleanups: Array<() => unknown> = [];
afterAll(async () => {
  await killFixtures();
  for (const c of cleanups.reverse()) await c();
});

describe('uncaughtException', () => {
  it('dies with exit code 1 and the error on stderr, and a restart delivers a fatal report with the message and breadcrumbs', async () => {
    const collector = await testCollector();
    cleanups.push(collector.stop);
    const outbox = tempDir();
    cleanups.push(outbox.remove);
    const run = `x${Date.now().toString(36)}`;
    const message = `credit score for ${loanEvent(run, 0).traceId} is not a number: "N/A"`;

    const crash = runFixture('crash-after-tracking.ts', { endpoint: collector.url, outboxDir: outbox.dir, run, message });
    const exit = await crash.exited;
    expect(crash.lines).toContain('tracked');
    // As Node ends a process on an uncaught exception: code 1, no signal, the error on stderr.
    expect(exit).toMatchObject({ code: 1, signal: null });
    expect(crash.stderr()).toContain(`TypeError: ${message}`);

    const restart = runFixture('drain-outbox.ts', { endpoint: collector.url, outboxDir: outbox.dir });
    expect(await restart.exited, restart.stderr()).toMatchObject({ code: 0, signal: null });

    const reports = await listAll<StoredError>(collector.url, '/api/errors');
    expect(reports).toHaveLength(1);
    const report = reports[0]!;
    expect(report).toMatchObject({ severity: 'fatal', errorType: 'TypeError', message, deviceSnapshot: { origin: 'uncaughtException' } });
    expect(report.stack).toContain('crash-after-tracking.ts');
    expect(report.breadcrumbs?.map((b) => [b.type, b.message])).toEqual([
      ['network', 'POST /credit-bureau/score 200'],
      ['custom', 'credit score parsed'],
    ]);
    // The events tracked before the crash came along.
    const progress = await listAll<StoredProgress>(collector.url, '/api/progress', { service: 'LOAN' });
    expect(progress.map((e) => e.step).sort()).toEqual([0, 1, 2].map((i) => loanEvent(run, i).step).sort());
    console.log(
      `uncaughtException: exit code ${exit.code}, error on stderr; after a restart 1 ${report.severity} report (${report.errorType}, ${report.breadcrumbs?.length} breadcrumbs, origin ${report.deviceSnapshot?.origin}) and ${progress.length} progress events stored`,
    );
  });
});
