import { createClient, newId, WaymarkOptionError, type ClientOptions, type ErrorOptions, type ProgressInput, type Storage, type Timer, type WaymarkError } from '@waymark/core';
import { ProgressEventSchema, validate, WaymarkValidationError, type DropCause, type ProgressEvent } from '@waymark/protocol';
import { openOutbox, type Durability } from './outbox.js';
import { nodeClock, nodePlatform } from './platform.js';
import { installProcessHooks } from './process-hooks.js';
import { createHttpTransport } from './transport.js';

/** Options of `createWaymark`: the core client's, plus the outbox and the process. */
export interface NodeOptions extends ClientOptions {
  /** Folder of the durable outbox (`outbox.db`); one per process. */
  outboxDir: string;
  /** What a write survives: `process` (a kill; default) or `power` (a power cut, an fsync per write). */
  durability?: Durability;
  /** Throw `WaymarkValidationError` on a bad call, rather than report it through `onError` and drop it. Default: `NODE_ENV !== 'production'`. */
  strict?: boolean;
  /** Flush on beforeExit, SIGTERM and SIGINT, and report uncaught errors. Default true. */
  handleProcess?: boolean;
  /** Longest a shutdown waits for delivery. Default 5,000 ms. */
  shutdownTimeoutMs?: number;
  /** A request taking longer is abandoned and retried. Default 10,000 ms. */
  requestTimeoutMs?: number;
}

/** Delivery counters (seed 001: outbox_pending, produce_fail_total). */
export interface NodeStats {
  /** Items in the outbox, waiting for an acknowledgement. */
  pending: number;
  /** Items the collector acknowledged. */
  sent: number;
  /** Sends that failed and were retried later. */
  failedAttempts: number;
  /** Items dropped: rejected by the collector, or over the outbox cap. */
  dropped: number;
  droppedByCause: Record<DropCause, number>;
}

/** A progress event as a service gives it; `service` defaults to the option, `timestamp` to now. */
export type NodeProgressInput = Omit<ProgressInput, 'traceId'> & { traceId: string };

export type Waymark = ReturnType<typeof createWaymark>;

const isDurability = (v: unknown): v is Durability => v === 'process' || v === 'power';

/**
 * Creates the client: opens the outbox, sends what a previous run left in it, and
 * (unless `handleProcess: false`) hooks the process's exit, signals and uncaught errors.
 * An `onError` that throws does not disturb delivery: its error becomes a process
 * warning (`WAYMARK_ON_ERROR_THREW`).
 *
 * @throws WaymarkOptionError when an option is invalid.
 */
