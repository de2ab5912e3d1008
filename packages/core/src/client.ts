/**
 * The client: wires sessions, funnel, UI events, performance, errors and experiments
 * to one EventBuffer. Every item gets an `eventId`; UI events get the session's next
 * `sequenceNo`, saved in the same write as the item.
 */
import type { BatchItem, BreadcrumbType, ErrorCategory, ErrorSeverity, ProgressEvent, Purchase, Status, UiEvent, UiEventType } from '@waymark/protocol/types';
import { UI_EVENT_TYPES } from '@waymark/protocol/types';
import { createBreadcrumbs, classify, describe } from './error-tracker.js';
import { createEventBuffer, type BufferStats } from './event-buffer.js';
import { pickVariant } from './experiments.js';
import { createFunnelTracker, type StageTransition } from './funnel-tracker.js';
import { newId } from './ids.js';
import { resolveOptions, type ClientOptions } from './options.js';
import { startTimer, watch, type Measurement, type Timer } from './performance-tracker.js';
import { systemClock, type Ports } from './ports.js';
import { expired, leaveScreen, openSession, type EndStatus, type SessionState } from './session-manager.js';

/** Fields of a UI event a caller may set; the client fills ids, session, screen and time. */
export type UiFields = Partial<Omit<UiEvent, 'eventId' | 'sessionId' | 'sequenceNo' | 'deviceId' | 'eventType' | 'timestamp' | 'experiments'>>;

/** A progress event as a caller gives it: `traceId` defaults to the session, `service` to the option. */
export type ProgressInput = Omit<ProgressEvent, 'traceId' | 'service' | 'timestamp' | 'eventId'> & Partial<Pick<ProgressEvent, 'traceId' | 'service' | 'timestamp' | 'eventId'>>;

/** How an error is reported. */
export interface ErrorOptions {
  severity?: ErrorSeverity;
  /** Default: classified from the error's name, code and message. */
  category?: ErrorCategory;
  errorType?: string;
  /** Reason code of the funnel's FAIL progress event. Default: errorType. */
  reason?: string;
  context?: Record<string, unknown>;
}

/** Storage key of the open session. */
export const SESSION_KEY = 'session';

export type Client = ReturnType<typeof createClient>;

/**
 * Creates a client on the given ports. Calls made before stored state is loaded are
 * kept, with their time, and run once it is.
 *
 * @throws WaymarkOptionError when an option is invalid.
 */
