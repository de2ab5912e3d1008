import type {
  ErrorQuerySchema,
  PageQuerySchema,
  PerformanceQuerySchema,
  ProgressQuerySchema,
  RejectedQuerySchema,
  SessionQuerySchema,
  UiEventQuerySchema,
} from '@waymark/protocol';
import type {
  ClientReport,
  DropCause,
  ErrorReport,
  FieldError,
  ItemKind,
  PerformanceMetric,
  ProgressEvent,
  Purchase,
  Session,
  SessionPatch,
  UiEvent,
} from '@waymark/protocol/types';
import type { z } from 'zod';
import type {
  DailyRecords,
  DailySummary,
  DailySummaryListQuery,
  DevicePlace,
  SequenceCoverage,
} from './analytics.js';
import type { TraceQuerySchema } from '@waymark/protocol';
import type { JourneyState } from '../domain/journey-state.js';
import type { BottleneckReport } from '../domain/bottlenecks.js';
import type { FunnelAnswer, FunnelQuery } from '../domain/funnel-query.js';

/** One service seen in progress events: how many, the latest timestamp, and per step and per `meta.subType`. */
export interface ServiceSummary {
  service: string;
  events: number;
  lastTimestamp: number;
  steps: Array<{ step: string; events: number }>;
  subTypes: Array<{ subType: string; events: number }>;
}

/** Arrival facts the collector adds to every stored record. */
export interface Receipt {
  /** Collector clock when the request arrived (epoch ms). */
  receivedAt: number;
  /** receivedAt − (sentAt − timestamp) when the envelope carried `sentAt`: the device time corrected for clock skew. */
  derivedTimestamp?: number;
}

type Stored<T> = T & { eventId: string } & Receipt;
export type StoredProgressEvent = Stored<ProgressEvent>;
export type StoredUiEvent = Stored<UiEvent>;
export type StoredPerformanceMetric = Stored<PerformanceMetric>;
export type StoredErrorReport = Stored<ErrorReport> & { id: string; resolved: boolean; resolvedAt?: number };
export type StoredPurchase = Stored<Purchase>;
export type StoredSession = Session & { createdAt: number; updatedAt: number } & Receipt;

/** A validated item ready to store; `eventId` is always set (given or derived). */
export type PreparedItem = Receipt &
  (
    | { kind: 'progress'; record: ProgressEvent & { eventId: string } }
    | { kind: 'session'; record: Session & { eventId: string } }
    | { kind: 'ui_event'; record: UiEvent & { eventId: string } }
    | { kind: 'performance'; record: PerformanceMetric & { eventId: string } }
    | { kind: 'error'; record: ErrorReport & { eventId: string } }
    | { kind: 'purchase'; record: Purchase & { eventId: string } }
    | { kind: 'client_report'; record: ClientReport & { eventId: string } }
  );

/** Whether an item was stored now or had been stored before. */
export type IngestOutcome = 'accepted' | 'duplicate';

/** Something a client sent that broke the contract, kept with its reasons. */
export interface RejectedItem {
  receivedAt: number;
  route: string;
  kind: ItemKind | null;
  index: number | null;
  errors: FieldError[];
  /** The item as sent, as JSON text, truncated to a bounded size. */
  body: string;
}
export type StoredRejectedItem = RejectedItem & { id: string };

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

export type PageQuery = z.output<typeof PageQuerySchema>;
export type SessionQuery = z.output<typeof SessionQuerySchema>;
export type UiEventQuery = z.output<typeof UiEventQuerySchema>;
export type PerformanceQuery = z.output<typeof PerformanceQuerySchema>;
export type ErrorQuery = z.output<typeof ErrorQuerySchema>;
export type ProgressQuery = z.output<typeof ProgressQuerySchema>;
export type RejectedQuery = z.output<typeof RejectedQuerySchema>;
export type TraceQuery = z.output<typeof TraceQuerySchema>;

/** A journey's state, kept per traceId in the same commit as the progress events it comes from. */
export type TraceState = { traceId: string } & Omit<JourneyState, 'lastSeq'>;

/** Open journeys whose latest event arrived long enough ago, for the sweeper; each rule of a timeout setting is one query. */
export interface StaleTraceQuery {
  /** Only journeys whose latest event (by arrival, collector clock) arrived at or before this. */
  lastReceivedAtMost: number;
  service?: string;
  /** The journey's current step. */
  step?: string;
  exceptServices?: readonly string[];
  exceptSteps?: readonly string[];
  limit: number;
}

/** A stored progress event with its sequence number, which orders the live stream. */
export interface SequencedProgressEvent {
  seq: number;
  event: StoredProgressEvent;
}

/** An active session with no activity since `lastActivityAt`, for the sweeper. */
export interface IdleSession {
  session: StoredSession;
  /** Collector clock: the latest of the session's last update and its UI events' arrival. */
  lastActivityAt: number;
  /** Device clock: the latest timestamp of the session's UI events; null when it has none. */
  lastEventTimestamp: number | null;
}

export type PatchResult =
  | { status: 'updated'; session: StoredSession }
  | { status: 'not_found' }
  | { status: 'conflict'; path: string; rule: string; message: string };

export type StoredByKind = {
  progress: StoredProgressEvent;
  ui_event: StoredUiEvent;
  performance: StoredPerformanceMetric;
  error: StoredErrorReport;
  purchase: StoredPurchase;
};

/**
 * Where the collector keeps records. Writes resolve only after they are committed;
 * every write is idempotent on the item's `eventId` (and, for UI events, on
 * sessionId + sequenceNo), so a retried delivery is stored once.
 */
