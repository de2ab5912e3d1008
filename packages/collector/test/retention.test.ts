import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { startCollector } from '../src/index.js';
import { progress, send, session, T0, tempDir } from './helpers.js';

const DAY = 86_400_000;

describe('retention', () => {
  it('deletes records older than retentionDays when it starts, and keeps newer ones', async () => {
    const { dir, cleanup } = tempDir();
    const db = join(dir, 'r.db');
    let clock = T0;
    // No sweeper: the clock jumps 100 days, and a DROPPED event stored then would outlive the purge below.
    const old = await startCollector({ port: 0, db, log: false, now: () => clock, sweepIntervalMs: 0 });
    await send(old.url, 'POST', '/api/progress', [progress(1), progress(2)]);
    await send(old.url, 'POST', '/api/sessions', session('old-session'));
    clock = T0 + 100 * DAY;
    await send(old.url, 'POST', '/api/progress', [progress(3)]);
    await send(old.url, 'POST', '/api/sessions', session('new-session'));
    await old.close();

    clock = T0 + 366 * DAY;
    const later = await startCollector({ port: 0, db, log: false, now: () => clock, retentionDays: 365 });
    const events = await send(later.url, 'GET', '/api/progress');
    expect(events.body.items.map((e: { eventId: string }) => e.eventId)).toEqual(['ev-3']);
    expect((await send(later.url, 'GET', '/api/sessions/old-session')).status).toBe(404);
    expect((await send(later.url, 'GET', '/api/sessions/new-session')).status).toBe(200);
    await later.close();
    cleanup();
  });
});
