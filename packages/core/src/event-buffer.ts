/**
 * The outgoing queue. Every item is written ahead to Storage before a flush sends it,
 * and leaves Storage only when the collector has acknowledged it, so a crash, a
 * reload or a power cut at any point resends rather than loses; the collector's
 * dedupe on `eventId` turns the resend into exactly-once storage.
 */
import type { BatchItem, DropCause, IngestResult } from '@waymark/protocol/types';
import { backoffDelay, retryAfterMs } from './backoff.js';
import type { WaymarkError } from './errors.js';
import { newId } from './ids.js';
import type { Clock, Platform, Storage, Transport, TransportResponse } from './ports.js';

declare function queueMicrotask(fn: () => void): void;

/** Key prefix of queued items in Storage. */
export const QUEUE_PREFIX = 'q:';

export interface BufferOptions {
  /** Items waiting that trigger a flush. */
  flushAt: number;
  /** Longest an item waits before a flush. */
  flushIntervalMs: number;
  /** Most items kept; beyond it the oldest are dropped and counted as `overflow`. */
  maxQueueSize: number;
  minBackoffMs: number;
  maxBackoffMs: number;
  /** Largest beacon body; browsers refuse beacons over 64 KB in total. */
  beaconBytes: number;
  deviceId: () => string;
  onError: (error: WaymarkError) => void;
}

/** Counters of a buffer's life. */
export interface BufferStats {
  /** Items waiting for an acknowledgement. */
  pending: number;
  /** Items the collector acknowledged (accepted or duplicate). */
  sent: number;
  /** Sends that failed and will be retried. */
  failedAttempts: number;
  /** Items dropped, by cause. */
  dropped: Record<DropCause, number>;
}

interface Entry {
  key: string;
  item: BatchItem;
  saved: boolean;
  inFlight: boolean;
}

declare const TextEncoder: new () => { encode(s: string): Uint8Array };
const encoder = new TextEncoder();

/** Bytes of a string in UTF-8, as it goes on the wire. */
export const utf8Length = (s: string): number => encoder.encode(s).length;

export type EventBuffer = ReturnType<typeof createEventBuffer>;

/**
 * Creates the buffer. `state` gives entries saved in the same atomic write as each
 * group of items (the session and its sequence counter), so a counter is never ahead
 * of, nor behind, the items it numbered.
 */
