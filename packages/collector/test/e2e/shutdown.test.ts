import Database from 'better-sqlite3';
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../helpers.js';
import { startCli } from './cli-process.js';

const T = Date.UTC(2026, 10, 1);

describe('SIGTERM', () => {
  it('stops accepting, finishes in-flight writes, closes the database cleanly and exits 0', async () => {
    const { dir, cleanup } = tempDir();
    const db = join(dir, 'term.db');
    const cli = await startCli(db);
    const acknowledged: string[] = [];
    const posts = Array.from({ length: 40 }, async (_, r) => {
      const items = Array.from({ length: 50 }, (_, i) => ({ kind: 'progress', traceId: `t${r}`, service: 'S', step: 'A', status: 'SUCCESS', timestamp: T + i, eventId: `r${r}-${i}` }));
      try {
        const res = await fetch(`${cli.url}/api/batch`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ sdk: { name: 't', version: '1' }, items }) });
        if (res.ok) acknowledged.push(...items.map((i) => i.eventId));
      } catch {
        // refused once the collector stopped accepting
      }
    });
    await new Promise((r) => setTimeout(r, 5));
    cli.child.kill('SIGTERM');
    const code = await cli.exited;
    await Promise.all(posts);
    expect(code).toBe(0);
    expect(acknowledged.length).toBeGreaterThan(0);
    // A clean close checkpoints the WAL into the database file.
    expect(!existsSync(`${db}-wal`) || statSync(`${db}-wal`).size === 0).toBe(true);
    const sqlite = new Database(db, { readonly: true });
    const stored = new Set((sqlite.prepare('SELECT event_id FROM progress_events').pluck().all() as string[]));
    sqlite.close();
    expect(acknowledged.filter((id) => !stored.has(id))).toEqual([]);
    cleanup();
  });
});
