/**
 * The ports through which the core reaches its platform. A platform package
 * (browser, node) supplies them; tests use the in-memory versions.
 */
import type { IngestResult, SdkInfo } from '@waymark/protocol/types';

/**
 * Durable key-value storage. `setMany` must be atomic: the items of one write-ahead
 * and the counters saved with them land together or not at all.
 */
export interface Storage {
  /**
   * True when `setMany` has its write on disk before it returns (its promise only
   * reports the outcome). The buffer then writes each item as it is added, so an
   * item is durable once the call that tracked it has returned.
   */
  sync?: boolean;
  get<T>(key: string): Promise<T | undefined>;
  setMany(entries: Array<[string, unknown]>): Promise<void>;
  delMany(keys: string[]): Promise<void>;
  /** Every entry whose key starts with `prefix`, in key order (as IndexedDB gives them). */
  entries<T>(prefix: string): Promise<Array<[string, T]>>;
}

/** What the collector answered; status 0 when the request did not reach it. */
export interface TransportResponse {
  status: number;
  /** The parsed JSON body, when there was one. */
  body?: IngestResult | unknown;
  /** The `Retry-After` header, as sent. */
  retryAfter?: string | null;
}

/** Delivers a batch body (the JSON of the envelope) to the collector's `/api/batch`. */
export interface Transport {
  send(body: string): Promise<TransportResponse>;
  /**
   * Hands the body to the platform to send after the page is gone (sendBeacon).
   * Returns false when the platform refused it. Optional: servers have no unload.
   */
  beacon?(body: string): boolean;
}

/** Time and timers, so tests control them. */
export interface Clock {
  /** Wall time, epoch ms. */
  now(): number;
  /** Monotonic ms for durations. */
  monotonic(): number;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

/** What the platform can tell about the device. Every method is optional. */
export interface Platform {
  /** Identifies the SDK in every batch envelope. */
  sdk: SdkInfo;
  /** Device state for error reports (memory, network, screen…). */
  snapshot?(): Record<string, unknown>;
  /** Context for performance metrics (memory, CPU count). */
  perfContext?(): Record<string, unknown>;
}

/** The ports a client is created with. */
export interface Ports {
  storage: Storage;
  transport: Transport;
  platform: Platform;
  clock?: Clock;
}

declare function setTimeout(fn: () => void, ms: number): unknown;
declare function clearTimeout(handle: unknown): void;
declare const performance: { now(): number } | undefined;

/** The host's clock and timers. */
export const systemClock: Clock = {
  now: () => Date.now(),
  monotonic: () => (typeof performance !== 'undefined' ? performance.now() : Date.now()),
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (handle) => clearTimeout(handle),
};
