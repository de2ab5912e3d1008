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

const label = (v: unknown) => typeof v === 'string' && v.length > 0 && v.length <= 64;

/** Fills the defaults and checks every option; a bad one throws `WaymarkOptionError` naming it. */
export function resolveOptions(options: ClientOptions): ResolvedOptions {
  const o = { ...DEFAULTS, onError: () => {}, ...options } as ResolvedOptions;
  const fail = (option: string, rule: string) => {
    throw new WaymarkOptionError(option, rule);
  };
  if (typeof o.endpoint !== 'string' || !/^https?:\/\/[^/]/.test(o.endpoint)) fail('endpoint', 'must be an http(s) URL');
  if (!label(o.service)) fail('service', 'must be a string of 1 to 64 characters');
  for (const k of ['writeKey', 'deviceId', 'storeId', 'groupId'] as const) if (o[k] !== undefined && (typeof o[k] !== 'string' || !o[k])) fail(k, 'must be a non-empty string');
  if (o.countryCode !== undefined && !/^[A-Z]{2}$/.test(o.countryCode)) fail('countryCode', 'must be an ISO 3166-1 alpha-2 code such as KR');
  for (const k of Object.keys(DEFAULTS) as Array<keyof typeof DEFAULTS>) if (!Number.isInteger(o[k]) || o[k] < 1) fail(k, 'must be a positive integer');
  if (o.minBackoffMs > o.maxBackoffMs) fail('minBackoffMs', 'must not exceed maxBackoffMs');
  if (typeof o.onError !== 'function') fail('onError', 'must be a function');
  if (o.funnel !== undefined) {
    const s = o.funnel.stages;
    if (!Array.isArray(s) || !s.length || !s.every(label) || new Set(s).size !== s.length) fail('funnel.stages', 'must be distinct names of 1 to 64 characters');
  }
  return o;
}
