import type { ErrorCategory, ErrorSeverity, MetricType, SessionFunnel, SessionStatus, Status } from '@waymark/protocol/types';

/** One progress event as the bottleneck analysis reads it, in (timestamp, arrival) order. */
export interface BottleneckEventRow {
  traceId: string;
  step: string;
  status: Status;
  reason: string | null;
  timestamp: number;
  /** `meta.lastStep` when it is a string: the step a DROPPED event says the journey stalled at. */
  lastStep: string | null;
}

/** A session as the daily summary reads it. */
export interface DailySessionRow {
  deviceId: string;
  status: SessionStatus;
  funnel?: SessionFunnel;
  behavior?: { totalTaps: number; totalScrolls: number; selectionChanges: number };
}

/** The records a daily summary is made of, dated in [from, to). */
export interface DailyRecords {
  /** Sessions whose `startedAt` is in the range. */
  sessions: DailySessionRow[];
  /** Purchases whose `timestamp` is in the range. */
  purchases: Array<{ deviceId: string; paymentMethod: string; currency: string; net: number }>;
  /** Performance metrics whose `timestamp` is in the range. */
  performance: Array<{ deviceId: string; metricType: MetricType; durationMs: number; success: boolean }>;
  /** Error reports whose `timestamp` is in the range. */
  errors: Array<{ deviceId: string; severity: ErrorSeverity; category: ErrorCategory }>;
}

/** Where a device stands, as its sessions say. */
export interface DevicePlace {
  storeId: string | null;
  groupId: string | null;
  countryCode: string | null;
}

/** Duration percentiles of one metric type over a day (nearest-rank, ms). */
export interface MetricSummary {
  count: number;
  failed: number;
  p50Ms: number;
  p95Ms: number;
  p99Ms: number;
}

/** Seed 002 Phase 4: what one device did on one calendar day. */
export interface DailySummary {
  /** `YYYY-MM-DD` in `timeZone`. */
  date: string;
  deviceId: string;
  timeZone: string;
  storeId: string | null;
  groupId: string | null;
  countryCode: string | null;
  sessions: { total: number; byStatus: Record<SessionStatus, number> };
  funnel: {
    /** Sessions that entered each stage (from the session's `funnel.stages`), most first. */
    stages: Array<{ stage: string; sessions: number }>;
    /** `reached[k]`: sessions whose `funnel.reached` is at least k + 1. */
    reached: number[];
    /** Sessions per `funnel.exitStage`, most first. */
    exitStages: Array<{ stage: string; sessions: number }>;
  };
  /** completed sessions / sessions; null without sessions. */
  conversionRate: number | null;
  /** Sums of the sessions' behaviour summaries, over the `sessions` that carry one. */
  behavior: { sessions: number; totalTaps: number; totalScrolls: number; selectionChanges: number };
  revenue: {
    purchases: number;
    /** Net amounts per currency. */
    byCurrency: Array<{ currency: string; purchases: number; net: number }>;
    /** Net amounts per payment method and currency. */
    byPaymentMethod: Array<{ paymentMethod: string; currency: string; purchases: number; net: number }>;
  };
  /** Per metric type measured that day. */
  performance: Partial<Record<MetricType, MetricSummary>>;
  errors: { total: number; bySeverity: Record<ErrorSeverity, number>; byCategory: Record<ErrorCategory, number> };
  /** When these figures were computed (epoch ms). */
  aggregatedAt: number;
}

/** Filters of the daily summary list; dates inclusive. */
export interface DailySummaryListQuery {
  limit: number;
  cursor?: string;
  from?: string;
  to?: string;
  deviceId?: string;
  storeId?: string;
  groupId?: string;
  countryCode?: string;
}

/** Sequence-number coverage of UI events, summed over sessions. */
export interface SequenceCoverage {
  /** Sessions counted. */
  sessions: number;
  /** Σ max(sequenceNo) over the sessions. */
  expected: number;
  /** Σ distinct sequenceNo ≥ 1 stored, over the sessions. */
  received: number;
}
