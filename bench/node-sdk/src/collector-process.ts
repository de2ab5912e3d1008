/**
 * A collector in its own process — the built CLI on a fresh database — so it does
 * not share a thread with the SDK under test.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import Database from 'better-sqlite3';

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
export function startCollectorProcess(db: string): Promise<CollectorProcess> {
  const child = spawn(process.execPath, [cli, '--port', '0', '--db', db, '--quiet'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let err = '';
  child.stderr!.on('data', (chunk: Buffer) => {
    err = (err + chunk.toString()).slice(-4_000);
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return new Promise((resolve, reject) => {
    let out = '';
    const onData = (chunk: Buffer) => {
      out += chunk.toString();
      const url = /http:\/\/[^\s]+/.exec(out)?.[0];
      if (!url) return;
      child.stdout!.off('data', onData).resume();
      resolve({
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
          if (code !== 0) throw new Error(`collector exited with ${code}: ${err}`);
        },
      });
    };
    child.stdout!.on('data', onData);
    void exited.then((code) => reject(new Error(`collector exited with ${code} before listening: ${out}${err}`)));
  });
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
