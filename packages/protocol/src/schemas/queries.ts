import { z } from 'zod';
import { ERROR_CATEGORIES, ERROR_SEVERITIES, ITEM_KINDS, METRIC_TYPES, SESSION_STATUSES, STATUSES, UI_EVENT_TYPES } from '../vocabulary.js';
import { epochMs, id, label } from './common.js';

/** Query strings carry text: numbers and booleans are coerced. */
const qEpoch = () => z.coerce.number().pipe(epochMs());
const qBool = () => z.enum(['true', 'false']).transform((v) => v === 'true');

/** Cursor pagination shared by every list: `limit` 1–1000 (default 100) and an opaque `cursor`. */
export const PageQuerySchema = z.strictObject({
  limit: z.coerce.number().int().min(1).max(1_000).default(100),
  cursor: z.string().max(200).optional(),
});

const range = { from: qEpoch().optional(), to: qEpoch().optional() };

export const SessionQuerySchema = PageQuerySchema.extend({
  deviceId: id().optional(),
  storeId: id().optional(),
  groupId: id().optional(),
  countryCode: z.string().regex(/^[A-Z]{2}$/).optional(),
  status: z.enum(SESSION_STATUSES).optional(),
  exitStage: label().optional(),
  ...range,
});

export const UiEventQuerySchema = PageQuerySchema.extend({
  sessionId: id().optional(),
  deviceId: id().optional(),
  eventType: z.enum(UI_EVENT_TYPES).optional(),
  screenId: label().optional(),
  ...range,
});

export const PerformanceQuerySchema = PageQuerySchema.extend({
  sessionId: id().optional(),
  deviceId: id().optional(),
  metricType: z.enum(METRIC_TYPES).optional(),
  success: qBool().optional(),
  ...range,
});

export const ErrorQuerySchema = PageQuerySchema.extend({
  sessionId: id().optional(),
  deviceId: id().optional(),
  severity: z.enum(ERROR_SEVERITIES).optional(),
  category: z.enum(ERROR_CATEGORIES).optional(),
  resolved: qBool().optional(),
  ...range,
});

export const ProgressQuerySchema = PageQuerySchema.extend({
  traceId: id().optional(),
  service: label().optional(),
  step: label().optional(),
  status: z.enum(STATUSES).optional(),
  ...range,
});

export const RejectedQuerySchema = PageQuerySchema.extend({
  kind: z.enum(ITEM_KINDS).optional(),
  ...range,
});

/** Funnel steps: a comma-separated list of 1 to 16 step names. */
const stepList = () =>
  z
    .string()
    .transform((v) => v.split(','))
    .pipe(z.array(label()).min(1).max(16));

/**
 * `GET /api/funnel`: steps in order, the window in ms (default one day), the range of
 * event timestamps, and an optional breakdown by a `meta` key such as `meta.channel`.
 */
export const FunnelQuerySchema = z.strictObject({
  service: label(),
  steps: stepList(),
  window: z.coerce.number().int().min(1).max(366 * 86_400_000).default(86_400_000),
  breakdown: z
    .string()
    .regex(/^meta\.[A-Za-z0-9_]{1,64}$/, { error: 'must be meta.<key>, such as meta.channel' })
    .optional(),
  ...range,
});
