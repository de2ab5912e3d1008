import { WaymarkOptionError, type WaymarkError } from './errors.js';
import type { FunnelOptions } from './funnel-tracker.js';

/** Options of a client. Durations are in ms. */
export interface ClientOptions {
  /** Collector base URL, such as `http://127.0.0.1:4318`. */
  endpoint: string;
  /** Key for the collector's ingest routes. */
  writeKey?: string;
  /** Service name on progress events (seed 000), such as `PHOTO_KIOSK` or `LOAN`. */
  service: string;
  /** Stable id of this device. Default: the platform's persisted id, else a new one per start. */
  deviceId?: string;
  /** Session fields of seed 002. */
  storeId?: string;
  groupId?: string;
  countryCode?: string;
  /** Items waiting that trigger a flush. Default 50. */
  flushAt?: number;
  /** Longest an item waits to be sent. Default 5,000. */
  flushIntervalMs?: number;
  /** Most items kept while the collector is unreachable; the oldest go first. Default 10,000. */
  maxQueueSize?: number;
  /** First retry delay. Default 1,000. */
  minBackoffMs?: number;
  /** Longest retry delay. Default 300,000. */
  maxBackoffMs?: number;
  /** Inactivity after which a session ends as `timeout`. Default 120,000 (a kiosk). */
  sessionTimeoutMs?: number;
  /** Stages of the journey, for funnel tracking and its progress events. */
  funnel?: FunnelOptions;
  /** Told about rejected items, refused keys and storage failures. */
  onError?: (error: WaymarkError) => void;
}

export type ResolvedOptions = Required<Omit<ClientOptions, 'writeKey' | 'deviceId' | 'storeId' | 'groupId' | 'countryCode' | 'funnel'>> &
  Pick<ClientOptions, 'writeKey' | 'deviceId' | 'storeId' | 'groupId' | 'countryCode' | 'funnel'>;

const DEFAULTS = { flushAt: 50, flushIntervalMs: 5_000, maxQueueSize: 10_000, minBackoffMs: 1_000, maxBackoffMs: 300_000, sessionTimeoutMs: 120_000 };

/** 1 to `max` characters. */
const text = (v: unknown, max = 128) => typeof v === 'string' && v.length > 0 && v.length <= max;

/**
 * Fills the defaults and checks every option; the first bad one throws
 * `WaymarkOptionError` naming it and the rule it breaks.
 */
export function resolveOptions(options: ClientOptions): ResolvedOptions {
  const o = { ...DEFAULTS, onError: () => {}, ...options } as ResolvedOptions;
  const stages = o.funnel?.stages;
  // What the collector would also refuse (a country code, say) is left to its per-item
  // answer, reported through onError: the script-tag bundle carries only these checks.
  const rules: Array<[string, unknown, string]> = [
    ['endpoint', /^https?:\/\/[^/]/.test(o.endpoint as string), 'an http(s) URL'],
    ['service', text(o.service, 64), '1-64 chars'],
    ...(['deviceId', 'storeId', 'groupId'] as const).map((k): [string, unknown, string] => [k, o[k] === undefined || text(o[k]), '1-128 chars']),
    ...(Object.keys(DEFAULTS) as Array<keyof typeof DEFAULTS>).map((k): [string, unknown, string] => [k, Number.isInteger(o[k]) && o[k] > 0, 'a positive integer']),
    ['funnel.stages', !o.funnel || (Array.isArray(stages) && stages.length && stages.every((v) => text(v, 64)) && new Set(stages).size === stages.length), 'distinct names, 1-64 chars'],
  ];
  for (const [option, ok, rule] of rules) if (!ok) throw new WaymarkOptionError(option, rule);
  return o;
}
