import { z } from 'zod';
import { validate, WaymarkValidationError } from '@waymark/protocol';
import type { Logger } from './middleware/request-log.js';
import type { Store } from './store/store.js';

const key = z.string().min(16, { error: 'must be at least 16 characters' }).max(256);

const OptionsSchema = z.strictObject({
  db: z.string().min(1).default('waymark.db'),
  store: z.custom<Store>((v) => typeof v === 'object' && v !== null && 'ingest' in v, { error: 'must implement Store' }).optional(),
  writeKey: key.optional(),
  adminKey: key.optional(),
  maxBodyBytes: z.number().int().min(1_024).max(100 * 1_048_576).default(1_048_576),
  retentionDays: z.number().positive().max(36_500).default(365),
  now: z.custom<() => number>((v) => typeof v === 'function', { error: 'must be a function' }).default(() => Date.now),
  log: z.union([z.literal(false), z.custom<Logger>((v) => typeof v === 'function', { error: 'must be a function or false' })]).optional(),
  walAutocheckpoint: z.number().int().nonnegative().optional(),
  checkpointIntervalMs: z.number().int().nonnegative().optional(),
  sdkScript: z.string().min(1).optional(),
});

/** Options of `createCollector`. */
export interface CollectorOptions {
  /** SQLite file. Default `waymark.db` in the working directory. */
  db?: string;
  /** A store to use instead of SQLite (it is closed with the collector). */
  store?: Store;
  /** Key that ingest routes require. Without it they serve loopback clients only. */
  writeKey?: string;
  /** Key that reads, PATCHes and /metrics require. Without it they serve loopback clients only. */
  adminKey?: string;
  /** Largest accepted body. Default 1 MiB; larger bodies get 413. */
  maxBodyBytes?: number;
  /** Records older than this many days are deleted (seed 002 keeps sessions a year). Default 365. */
  retentionDays?: number;
  /** Epoch-ms clock. Default `Date.now`. */
  now?: () => number;
  /** Request log: a function taking each JSON line, or false for none. Default: JSON lines on stdout. */
  log?: Logger | false;
  /** SQLite: WAL pages before the writer checkpoints by itself. Default 50,000 (about 200 MB). */
  walAutocheckpoint?: number;
  /** SQLite: background PASSIVE checkpoint period in ms, 0 for none. Default 500. */
  checkpointIntervalMs?: number;
  /** The browser SDK file served at `/sdk/waymark.min.js`. Default: `sdk/waymark.min.js` beside the built collector. */
  sdkScript?: string;
}

export type ResolvedOptions = z.output<typeof OptionsSchema>;

/** Validates options once, at creation; a bad option is an error naming it. */
export function resolveOptions(options: CollectorOptions): ResolvedOptions {
  const result = validate(OptionsSchema, options);
  if (!result.ok) throw new WaymarkValidationError(result.errors.map((e) => ({ ...e, message: `option ${e.path}: ${e.message}` })));
  return result.value;
}
