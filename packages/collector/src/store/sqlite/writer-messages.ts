import type { WriteJob } from './writes.js';

/** Messages between the store and its writer thread. */
export type ToWriter = { type: 'job'; id: number; job: WriteJob } | { type: 'close' };
export type JobResult = { id: number; ok: true; value: unknown } | { id: number; ok: false; error: string };
export type FromWriter = { type: 'ready' } | { type: 'results'; results: JobResult[] } | { type: 'closed' };