export function createWaymark(options: NodeOptions) {
  if (typeof options?.outboxDir !== 'string' || !options.outboxDir) throw new WaymarkOptionError('outboxDir', 'a folder path');
  if (options.durability !== undefined && !isDurability(options.durability)) throw new WaymarkOptionError('durability', "'process' or 'power'");
  const shutdownTimeoutMs = options.shutdownTimeoutMs ?? 5_000;
  if (!(shutdownTimeoutMs >= 0)) throw new WaymarkOptionError('shutdownTimeoutMs', 'a number of ms ≥ 0');
  const strict = options.strict ?? process.env.NODE_ENV !== 'production';
  // The app's handler is called from delivery's promises and from lenient calls: what
  // it throws must neither reject them unhandled nor reach the caller, so it becomes a
  // process warning.
  const onError = (error: WaymarkError) => {
    try {
      options.onError?.(error);
    } catch (thrown) {
      process.emitWarning(`onError threw while reporting "${error.message}": ${String(thrown)}`, { code: 'WAYMARK_ON_ERROR_THREW' });
    }
  };

  const outbox = openOutbox(options.outboxDir, options.durability);
  // Keys the client's restore read back: items tracked before it are either among them
  // (already queued) or handed to the client once it is ready.
  const restored = new Set<string>();
  const storage: Storage = {
    ...outbox,
    entries: async (prefix) => {
      const found = await outbox.entries(prefix);
      for (const [key] of found) restored.add(key);
      return found as never;
    },
  };
  const client = createClient(
    { maxQueueSize: 100_000, ...options, onError },
    { storage, transport: createHttpTransport(options), platform: nodePlatform(), clock: nodeClock },
  );

  // Until the client has loaded the outbox, tracked events go straight into it, so they
  // too are on disk before trackProgress() returns.
  let early: ProgressEvent[] | undefined = [];
  void client.ready.then(() => {
    const events = early ?? [];
    early = undefined;
    for (const e of events) if (!restored.has(`q:${e.eventId}`)) client.trackProgress(e);
    restored.clear();
  });

  let stopping: Promise<void> | undefined;
  let closed = false;
  let removeHooks = () => {};

  const waymark = {
    /** Resolves once what a previous run left in the outbox is loaded and on its way. */
    ready: client.ready,

    /**
     * Records one step of a journey (seed 000). The event is on disk when this returns,
     * and is delivered exactly once. A bad event throws `WaymarkValidationError` naming
     * the field when `strict`; otherwise it is reported through `onError` and dropped.
     * Returns the event's id, or undefined when it was dropped.
     */
    trackProgress(input: NodeProgressInput): string | undefined {
      const candidate = { ...input, service: input?.service ?? options.service, timestamp: input?.timestamp ?? Date.now(), eventId: input?.eventId ?? newId() };
      const checked = validate(ProgressEventSchema, candidate);
      if (!checked.ok) {
        const error = new WaymarkValidationError(checked.errors);
        if (strict) throw error;
        onError({ code: 'rejected', message: error.message, errors: checked.errors } satisfies WaymarkError);
        return undefined;
      }
      const event = checked.value;
      if (stopping) {
        // A request still running while the service shuts down: its event goes to the
        // outbox for the next start, until the outbox is closed.
        if (closed) {
          onError({ code: 'capture', message: `trackProgress after shutdown: event for ${event.traceId} not recorded` });
          return undefined;
        }
        outbox.setMany([[`q:${event.eventId}`, { ...event, kind: 'progress' }]]).catch((error) => onError({ code: 'storage', message: String(error) }));
        return event.eventId;
      }
      if (early) {
        // The outbox reports failure by rejecting; the write itself happened before this line.
        outbox.setMany([[`q:${event.eventId}`, { ...event, kind: 'progress' }]]).catch((error) => onError({ code: 'storage', message: String(error) }));
        early.push(event);
      } else client.trackProgress(event);
      return event.eventId;
    },

    startTimer: (name: string): Timer => client.startTimer(name),
    measure: <T>(name: string, fn: () => T): T => client.measure(name, fn),
    captureError: (error: unknown, opts?: ErrorOptions) => client.captureError(error, opts),
    addBreadcrumb: client.addBreadcrumb,
    wrap: client.wrap,
    startSession: client.startSession,
    endSession: client.endSession,
    setExperiment: client.setExperiment,
    assignVariant: client.assignVariant,
    get deviceId() {
      return client.deviceId;
    },

    /** Sends everything pending now. */
    flush: () => client.flush(),

    stats(): NodeStats {
      const s = client.stats();
      // While the outbox loads, what it holds is the truth; then the client's queue is.
      return { pending: early ? outbox.pendingItems() : s.pending, sent: s.sent, failedAttempts: s.failedAttempts, dropped: s.dropped.overflow + s.dropped.rejected + s.dropped.quota, droppedByCause: s.dropped };
    },

    /**
     * Delivers what is pending, for at most `timeoutMs` (default `shutdownTimeoutMs`),
     * then stops. What did not go stays in the outbox for the next start.
     */
    shutdown({ timeoutMs = shutdownTimeoutMs }: { timeoutMs?: number } = {}): Promise<void> {
      stopping ??= (async () => {
        removeHooks();
        let timer: NodeJS.Timeout | undefined;
        const done = client.shutdown().then(() => true);
        const late = new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), timeoutMs)));
        // The outbox closes only when delivery has ended; a send still running keeps it.
        if (await Promise.race([done, late])) (closed = true), outbox.close();
        clearTimeout(timer);
      })();
      return stopping;
    },
  };

  if (options.handleProcess !== false) {
    removeHooks = installProcessHooks(
      {
        shutdown: waymark.shutdown,
        flush: waymark.flush,
        pending: () => client.stats().pending,
        sent: () => client.stats().sent,
        captureFatal: (error, origin) => client.captureError(error, { severity: 'fatal', context: { origin } }),
      },
      shutdownTimeoutMs,
    );
  }
  return waymark;
}
