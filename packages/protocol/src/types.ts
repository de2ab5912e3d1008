/**
 * Types of the wire contract, importable without zod: this entry holds types and
 * plain constants only, so browser bundles carry no validator.
 */
import type { z } from 'zod';
import type { BatchEnvelopeSchema, FieldErrorSchema, IngestResultSchema, SdkInfoSchema } from './schemas/batch.js';
import type { ClientReportSchema } from './schemas/client-report.js';
import type { BreadcrumbSchema, ErrorReportSchema } from './schemas/error-report.js';
import type { PerformanceMetricSchema } from './schemas/performance-metric.js';
import type { ProgressEventSchema, ProgressMetaSchema } from './schemas/progress-event.js';
import type { PurchaseSchema } from './schemas/purchase.js';
import type { BehaviorSummarySchema, SessionFunnelSchema, SessionPatchSchema, SessionSchema, StageTimingSchema } from './schemas/session.js';
import type { UiEventSchema } from './schemas/ui-event.js';

export * from './vocabulary.js';

export type ProgressMeta = z.output<typeof ProgressMetaSchema>;
export type ProgressEvent = z.output<typeof ProgressEventSchema>;
export type StageTiming = z.output<typeof StageTimingSchema>;
export type SessionFunnel = z.output<typeof SessionFunnelSchema>;
export type BehaviorSummary = z.output<typeof BehaviorSummarySchema>;
export type Session = z.output<typeof SessionSchema>;
export type SessionPatch = z.output<typeof SessionPatchSchema>;
export type UiEvent = z.output<typeof UiEventSchema>;
export type PerformanceMetric = z.output<typeof PerformanceMetricSchema>;
export type Breadcrumb = z.output<typeof BreadcrumbSchema>;
export type ErrorReport = z.output<typeof ErrorReportSchema>;
export type Purchase = z.output<typeof PurchaseSchema>;
export type ClientReport = z.output<typeof ClientReportSchema>;
export type SdkInfo = z.output<typeof SdkInfoSchema>;
export type FieldError = z.output<typeof FieldErrorSchema>;
export type IngestResult = z.output<typeof IngestResultSchema>;

/** One item of the batch envelope: a record tagged with its `kind`. */
export type BatchItem =
  | ({ kind: 'progress' } & ProgressEvent)
  | ({ kind: 'session' } & Session)
  | ({ kind: 'ui_event' } & UiEvent)
  | ({ kind: 'performance' } & PerformanceMetric)
  | ({ kind: 'error' } & ErrorReport)
  | ({ kind: 'purchase' } & Purchase)
  | ({ kind: 'client_report' } & ClientReport);

/** The SDK batch envelope `{ sentAt, sdk, items }`. */
export type BatchEnvelope = Omit<z.output<typeof BatchEnvelopeSchema>, 'items'> & { items: BatchItem[] };

/** The error body every collector route answers a bad request with. */
export interface ErrorBody {
  error: { code: string; message: string; errors?: FieldError[] };
}
