import Database from 'better-sqlite3';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../helpers.js';
import { startCli } from './cli-process.js';

const T = Date.UTC(2026, 10, 1);

describe('journey states after a SIGKILL', () => {
  it('recomputes at start the journeys whose states were not yet written when the collector was killed', async () => {
    const { dir, cleanup } = tempDir();
    const db = join(dir, 'journeys.db');
    const first = await startCli(db, ['--drop-timeout-ms', '3600000']);
    const steps = ['IDENTITY_VERIFIED', 'DATA_COLLECTED', 'REVIEWED'];
    const items = Array.from({ length: 300 }, (_, t) =>
      steps.map((step, i) => ({ kind: 'progress', traceId: `loan-${t}`, service: 'LOAN', step, status: 'SUCCESS', timestamp: T + t * 10 + i, eventId: `loan-${t}-${i}` })),
    ).flat();
    const res = await fetch(`${first.url}/api/batch`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ sdk: { name: 't', version: '1' }, items }) });
    expect(((await res.json()) as { accepted: number }).accepted).toBe(900);
    // Killed at once: the journeys' states are computed but written only by the next flush.
    first.child.kill('SIGKILL');
    await first.exited;
    const sqlite = new Database(db, { readonly: true });
    const writtenBefore = sqlite.prepare('SELECT count(*) FROM traces').pluck().get() as number;
    sqlite.close();

    const second = await startCli(db, ['--drop-timeout-ms', '3600000']);
    const page = (await fetch(`${second.url}/api/traces?service=LOAN&limit=1000`).then((r) => r.json())) as { items: Array<{ traceId: string; step: string; eventCount: number }> };
    console.log(`journey recovery: ${writtenBefore} of 300 journey states written before the kill, ${page.items.length} after the restart`);
    expect(page.items).toHaveLength(300);
    expect(page.items.every((j) => j.step === 'REVIEWED' && j.eventCount === 3)).toBe(true);
    second.child.kill('SIGTERM');
    await second.exited;
    cleanup();
  });
});
