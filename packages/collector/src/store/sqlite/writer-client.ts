import type { Worker } from 'node:worker_threads';
import { StoreUnavailableError } from '../store.js';
import { spawnThread } from './spawn-thread.js';
import type { FromWriter, ToWriter } from './writer-messages.js';
import type { WriteJob } from './writes.js';

export interface WriterClient {
  /** Resolves with the job's result once the transaction holding it has committed. */
  run<T>(job: WriteJob): Promise<T>;
  /** Resolves when the writer has opened the database. */
  ready: Promise<void>;
  /** Commits what is queued, checkpoints, closes the connection and ends the thread. */
  close(): Promise<void>;
}

/** The main thread's handle on the writer thread and its checkpointer. */
export function createWriterClient(path: string, options: { walAutocheckpoint: number; checkpointIntervalMs: number }): WriterClient {
  const writer = spawnThread('writer-thread', { path, walAutocheckpoint: options.walAutocheckpoint });
  const checkpointer = options.checkpointIntervalMs > 0 ? spawnThread('checkpoint-thread', { path, intervalMs: options.checkpointIntervalMs }) : undefined;
  const pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  let nextId = 1;
  let failure: Error | undefined;
  let closed: Promise<void> | undefined;
  let onReady!: () => void;
  let onReadyFail!: (e: Error) => void;
  const ready = new Promise<void>((resolve, reject) => {
    onReady = resolve;
    onReadyFail = reject;
  });
  ready.catch(() => {});

  const fail = (error: Error) => {
    failure ??= new StoreUnavailableError(`database writer stopped: ${error.message}`);
    onReadyFail(failure);
    for (const p of pending.values()) p.reject(failure);
    pending.clear();
  };

  writer.on('message', (message: FromWriter) => {
    if (message.type === 'ready') onReady();
    if (message.type !== 'results') return;
    for (const r of message.results) {
      const p = pending.get(r.id);
      if (!p) continue;
      pending.delete(r.id);
      if (r.ok) p.resolve(r.value);
      else p.reject(new StoreUnavailableError(r.error));
    }
  });
  writer.on('error', fail);
  writer.on('exit', (code) => fail(new Error(`exited with code ${code}`)));
  checkpointer?.on('error', () => {});
  checkpointer?.unref();

  const stop = (worker: Worker | undefined) =>
    new Promise<void>((resolve) => {
      if (!worker) return resolve();
      worker.once('exit', () => resolve());
      worker.on('message', (m: FromWriter) => m.type === 'closed' && void worker.terminate());
      worker.postMessage({ type: 'close' });
    });

  return {
    ready,
    run<T>(job: WriteJob): Promise<T> {
      if (failure) return Promise.reject(failure);
      if (closed) return Promise.reject(new StoreUnavailableError('store is closing'));
      const id = nextId++;
      return new Promise<T>((resolve, reject) => {
        pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
        writer.postMessage({ type: 'job', id, job } satisfies ToWriter);
      });
    },
    close() {
      closed ??= (async () => {
        await stop(checkpointer);
        if (!failure) await stop(writer);
      })();
      return closed;
    },
  };
}
