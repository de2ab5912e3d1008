/**
 * Times calls one by one with `process.hrtime.bigint()`, in bursts that yield to the
 * event loop between them, as a service's request handlers do: whatever the SDK runs
 * outside the call (sends, acknowledgements, outbox deletes) runs in those gaps, on
 * the same thread, and counts in the wall time.
 */

export interface CallTiming {
  calls: number;
  /** calls / wall time from the first call to the last one's return, gaps included. */
  callsPerSecond: number;
  /** In-call time, µs. */
  p50: number;
  p99: number;
  mean: number;
}

/** Calls between two yields to the event loop. */
export const BURST = 10;

const yieldToLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

/** Runs `call(0 … n-1)`, timing each. */
export async function timeCalls(n: number, call: (i: number) => unknown): Promise<CallTiming> {
  const ns = new Float64Array(n);
  const start = process.hrtime.bigint();
  for (let i = 0; i < n; i++) {
    const t0 = process.hrtime.bigint();
    call(i);
    ns[i] = Number(process.hrtime.bigint() - t0);
    if ((i + 1) % BURST === 0) await yieldToLoop();
  }
  const wall = Number(process.hrtime.bigint() - start) / 1e9;
  const sorted = ns.slice().sort();
  const at = (q: number) => sorted[Math.min(n - 1, Math.floor(q * n))]! / 1e3;
  let sum = 0;
  for (const x of ns) sum += x;
  return { calls: n, callsPerSecond: n / wall, p50: at(0.5), p99: at(0.99), mean: sum / n / 1e3 };
}

export const median = (xs: number[]) => {
  const s = [...xs].sort((x, y) => x - y);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
};
