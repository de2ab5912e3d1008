/**
 * A collector in its own process — the built CLI on a fresh database — so it does
 * not share a thread with the SDK under test.
 */
import type { ChildProcess } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import Database from 'better-sqlite3';
import { startServerProcess } from '@waymark/bench-process';

const cli = join(dirname(createRequire(import.meta.url).resolve('@waymark/collector')), 'cli.js');

export interface CollectorProcess {
  url: string;
  child: ChildProcess;
  /** `waymark_items_total{kind="progress"}` by outcome, from `/metrics`. */
  progressCounts(): Promise<{ accepted: number; duplicate: number; rejected: number }>;
  /** SIGTERM; the collector commits and closes first, and must exit 0. */
  stop(): Promise<void>;
}

/** Starts `node packages/collector/dist/cli.js --port 0 --db <db> --quiet` and resolves with the URL it prints. */
export async function startCollectorProcess(db: string): Promise<CollectorProcess> {
  const { child, url, stderr, exited } = await startServerProcess([cli, '--port', '0', '--db', db, '--quiet']);
  return {
    url,
    child,
    async progressCounts() {
      const text = await (await fetch(`${url}/metrics`)).text();
      const count = (outcome: string) => Number(new RegExp(`^waymark_items_total\\{kind="progress",outcome="${outcome}"\\} (\\d+)`, 'm').exec(text)?.[1] ?? 0);
      return { accepted: count('accepted'), duplicate: count('duplicate'), rejected: count('rejected') };
    },
    async stop() {
      child.kill('SIGTERM');
      const code = await exited;
      if (code !== 0) throw new Error(`collector exited with ${code}: ${stderr()}`);
    },
  };
}

/** Rows in the progress table of a stopped collector's database. */
export function storedProgressRows(db: string): number {
  const conn = new Database(db, { readonly: true, fileMustExist: true });
  try {
    return conn.prepare('SELECT count(*) FROM progress_events').pluck().get() as number;
  } finally {
    conn.close();
  }
}
