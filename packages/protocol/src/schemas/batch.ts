import { z } from 'zod';
import { ITEM_KINDS, LIMITS, type ItemKind } from '../vocabulary.js';
import { ClientReportSchema } from './client-report.js';
import { epochMs, label } from './common.js';
import { ErrorReportSchema } from './error-report.js';
import { PerformanceMetricSchema } from './performance-metric.js';
import { ProgressEventSchema } from './progress-event.js';
import { PurchaseSchema } from './purchase.js';
import { SessionSchema } from './session.js';
import { UiEventSchema } from './ui-event.js';

/** The record schema behind each batch item `kind`. */
export const RECORD_SCHEMAS = {
  progress: ProgressEventSchema,
  session: SessionSchema,
  ui_event: UiEventSchema,
  performance: PerformanceMetricSchema,
  error: ErrorReportSchema,
  purchase: PurchaseSchema,
  client_report: ClientReportSchema,
} as const satisfies Record<ItemKind, z.ZodType>;

/** Names the SDK that sent a batch. */
export const SdkInfoSchema = z.strictObject({ name: label(), version: label() });

/**
 * The SDK batch envelope. Items are checked one by one (see `validateBatchItem`) so
 * that the valid items of a batch are kept when others are rejected.
 */
export const BatchEnvelopeSchema = z.strictObject({
  sentAt: epochMs().optional(),
  sdk: SdkInfoSchema,
  items: z.array(z.unknown()).min(1).max(LIMITS.batchItems),
});

/** The `kind` check that runs before an item's record schema. */
export const BatchItemKindSchema = z.looseObject({ kind: z.enum(ITEM_KINDS) });

/** One field-level validation failure: where, which rule, and a readable message. */
export const FieldErrorSchema = z.object({ path: z.string(), rule: z.string(), message: z.string() });

/** What a batch route answers: counts, and every rejected item with its field errors. */
export const IngestResultSchema = z.object({
  accepted: z.number().int().nonnegative(),
  duplicates: z.number().int().nonnegative(),
  rejected: z.array(z.object({ index: z.number().int().nonnegative(), errors: z.array(FieldErrorSchema) })),
});

const itemList = () => z.array(z.unknown()).min(1).max(LIMITS.batchItems);

/** Body of `POST /api/events/batch`. */
export const UiEventBatchSchema = z.strictObject({ events: itemList() });
/** Body of `POST /api/performance/batch`. */
export const PerformanceBatchSchema = z.strictObject({ metrics: itemList() });
/** Body of `POST /api/progress` when it carries several events. */
export const ProgressListSchema = itemList();