export function createClient(options: ClientOptions, ports: Ports & { sessionKey?: string; deviceId?: () => string | undefined }) {
  const o = resolveOptions(options);
  const clock = ports.clock ?? systemClock;
  const sessionKey = ports.sessionKey ?? SESSION_KEY;
  const deviceId = o.deviceId ?? ports.deviceId?.() ?? newId();
  const funnel = o.funnel && createFunnelTracker(o.funnel);
  const crumbs = createBreadcrumbs();
  const experiments: Record<string, string> = {};
  let session: SessionState | undefined;
  let idleTimer: unknown;
  let closed = false;
  /** While replaying calls made before load, the time each was made. */
  let callTime: number | undefined;
  const now = () => callTime ?? clock.now();
  const report = (error: unknown) => o.onError({ code: 'capture', message: String(error) });

  const buffer = createEventBuffer(
    { ...o, beaconBytes: 60_000, deviceId: () => deviceId },
    { ...ports, clock },
    () => [[sessionKey, session ?? null]],
  );

  const exp = () => (Object.keys(experiments).length ? { ...experiments } : undefined);
  /** The fields every device record carries. */
  const stamp = (at: number, s?: SessionState) => ({ eventId: newId(), sessionId: s?.sessionId, deviceId, experiments: exp(), timestamp: at });

  function add(item: BatchItem, urgent = false) {
    if (!closed) buffer.add(item, urgent);
  }

  function sendSession(s: SessionState, status: 'active' | EndStatus, endedAt: number | null) {
    add({
      kind: 'session',
      eventId: newId(),
      sessionId: s.sessionId,
      deviceId,
      storeId: o.storeId,
      groupId: o.groupId,
      countryCode: o.countryCode,
      startedAt: s.startedAt,
      endedAt,
      status,
      funnel: s.funnel && funnel?.summary(s.funnel, endedAt !== null),
      behavior: s.behavior,
      experiments: exp(),
    });
  }

  function progress(s: SessionState, transitions: StageTransition[], at: number) {
    for (const t of transitions) {
      add({ kind: 'progress', eventId: newId(), traceId: s.sessionId, service: o.service, step: t.step, status: t.status, reason: t.reason ?? null, meta: { subType: t.stage, screenId: s.screen, experiments: exp() }, timestamp: at });
    }
  }

  /** One timer per session, re-armed for the time left when it fires early: no timer work per event. */
  function armIdle() {
    if (idleTimer !== undefined || !session || closed) return;
    idleTimer = clock.setTimeout(() => {
      idleTimer = undefined;
      if (session && expired(session, clock.now(), o.sessionTimeoutMs)) end('timeout', session.lastActivity);
      else armIdle();
    }, Math.max(0, session.lastActivity + o.sessionTimeoutMs - clock.now()));
  }

  function stopIdle() {
    clock.clearTimeout(idleTimer);
    idleTimer = undefined;
  }

  function start(at: number): SessionState {
    const s = (session = openSession(at, funnel?.initial()));
    sendSession(s, 'active', null);
    armIdle();
    return s;
  }

  function end(status: EndStatus, at: number, reason?: string) {
    const s = session;
    if (!s) return;
    leaveScreen(s, at);
    if (s.funnel && funnel) progress(s, funnel.end(s.funnel, status, at, reason), at);
    session = undefined;
    sendSession(s, status, at);
    stopIdle();
  }

  /** The open session, after ending one that timed out; starts one when there is none. */
  function current(at: number, activity: boolean): SessionState {
    if (session && expired(session, at, o.sessionTimeoutMs)) end('timeout', session.lastActivity);
    const s = session ?? start(at);
    if (activity && at > s.lastActivity) s.lastActivity = at;
    return s;
  }

  function ui(eventType: UiEventType, fields: UiFields = {}) {
    const at = now();
    const s = current(at, true);
    const b = s.behavior;
    if (eventType === 'tap') b.totalTaps++;
    else if (eventType === 'scroll') b.totalScrolls++;
    else if (eventType === 'select' || eventType === 'deselect') b.selectionChanges++;
    if (eventType === 'tap' || eventType === 'long_press' || eventType === 'select' || eventType === 'deselect') crumb('tap', `${eventType} ${fields.target ?? ''}`.trim());
    else if (eventType === 'back' || eventType === 'cancel') crumb('navigation', eventType);
    add({ ...fields, ...stamp(at, s), kind: 'ui_event', sessionId: s.sessionId, sequenceNo: ++s.seq, eventType, screenId: fields.screenId ?? s.screen });
    return s;
  }

  function crumb(type: BreadcrumbType, message: string, data?: Record<string, unknown>) {
    crumbs.add({ timestamp: now(), type, message: message.slice(0, 1024), data });
  }

  /** Runs `fn` now, or with its call time once stored state is loaded. Never throws into the app. */
  let early: Array<() => void> | undefined = [];
  function call(fn: () => void) {
    if (closed) return;
    if (early) {
      const t = clock.now();
      early.push(() => {
        callTime = t;
        try {
          fn();
        } finally {
          callTime = undefined;
        }
      });
      return;
    }
    try {
      fn();
    } catch (error) {
      report(error);
    }
  }

  const ready = (async () => {
    try {
      const stored = await ports.storage.get<SessionState | null>(sessionKey).catch(() => undefined);
      if (stored && !session) {
        session = stored;
        // A session whose device stayed off past the timeout ended when it went idle.
        if (expired(stored, clock.now(), o.sessionTimeoutMs)) end('timeout', stored.lastActivity);
        else armIdle();
      }
      await buffer.restore();
    } finally {
      const calls = early ?? [];
      early = undefined;
      for (const fn of calls) {
        try {
          fn();
        } catch (error) {
          report(error);
        }
      }
    }
  })();

  /** The open session, unless it has timed out (errors and metrics do not start one). */
  const live = (at: number) => (session && !expired(session, at, o.sessionTimeoutMs) ? session : undefined);

  function captureError(error: unknown, opts: ErrorOptions = {}) {
    const at = now();
    const d = describe(error);
    const s = live(at);
    const severity = opts.severity ?? 'error';
    add(
      {
        ...stamp(at, s),
        kind: 'error',
        severity,
        category: opts.category ?? classify(d),
        errorType: opts.errorType ?? d.errorType,
        message: d.message.slice(0, 8_192),
        stack: d.stack?.slice(0, 65_536),
        screenId: s?.screen,
        breadcrumbs: crumbs.list(),
        deviceSnapshot: { ...ports.platform.snapshot?.(), ...opts.context },
      },
      true,
    );
    if (s?.funnel && funnel && (severity === 'error' || severity === 'fatal')) progress(s, funnel.fail(s.funnel, opts.reason ?? opts.errorType ?? d.errorType ?? 'ERROR'), at);
  }

  function metric(m: Measurement) {
    call(() => {
      const at = now();
      const s = live(at);
      add({ ...m, ...stamp(at, s), kind: 'performance', context: { ...ports.platform.perfContext?.(), ...m.context } });
    });
  }

  return {
    /** Resolves once stored items and the open session are loaded. */
    ready,
    deviceId,
    /** The open session's id, if one is open. */
    get sessionId(): string | undefined {
      return session?.sessionId;
    },

    /**
     * Records a UI event. A name outside the UI vocabulary is sent as a `custom` event
     * with that `name`. Starts a session when none is open.
     */
    track(eventType: UiEventType | (string & {}), fields?: UiFields) {
      call(() => {
        if ((UI_EVENT_TYPES as readonly string[]).includes(eventType)) ui(eventType as UiEventType, fields);
        else ui('custom', { ...fields, name: eventType });
      });
    },

    /** Enters a screen: `screen_exit` for the one left (with its duration), `screen_enter`, and the funnel stage. */
    screen(screenId: string, fields?: UiFields) {
      call(() => {
        const at = now();
        const s = current(at, true);
        if (s.screen === screenId) return;
        if (s.screen !== undefined) ui('screen_exit', { durationMs: leaveScreen(s, at) });
        s.screen = screenId;
        s.screenAt = at;
        crumb('screen', screenId);
        ui('screen_enter', fields);
        if (s.funnel && funnel) progress(s, funnel.screen(s.funnel, screenId, at), at);
      });
    },

    select: (target: string, fields?: UiFields) => call(() => ui('select', { ...fields, target })),
    deselect: (target: string, fields?: UiFields) => call(() => ui('deselect', { ...fields, target })),
    back: (fields?: UiFields) => call(() => ui('back', fields)),

    /** The user cancelled: a `cancel` event, then the session ends as cancelled (CANCEL progress). */
    cancel(reason?: string, fields?: UiFields) {
      call(() => {
        ui('cancel', fields);
        end('cancelled', now(), reason);
      });
    },

    /** Sends a progress event (seed 000). `traceId` defaults to the session id. */
    trackProgress(event: ProgressInput) {
      call(() => {
        const at = now();
        const traceId = event.traceId ?? current(at, false).sessionId;
        const e = exp();
        add({ ...event, kind: 'progress', eventId: event.eventId ?? newId(), traceId, service: event.service ?? o.service, timestamp: event.timestamp ?? at, meta: e ? { experiments: e, ...event.meta } : event.meta });
      });
    },

    /** Records a purchase on the open session. */
    trackPurchase(purchase: Omit<Purchase, 'eventId' | 'sessionId' | 'deviceId' | 'timestamp' | 'experiments'>) {
      call(() => {
        const at = now();
        add({ storeId: o.storeId, ...purchase, ...stamp(at), kind: 'purchase', sessionId: current(at, false).sessionId });
      });
    },

    /** Starts a session now, ending (as completed) one that is open. */
    startSession() {
      call(() => {
        if (session) end('completed', now());
        start(now());
      });
    },

    /** Ends the open session. `reason` goes on the progress event a cancel, timeout or error sends. */
    endSession(status: EndStatus = 'completed', reason?: string) {
      call(() => end(status, now(), reason));
    },

    /** Starts a performance measurement; see {@link Timer}. */
    startTimer: (name: string): Timer => startTimer(name, clock.monotonic, metric),

    /** Records a measurement taken elsewhere, such as the browser's navigation timing. */
    recordMetric: metric,

    /** Times `fn` (sync or async) as metric `name`; failure when it throws or rejects. */
    measure<T>(name: string, fn: () => T): T {
      const timer = startTimer(name, clock.monotonic, metric);
      return watch(fn, (failed) => timer.end({ success: !failed }));
    },

    /** Reports an error at once, with the breadcrumbs and a device snapshot. */
    captureError: (error: unknown, opts?: ErrorOptions) => call(() => captureError(error, opts)),

    /** Adds a breadcrumb to the ring attached to the next error report. */
    addBreadcrumb: (type: BreadcrumbType, message: string, data?: Record<string, unknown>) => call(() => crumb(type, message, data)),

    /** Wraps `fn` so that what it throws (or its promise rejects with) is reported, then passed on. */
    wrap<A extends unknown[], R>(fn: (...args: A) => R, opts?: ErrorOptions): (...args: A) => R {
      return (...args: A) => watch(() => fn(...args), (failed, error) => failed && call(() => captureError(error, opts)));
    },

    /** Puts the device in `variant` of experiment `key`, on the session and every item. */
    setExperiment(key: string, variant: string) {
      experiments[key] = variant;
    },

    /** Deterministically assigns this device a variant, weighted, and sets it. */
    assignVariant(key: string, variants: readonly string[], weights?: readonly number[]): string {
      const v = pickVariant(deviceId, key, variants, weights);
      experiments[key] = v;
      return v;
    },

    /** Sends every item now, whatever the flush schedule. */
    async flush() {
      await ready;
      await buffer.flush();
    },

    /** For a page being hidden or closed: sends what is waiting by beacon. Items stay stored. */
    beacon: () => buffer.beacon(),

    stats: (): BufferStats => buffer.stats(),

    /** Flushes what is waiting and stops the timers; later calls are ignored. The session stays open for the next start. */
    async shutdown() {
      await ready;
      await buffer.flush();
      closed = true;
      stopIdle();
      buffer.stop();
    },
  };
}
