import { StoreUnavailableError } from '../store.js';
import type { AnalyticsJob, FromAnalytics, ToAnalytics } from './analytics-messages.js';
import { spawnThread } from './spawn-thread.js';

/** The main thread's handle on the analytics thread. */
export interface AnalyticsClient {
  run<T>(job: AnalyticsJob): Promise<T>;
  close(): Promise<void>;
}

export function createAnalyticsClient(path: string): AnalyticsClient {
  const thread = spawnThread('analytics-thread', { path });
  const pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  let nextId = 1;
  let failure: Error | undefined;
  let closed: Promise<void> | undefined;

  const fail = (error: Error) => {
    failure ??= new StoreUnavailableError(`analytics thread stopped: ${error.message}`);
    for (const p of pending.values()) p.reject(failure);
    pending.clear();
  };
  thread.on('message', (message: FromAnalytics) => {
    if (message.type !== 'result') return;
    const p = pending.get(message.id);
    if (!p) return;
    pending.delete(message.id);
    if (pending.size === 0) thread.unref();
    if (message.ok) p.resolve(message.value);
    else p.reject(new StoreUnavailableError(message.error));
  });
  thread.on('error', fail);
  thread.on('exit', (code) => fail(new Error(`exited with code ${code}`)));
  // Idle, it must not keep the process alive; with a query under way, it must.
  thread.unref();

  return {
    run<T>(job: AnalyticsJob): Promise<T> {
      if (failure) return Promise.reject(failure);
      if (closed) return Promise.reject(new StoreUnavailableError('store is closing'));
      const id = nextId++;
      return new Promise<T>((resolve, reject) => {
        pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
        thread.ref();
        thread.postMessage({ type: 'job', id, job } satisfies ToAnalytics);
      });
    },
    close() {
      closed ??= new Promise<void>((resolve) => {
        if (failure) return resolve();
        thread.ref();
        thread.once('exit', () => resolve());
        thread.on('message', (m: FromAnalytics) => m.type === 'closed' && void thread.terminate());
        thread.postMessage({ type: 'close' } satisfies ToAnalytics);
      });
      return closed;
    },
  };
}
