/**
 * Durability of an acknowledgement: the collector answers 2xx only after the commit
 * holding the items, so killing it outright (SIGKILL: no handler, no close, no
 * checkpoint) loses nothing it acknowledged. Runs the built CLI, as users do.
 */
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { v7 as uuidv7 } from 'uuid';
import { afterAll, describe, expect, it } from 'vitest';
import { startCli } from './cli-process.js';

const CLIENTS = 8;
const ITEMS_PER_BATCH = 50;
/** Kill no earlier than this, and only once this many requests were acknowledged. */
const RUN_MS = 1_500;
const MIN_ACKNOWLEDGED = 300;
const T = Date.UTC(2026, 10, 1, 9);

type Cli = Awaited<ReturnType<typeof startCli>>;
type Item = { kind: 'progress'; traceId: string; service: string; step: string; status: string; timestamp: number; eventId: string };

const children: Cli[] = [];
let dir: string | undefined;

afterAll(async () => {
  for (const cli of children) {
    if (cli.child.exitCode === null && cli.child.signalCode === null) {
      cli.child.kill('SIGKILL');
      await cli.exited;
    }
  }
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const envelope = (items: Item[]) => JSON.stringify({ sentAt: T, sdk: { name: 'sigkill-test', version: '1.0.0' }, items });

function batch(client: number, n: number): Item[] {
  return Array.from({ length: ITEMS_PER_BATCH }, (_, i) => ({
    kind: 'progress',
    traceId: `kill-${client}-${n}`,
    service: 'LOAN',
    step: 'DATA_COLLECTED',
    status: 'SUCCESS',
    timestamp: T + i,
    eventId: uuidv7(),
  }));
}

async function post(url: string, body: string) {
  const res = await fetch(`${url}/api/batch`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
  return { status: res.status, body: (await res.json()) as { accepted: number; duplicates: number; rejected: unknown[] } };
}

describe('SIGKILL', () => {
  it('A test kills the collector with SIGKILL while clients are posting, restarts it, and finds every item that had been answered 2xx in the database', async () => {
    dir = mkdtempSync(join(tmpdir(), 'waymark-sigkill-'));
    const db = join(dir, 'kill.db');
    const first = await startCli(db);
    children.push(first);

    // Clients post until the collector dies under them; only 2xx answers count as acknowledged.
    const acknowledged: Item[][] = [];
    const unexpected: unknown[] = [];
    let failures = 0;
    let stopped = false;
    const clients = Array.from({ length: CLIENTS }, async (_, client) => {
      for (let n = 0; !stopped; n++) {
        const items = batch(client, n);
        let answer: Awaited<ReturnType<typeof post>>;
        try {
          answer = await post(first.url, envelope(items));
        } catch {
          failures++; // the connection died with the collector: not acknowledged
          return;
        }
        if (answer.status >= 200 && answer.status < 300) acknowledged.push(items);
        const { accepted, duplicates, rejected } = answer.body;
        if (answer.status !== 200 || accepted !== ITEMS_PER_BATCH || duplicates !== 0 || !Array.isArray(rejected) || rejected.length !== 0) unexpected.push(answer);
      }
    });

    const started = Date.now();
    while ((Date.now() - started < RUN_MS || acknowledged.length < MIN_ACKNOWLEDGED) && Date.now() - started < 30_000) {
      await new Promise((r) => setTimeout(r, 20));
    }
    const acknowledgedBeforeKill = acknowledged.length;
    first.child.kill('SIGKILL');
    await first.exited;
    stopped = true;
    await Promise.all(clients);
    expect(first.child.signalCode).toBe('SIGKILL');
    expect(acknowledgedBeforeKill).toBeGreaterThanOrEqual(MIN_ACKNOWLEDGED);
    // Some requests were in flight when it died (else the kill proved little).
    expect(failures).toBeGreaterThan(0);
    // Before the kill, every batch was answered 200 with all of its items accepted.
    expect(unexpected).toEqual([]);

    // Same database file, new process: it recovers the WAL and serves.
    const second = await startCli(db);
    children.push(second);
    const acknowledgedIds = acknowledged.flat().map((item) => item.eventId);

    // Read back through the API, page by page.
    const listed: string[] = [];
    let cursor: string | null = null;
    do {
      const res = await fetch(`${second.url}/api/progress?limit=1000${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
      expect(res.status).toBe(200);
      const page = (await res.json()) as { items: Array<{ eventId: string }>; nextCursor: string | null };
      listed.push(...page.items.map((item) => item.eventId));
      cursor = page.nextCursor;
    } while (cursor);
    const listedSet = new Set(listed);
    expect(listed.length - listedSet.size, 'eventIds listed twice').toBe(0);
    expect(acknowledgedIds.filter((id) => !listedSet.has(id)), 'acknowledged but not stored').toEqual([]);

    // And in the file itself, each exactly once.
    const sqlite = new Database(db, { readonly: true, fileMustExist: true });
    try {
      const counts = new Map((sqlite.prepare('SELECT event_id, COUNT(*) AS n FROM progress_events GROUP BY event_id').raw().all() as Array<[string, number]>));
      expect([...counts.values()].filter((n) => n !== 1).length, 'eventIds stored more than once').toBe(0);
      expect(acknowledgedIds.filter((id) => counts.get(id) !== 1), 'acknowledged but not stored exactly once').toEqual([]);
      expect(counts.size).toBe(listedSet.size);
    } finally {
      sqlite.close();
    }

    // A client that never saw its answer resends: the collector knows the items already.
    for (const items of [acknowledged[0]!, acknowledged[Math.floor(acknowledged.length / 2)]!, acknowledged.at(-1)!]) {
      expect(await post(second.url, envelope(items))).toEqual({ status: 200, body: { accepted: 0, duplicates: ITEMS_PER_BATCH, rejected: [] } });
    }

    console.info(
      `sigkill: ${acknowledged.length} batches (${acknowledgedIds.length} items) acknowledged, ${failures} requests cut by the kill, ` +
        `${listedSet.size} items stored (${listedSet.size - acknowledgedIds.length} committed but never acknowledged)`,
    );
  });
});