export interface Store {
  /** Stores validated items in one commit; answers per item whether it was new. */
  ingest(items: PreparedItem[]): Promise<IngestOutcome[]>;
  /** Keeps rejected input with its reasons. */
  quarantine(items: RejectedItem[]): Promise<void>;
  /** Creates a session; `created` is false when the sessionId was already stored (nothing changes then). */
  createSession(session: Session, receipt: Receipt): Promise<{ created: boolean; session: StoredSession }>;
  /** Updates named fields of a session; a terminal status cannot move to another status. */
  patchSession(sessionId: string, patch: SessionPatch, now: number): Promise<PatchResult>;
  getSession(sessionId: string): Promise<StoredSession | undefined>;
  listSessions(query: SessionQuery): Promise<Page<StoredSession>>;
  getRecord<K extends keyof StoredByKind>(kind: K, eventId: string): Promise<StoredByKind[K] | undefined>;
  listUiEvents(query: UiEventQuery): Promise<Page<StoredUiEvent>>;
  /** A session's UI events in sequenceNo order. */
  listSessionEvents(sessionId: string, page: PageQuery): Promise<Page<StoredUiEvent>>;
  listPerformance(query: PerformanceQuery): Promise<Page<StoredPerformanceMetric>>;
  listErrors(query: ErrorQuery): Promise<Page<StoredErrorReport>>;
  /** Marks an error resolved; undefined when the id is unknown. */
  resolveError(id: string, now: number): Promise<StoredErrorReport | undefined>;
  listProgress(query: ProgressQuery): Promise<Page<StoredProgressEvent>>;
  /**
   * Progress events stored after `afterSeq`, in storage order with their sequence
   * numbers, optionally of one service: what the live stream sends. Sequence numbers
   * only grow, and a commit makes its events visible together, so reading on from the
   * last one seen misses nothing and repeats nothing.
   */
  progressAfter(afterSeq: number, options: { service?: string; limit: number }): Promise<SequencedProgressEvent[]>;
  /** The sequence number of the newest stored progress event; 0 when there is none. */
  progressHead(): Promise<number>;
  /** One journey's state; undefined when no stored progress event carries this traceId. */
  getTrace(traceId: string): Promise<TraceState | undefined>;
  /** One journey's progress events in journey order: by timestamp, then by arrival. */
  traceEvents(traceId: string): Promise<StoredProgressEvent[]>;
  /** Journeys by their current state, the most recently started first. */
  listTraces(query: TraceQuery): Promise<Page<TraceState>>;
  /** Open (non-terminal) journeys matching the query, the longest idle first. */
  staleTraces(query: StaleTraceQuery): Promise<TraceState[]>;
  /** Active sessions whose last update and last UI event arrived at or before `lastActivityAtMost`, the longest idle first. */
  idleSessions(query: { lastActivityAtMost: number; limit: number }): Promise<IdleSession[]>;
  listRejected(query: RejectedQuery): Promise<Page<StoredRejectedItem>>;
  /**
   * Deletes records received before `cutoff`, oldest arrival first; answers how many
   * went. A record that arrived after a newer one (a clock stepped back) may outlive
   * the cutoff until that newer one expires too; nothing goes early.
   */
  purgeBefore(cutoff: number): Promise<number>;
  /** A funnel over the progress events (see domain/funnel.ts for its semantics). */
  funnel(query: FunnelQuery): Promise<FunnelAnswer>;
  /** The services of progress events with timestamps in [`from`, `to`), most events first. */
  services(range: { from?: number; to?: number }): Promise<ServiceSummary[]>;
  /** Items clients reported dropped before delivery (client_report items), summed by cause. */
  clientDrops(): Record<DropCause, number>;
  /** Where one service's journeys slow down and end badly, over events with timestamps in [`from`, `to`] (see domain/bottlenecks.ts). */
  bottlenecks(query: { service: string; from?: number; to?: number; timeZone: string }): Promise<BottleneckReport>;
  /** The records a daily summary is made of: sessions started, and purchases, metrics and errors timestamped, in [`from`, `to`). */
  dailyRecords(range: { from: number; to: number }): Promise<DailyRecords>;
  /** store / group / country of each device's latest session started before `before`; devices without one are left out. */
  devicePlaces(deviceIds: readonly string[], before: number): Promise<Map<string, DevicePlace>>;
  /** Stores a date's summaries in place of all that date's previous ones, in one commit. */
  replaceDailySummaries(date: string, summaries: readonly DailySummary[]): Promise<void>;
  getDailySummary(date: string, deviceId: string): Promise<DailySummary | undefined>;
  /** Summaries newest date first, then by device id (descending). */
  listDailySummaries(query: DailySummaryListQuery): Promise<Page<DailySummary>>;
  /** Sequence coverage of the sessions with a UI event received at or after `since`, over all their stored UI events. */
  uiSequenceCoverage(since: number): Promise<SequenceCoverage>;
  /** Per progress or UI event received at or after `since`: receivedAt − (derived timestamp, else timestamp), ms. */
  ingestionLags(since: number): Promise<number[]>;
  /** Bytes on disk (database and its write-ahead log). */
  sizeBytes(): number;
  /** Finishes in-flight writes and closes cleanly. */
  close(): Promise<void>;
}

/** The store could not take the write (disk, engine): not the client's fault, so 503 and retry. */
export class StoreUnavailableError extends Error {
  override readonly name = 'StoreUnavailableError';
}

/** A page cursor that the store did not issue. */
export class InvalidCursorError extends Error {
  override readonly name = 'InvalidCursorError';
}
