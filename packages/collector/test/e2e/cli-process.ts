import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** The built CLI, as users run it. */
export const CLI = fileURLToPath(new URL('../../dist/cli.js', import.meta.url));

/** Starts the CLI on a free port and resolves once it printed its URL. */
export function startCli(db: string, args: string[] = []): Promise<{ child: ChildProcess; url: string; exited: Promise<number | null> }> {
  const child = spawn(process.execPath, [CLI, '--port', '0', '--db', db, '--quiet', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const url = /http:\/\/[^\s]+/.exec(out)?.[0];
      if (url) resolve({ child, url, exited });
    });
    child.stderr!.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.once('exit', (code) => reject(new Error(`collector exited (${code}) before listening: ${out}`)));
  });
}
