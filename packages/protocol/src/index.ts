export * from './types.js';
export { EPOCH_MS_MAX, EPOCH_MS_MIN } from './schemas/common.js';
export { ProgressEventSchema, ProgressMetaSchema } from './schemas/progress-event.js';
export { SessionSchema, SessionPatchSchema, SessionFunnelSchema, BehaviorSummarySchema, StageTimingSchema } from './schemas/session.js';
export { UiEventSchema } from './schemas/ui-event.js';
export { PerformanceMetricSchema } from './schemas/performance-metric.js';
export { ErrorReportSchema, BreadcrumbSchema } from './schemas/error-report.js';
export { PurchaseSchema } from './schemas/purchase.js';
export { ClientReportSchema } from './schemas/client-report.js';
export {
  BatchEnvelopeSchema,
  BatchItemKindSchema,
  FieldErrorSchema,
  IngestResultSchema,
  PerformanceBatchSchema,
  ProgressListSchema,
  RECORD_SCHEMAS,
  SdkInfoSchema,
  UiEventBatchSchema,
} from './schemas/batch.js';
export * from './schemas/queries.js';
export { WaymarkValidationError, parseOrThrow, toFieldErrors, validate, validateBatchItem, type Validation } from './validation.js';