export function createEventBuffer(o: BufferOptions, ports: { storage: Storage; transport: Transport; clock: Clock; platform: Platform }, state: () => Array<[string, unknown]>) {
  const { transport, clock } = ports;
  let storage = ports.storage;
  let queue: Entry[] = [];
  let unsaved: Entry[] = [];
  let saveQueued = false;
  /** Every storage operation runs on this chain, in order: a delete never overtakes its write. */
  let io: Promise<unknown> = Promise.resolve();
  let sending: Promise<void> | undefined;
  let timer: unknown;
  let attempt = 0;
  let retryAt = 0;
  let limit = o.flushAt;
  let stopped = false;
  const stats: BufferStats = { pending: 0, sent: 0, failedAttempts: 0, dropped: { overflow: 0, rejected: 0, quota: 0 } };
  /** Drops the collector has been told of. */
  const reported: Record<DropCause, number> = { overflow: 0, rejected: 0, quota: 0 };
  const sdk = JSON.stringify(ports.platform.sdk);
  const envelope = (parts: string[]) => `{"sentAt":${clock.now()},"sdk":${sdk},"items":[${parts}]}`;

  const onStorageFailure = (error: unknown) => {
    if (storage === ports.storage) o.onError({ code: 'storage', message: `storage failed, memory only: ${error}` });
    storage = { get: async () => undefined, setMany: async () => {}, delMany: async () => {}, entries: async () => [] };
  };
  const run = (op: () => Promise<unknown>) => (io = io.then(op).catch(onStorageFailure));

  function save() {
    saveQueued = false;
    const entries = unsaved;
    unsaved = [];
    // The state is copied now: an asynchronous write lands later, when counters may have moved on.
    const write: Array<[string, unknown]> = [...entries.map((e): [string, unknown] => [e.key, e.item]), ...JSON.parse(JSON.stringify(state()))];
    // Issued at once, so a synchronous storage has it on disk when this returns; writes
    // still land in call order, and a delete is issued only after its item's write.
    // Saved also when storage failed: the items then live on in memory only, as reported.
    const written = storage
      .setMany(write)
      .catch(onStorageFailure)
      .then(() => {
        for (const e of entries) e.saved = true;
      });
    io = io.then(() => written);
  }

  function remove(entries: Entry[], cause?: DropCause) {
    if (!entries.length) return;
    if (cause) stats.dropped[cause] += entries.length;
    const gone = new Set(entries);
    queue = queue.filter((e) => !gone.has(e));
    unsaved = unsaved.filter((e) => !gone.has(e));
    run(() => storage.delMany(entries.map((e) => e.key)));
  }

  function arm() {
    if (stopped || timer !== undefined || !queue.length) return;
    timer = clock.setTimeout(
      () => {
        timer = undefined;
        void flush(false);
      },
      Math.max(o.flushIntervalMs, retryAt - clock.now()),
    );
  }

  /** Drops the collector has not been told of, as a client_report item. */
  function clientReport() {
    const dropped: Partial<Record<DropCause, number>> = {};
    for (const [cause, n] of Object.entries(stats.dropped) as Array<[DropCause, number]>) if (n > reported[cause]) dropped[cause] = n - reported[cause];
    return Object.keys(dropped).length ? { kind: 'client_report' as const, eventId: newId(), deviceId: o.deviceId(), dropped, timestamp: clock.now() } : undefined;
  }

  /** Sends one batch; true when the loop should go on. */
  async function sendOne(): Promise<boolean> {
    // Wait for every write queued so far, including one queued while waiting.
    for (let p; p !== io; ) await (p = io);
    // A batch too large for the collector (413) is halved until it fits.
    const batch = queue.filter((e) => e.saved && !e.inFlight).slice(0, limit);
    const parts = batch.map((e) => JSON.stringify(e.item));
    if (!batch.length) return false;
    const report = clientReport();
    if (report) parts.push(JSON.stringify(report));
    for (const e of batch) e.inFlight = true;
    const r = await transport.send(envelope(parts)).catch((): TransportResponse => ({ status: 0 }));
    for (const e of batch) e.inFlight = false;
    const result = r.body as IngestResult | undefined;
    const status = r.status;

    if ((status >= 200 && status < 300) || (status === 400 && Array.isArray(result?.rejected))) {
      attempt = 0;
      limit = o.flushAt;
      if (report) for (const [cause, n] of Object.entries(report.dropped) as Array<[DropCause, number]>) reported[cause] += n;
      const rejected = new Set<Entry>();
      for (const { index, errors } of result?.rejected ?? []) {
        const e = batch[index];
        if (e) rejected.add(e), o.onError({ code: 'rejected', status, message: 'item rejected', item: e.item, errors });
      }
      const acked = batch.filter((e) => !rejected.has(e));
      remove(acked);
      stats.sent += acked.length;
      remove([...rejected], 'rejected');
      return true;
    }
    if (status === 413 && batch.length > 1) {
      limit = Math.ceil(batch.length / 2);
      return true;
    }
    const retryable = status === 0 || status === 408 || status === 429 || status >= 500;
    if (retryable || status === 401 || status === 403) {
      if (!retryable) o.onError({ code: 'auth', status, message: 'write key refused; items kept' });
      stats.failedAttempts++;
      attempt++;
      const now = clock.now();
      retryAt = now + Math.max(backoffDelay(attempt, o.minBackoffMs, o.maxBackoffMs), retryAfterMs(r.retryAfter, now) ?? 0);
      return false;
    }
    // Any other answer means the collector will never take this batch as it is.
    for (const e of batch) o.onError({ code: 'rejected', status, message: 'batch refused', item: e.item });
    remove(batch, 'rejected');
    return true;
  }

  /**
   * Sends every saved item, batch by batch. Automatic flushes wait out a backoff;
   * `force` (an explicit flush or shutdown) tries at once.
   */
  function flush(force: boolean): Promise<void> {
    if (sending) return sending;
    if (!force && clock.now() < retryAt) {
      arm();
      return Promise.resolve();
    }
    clock.clearTimeout(timer);
    timer = undefined;
    sending = (async () => {
      try {
        while (await sendOne());
      } finally {
        sending = undefined;
        arm();
      }
    })();
    return sending;
  }

  return {
    stats: (): BufferStats => ({ ...stats, pending: queue.length, dropped: { ...stats.dropped } }),

    /** Queues an item, writes it ahead, and flushes at `flushAt` items or at once when `urgent`. */
    add(item: BatchItem, urgent = false) {
      const e: Entry = { key: QUEUE_PREFIX + item.eventId, item, saved: false, inFlight: false };
      queue.push(e);
      unsaved.push(e);
      // A synchronous storage writes each item before add() returns; another gathers
      // the items of one task into one write.
      if (storage.sync) save();
      else if (!saveQueued) {
        saveQueued = true;
        queueMicrotask(save);
      }
      if (queue.length > o.maxQueueSize) {
        const oldest = queue.find((x) => !x.inFlight);
        if (oldest) remove([oldest], 'overflow');
      }
      if (urgent || queue.length >= o.flushAt) void flush(false);
      else arm();
    },

    /**
     * Loads the items a previous run left in Storage, oldest first, and sends them.
     * Called before this run's first write can land (writes wait for a microtask), so
     * what it reads is the previous run's alone.
     */
    async restore() {
      // In key order: eventIds are uuid v7, so that is creation order.
      const stored = await storage.entries<BatchItem>(QUEUE_PREFIX).catch((error) => (onStorageFailure(error), []));
      queue.unshift(...stored.map(([key, item]): Entry => ({ key, item, saved: true, inFlight: false })));
      if (queue.length) void flush(false);
    },

    flush: () => flush(true),

    /**
     * Hands every waiting item to the platform's beacon, in bodies under `beaconBytes`,
     * for a page that is going away. The items stay queued until a later acknowledged
     * send; the collector drops the copies as duplicates.
     */
    beacon() {
      if (!transport.beacon) return;
      let parts: string[] = [];
      let bytes = 0;
      const send = () => !parts.length || transport.beacon!(envelope(parts));
      for (const e of queue) {
        const json = JSON.stringify(e.item);
        const size = utf8Length(json) + 1;
        // 100 bytes for the envelope around the items.
        if (bytes + size > o.beaconBytes - 100) {
          if (!send()) return;
          (parts = []), (bytes = 0);
        }
        parts.push(json);
        bytes += size;
      }
      send();
    },

    /** Stops the timer; what is queued stays in Storage for the next start. */
    stop() {
      stopped = true;
      clock.clearTimeout(timer);
      timer = undefined;
    },
  };
}
