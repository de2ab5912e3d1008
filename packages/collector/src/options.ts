import { z } from 'zod';
import { validate, WaymarkValidationError } from '@waymark/protocol';
import type { Logger } from './middleware/request-log.js';
import type { DropTimeouts } from './domain/drop-detection.js';
import { DEFAULT_SESSION_TIMEOUT_MS } from './domain/idle-sessions.js';
import type { Store } from './store/store.js';
import { CLOCK_TIME } from './daily-scheduler.js';
import { canonicalTimeZone, isTimeZone } from './domain/time-zone.js';

const key = z.string().min(16, { error: 'must be at least 16 characters' }).max(256);
/** A timeout in ms: a positive integer, at most a year. */
const timeoutMs = z.number().int().min(1).max(366 * 86_400_000);
const name = z.string().min(1).max(64);
const DropTimeoutsSchema = z.strictObject({
  default: timeoutMs.optional(),
  services: z.record(name, z.union([timeoutMs, z.strictObject({ default: timeoutMs.optional(), steps: z.record(name, timeoutMs).optional() })])).optional(),
});

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
  timeZone: z
    .string()
    .refine(isTimeZone, { error: 'must be an IANA time zone such as Asia/Seoul', params: { rule: 'time_zone' } })
    .transform(canonicalTimeZone)
    .default('Asia/Seoul'),
  dailySummaryAt: z.union([z.literal(false), z.string().regex(CLOCK_TIME, { error: 'must be HH:MM (00:00 to 23:59) or false' })]).default('00:05'),
  dropTimeouts: DropTimeoutsSchema.optional(),
  sessionTimeoutMs: z.number().int().min(0, { error: 'must be 0 (never) or a number of ms' }).max(366 * 86_400_000).default(DEFAULT_SESSION_TIMEOUT_MS),
  sweepIntervalMs: z.number().int().nonnegative().max(86_400_000).default(1_000),
  streamHeartbeatMs: z.number().int().min(10).max(3_600_000).default(15_000),
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
  /**
   * IANA time zone of calendar days (daily summaries) and of the bottleneck heatmap's
   * hours unless a request names one. Default `Asia/Seoul`.
   */
  timeZone?: string;
  /** Wall-clock time (`HH:MM`, in `timeZone`) at which yesterday's daily summaries are computed, or false for never. Default `00:05`. */
  dailySummaryAt?: false | string;
  /**
   * When an open journey counts as DROPPED: no event for this many ms, by default, per
   * service, or per service and step (the most specific applies). Default 120,000 for all.
   * @example { default: 120_000, services: { LOAN: { default: 300_000, steps: { DATA_COLLECTED: 60_000 } }, SIGNUP: 600_000 } }
   */
  dropTimeouts?: DropTimeouts;
  /** Ms without a session update or UI event after which an active session ends as `timeout`; 0 never. Default 600,000. */
  sessionTimeoutMs?: number;
  /** How often the sweeper looks for stalled journeys and idle sessions, in ms; 0 for never (call `collector.sweep()`). Default 1,000. */
  sweepIntervalMs?: number;
  /** Keep-alive comment interval of an idle `GET /api/stream`, in ms. Default 15,000. */
  streamHeartbeatMs?: number;
}

export type ResolvedOptions = z.output<typeof OptionsSchema>;

/** Validates options once, at creation; a bad option is an error naming it. */
export function resolveOptions(options: CollectorOptions): ResolvedOptions {
  const result = validate(OptionsSchema, options);
  if (!result.ok) throw new WaymarkValidationError(result.errors.map((e) => ({ ...e, message: `option ${e.path}: ${e.message}` })));
  return result.value;
}
