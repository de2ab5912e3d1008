/**
 * A server under test in a process of its own (a collector, or a bare baseline), as the
 * benchmarks start it: `node <args>`, ready once it prints its URL.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';

export interface ServerProcess {
  child: ChildProcess;
  /** The first `http://…` the process printed. */
  url: string;
  /** The last 4 KB it wrote to stderr, to show when it fails. */
  stderr(): string;
  /** Its exit code (null when a signal ended it). */
  exited: Promise<number | null>;
}

/** Starts `node <args>` and resolves once it has printed its URL; rejects if it exits first. */
export function startServerProcess(args: readonly string[]): Promise<ServerProcess> {
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
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
      resolve({ child, url, stderr: () => err, exited });
    };
    child.stdout!.on('data', onData);
    void exited.then((code) => reject(new Error(`${args.join(' ')} exited with ${code} before listening: ${out}${err}`)));
  });
}

/** Peak resident set of a live process, in MB, from the kernel's high-water mark. */
export function peakRssMb(pid: number): number {
  const kb = /VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
  return Number(kb ?? 0) / 1_024;
}
