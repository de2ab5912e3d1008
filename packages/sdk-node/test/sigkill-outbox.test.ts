/**
 * The outbox's promise: an event is on disk when trackProgress() returns. A child
 * tracks loan events with the collector down and is SIGKILLed part-way; a restart
 * with the collector up must deliver every event whose call had returned, once.
 */
import Database from 'better-sqlite3';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { journeyId, loanEvent, STEPS_PER_JOURNEY } from './fixtures/loan-journey.js';
import { killFixtures, runFixture } from './support/child.js';
import { listAll, repeated, type StoredProgress } from './support/collector-reads.js';
import { deadEndpoint, tempDir, testCollector } from './support/servers.js';

const COUNT = 5_000;
const KILL_AFTER_LINES = 2_000;

const cleanups: Array<() => unknown> = [];
afterAll(async () => {
  await killFixtures();
  for (const c of cleanups.reverse()) await c();
});

describe('SIGKILL with the collector down', () => {
  it('delivers, after a restart, every event whose trackProgress() had returned before the kill, each exactly once', async () => {
    const outbox = tempDir();
    cleanups.push(outbox.remove);
    const run = `k${Date.now().toString(36)}`;

    const first = runFixture('track-and-print.ts', { endpoint: await deadEndpoint(), outboxDir: outbox.dir, count: COUNT, run });
    await first.line((l) => l.startsWith(`${KILL_AFTER_LINES - 1} `));
    first.child.kill('SIGKILL');
    const killed = await first.exited;
    expect(killed.signal).toBe('SIGKILL');

    // Every line the child printed, in order: index, then the eventId trackProgress() returned.
    const printed = first.lines.filter((l) => l !== 'done').map((l) => {
      const [index, eventId] = l.split(' ');
      return { index: Number(index), eventId: eventId! };
    });
    expect(printed.map((p) => p.index)).toEqual(printed.map((_, i) => i));
    expect(printed.every((p) => /^[0-9a-f-]{36}$/.test(p.eventId))).toBe(true);
    // The kill came part-way: the child had neither stopped before it nor finished.
    expect(printed.length).toBeGreaterThanOrEqual(KILL_AFTER_LINES);
    expect(printed.length).toBeLessThan(COUNT);
    expect(first.lines).not.toContain('done');

    const collector = await testCollector();
    cleanups.push(collector.stop);
    const second = runFixture('drain-outbox.ts', { endpoint: collector.url, outboxDir: outbox.dir });
    const drained = await second.exited;
    expect(drained, second.stderr()).toMatchObject({ code: 0, signal: null });
    const summary = JSON.parse(second.lines.at(-1)!) as { restored: number; pending: number; sent: number; dropped: number; ms: number };

    const stored = await listAll<StoredProgress>(collector.url, '/api/progress', { service: 'LOAN' });
    const storedIds = stored.map((e) => e.eventId);
    expect(repeated(storedIds), 'eventIds stored twice').toEqual([]);
    const storedById = new Map(stored.map((e) => [e.eventId, e]));
    expect(printed.filter((p) => !storedById.has(p.eventId)), 'printed but not stored').toEqual([]);

    // Each stored event is the one the child tracked under that index.
    for (const p of printed) {
      const e = storedById.get(p.eventId)!;
      const want = loanEvent(run, p.index);
      expect({ traceId: e.traceId, step: e.step, status: e.status, reason: e.reason ?? undefined }).toEqual({ traceId: want.traceId, step: want.step, status: want.status, reason: want.reason });
    }
    // What is stored beyond the printed lines can only be the call the kill interrupted:
    // written, its line not yet out.
    const printedIds = new Set(printed.map((p) => p.eventId));
    const extra = stored.filter((e) => !printedIds.has(e.eventId));
    expect(extra.length).toBeLessThanOrEqual(1);
    for (const e of extra) expect([e.traceId, e.step]).toEqual([loanEvent(run, printed.length).traceId, loanEvent(run, printed.length).step]);

    // Per journey: as many steps stored as the child tracked.
    const tracked = printed.length + extra.length;
    const perJourney = new Map<string, number>();
    for (const e of stored) perJourney.set(e.traceId, (perJourney.get(e.traceId) ?? 0) + 1);
    const expected = new Map<string, number>();
    for (let i = 0; i < tracked; i++) expected.set(journeyId(run, Math.floor(i / STEPS_PER_JOURNEY)), Math.min(STEPS_PER_JOURNEY, tracked - Math.floor(i / STEPS_PER_JOURNEY) * STEPS_PER_JOURNEY));
    expect(perJourney).toEqual(expected);

    // The restart found exactly that in the outbox, sent it, and left it empty.
    expect(summary).toMatchObject({ restored: stored.length, sent: stored.length, pending: 0, dropped: 0 });
    const db = new Database(join(outbox.dir, 'outbox.db'), { readonly: true, fileMustExist: true });
    try {
      expect(db.prepare("SELECT count(*) FROM outbox WHERE key LIKE 'q:%'").pluck().get()).toBe(0);
    } finally {
      db.close();
    }

    console.log(
      `sigkill: ${printed.length} of ${COUNT} events printed before the kill, ${stored.length} stored after the restart ` +
        `(${extra.length} written but not printed), 0 missing, 0 duplicates, ${perJourney.size} journeys; drained in ${summary.ms} ms`,
    );
  });
});
