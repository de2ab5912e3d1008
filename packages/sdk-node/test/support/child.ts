/**
 * Runs a fixture from test/fixtures/ in its own Node process (TypeScript through the
 * tsx loader), its configuration as JSON in argv[2], and reads its stdout line by line.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const PACKAGE_DIR = fileURLToPath(new URL('../..', import.meta.url));

export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** `performance.now()` when the process had exited and its output was closed. */
  at: number;
}

export interface Fixture {
  child: ChildProcess;
  /** Complete lines printed so far (a line counts once its newline arrived). */
  lines: string[];
  stderr: () => string;
  /** Resolves with the first line (from the start) that `match` accepts. */
  line: (match: (line: string) => boolean, timeoutMs?: number) => Promise<string>;
  /** Resolves once the process has exited and its stdout and stderr are closed. */
  exited: Promise<Exit>;
}

const running = new Set<ChildProcess>();

export function runFixture(name: string, config: object): Fixture {
  const child = spawn(process.execPath, ['--import', 'tsx', `test/fixtures/${name}`, JSON.stringify(config)], {
    cwd: PACKAGE_DIR,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, NODE_ENV: 'test' },
  });
  running.add(child);
  const lines: string[] = [];
  const waiters: Array<{ match: (l: string) => boolean; resolve: (l: string) => void }> = [];
  let rest = '';
  let err = '';
  child.stdout!.setEncoding('utf8');
  child.stdout!.on('data', (chunk: string) => {
    const parts = (rest + chunk).split('\n');
    rest = parts.pop()!;
    for (const l of parts) {
      lines.push(l);
      for (const w of waiters.splice(0)) (w.match(l) ? w.resolve(l) : waiters.push(w));
    }
  });
  child.stderr!.setEncoding('utf8');
  child.stderr!.on('data', (chunk: string) => (err += chunk));
  const exited = new Promise<Exit>((resolve) =>
    child.once('close', (code, signal) => {
      running.delete(child);
      resolve({ code, signal, at: performance.now() });
    }),
  );
  return {
    child,
    lines,
    stderr: () => err,
    exited,
    line(match, timeoutMs = 15_000) {
      const found = lines.find(match);
      if (found !== undefined) return Promise.resolve(found);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`${name}: no matching line in ${timeoutMs} ms; stdout: ${lines.slice(-5).join(' | ')}; stderr: ${err}`)), timeoutMs);
        const done = (l: string) => (clearTimeout(timer), resolve(l));
        waiters.push({ match, resolve: done });
        void exited.then(() => {
          clearTimeout(timer);
          reject(new Error(`${name} exited before a matching line; stderr: ${err}`));
        });
      });
    },
  };
}

/** Kills what a failed test left running. */
export async function killFixtures(): Promise<void> {
  await Promise.all(
    [...running].map((child) => {
      const closed = new Promise((resolve) => child.once('close', resolve));
      child.kill('SIGKILL');
      return closed;
    }),
  );
}
