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
 * event timestamps, an optional breakdown by a `meta` key such as `meta.channel`, and
 * where an event's step is read: its `step` (default) or its `meta.subType`, which
 * carries the stage of a photo kiosk (attract, frame_select… done).
 */
export const FunnelQuerySchema = z.strictObject({
  service: label(),
  steps: stepList(),
  window: z.coerce.number().int().min(1).max(366 * 86_400_000).default(86_400_000),
  stepField: z.enum(['step', 'meta.subType']).default('step'),
  breakdown: z
    .string()
    .regex(/^meta\.[A-Za-z0-9_]{1,64}$/, { error: 'must be meta.<key>, such as meta.channel' })
    .optional(),
  ...range,
});

/** `GET /api/services`: the services seen in progress events with timestamps in [`from`, `to`). */
export const ServiceQuerySchema = z.strictObject({ ...range });

/** Whether the runtime's Intl knows an IANA time zone name. */
function knownTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

/** An IANA time zone such as Asia/Seoul, given back in its canonical spelling. */
const timeZone = () =>
  z
    .string()
    .min(1)
    .max(64)
    .refine(knownTimeZone, { error: 'must be an IANA time zone such as Asia/Seoul', params: { rule: 'time_zone' } })
    .transform((tz) => new Intl.DateTimeFormat('en-US', { timeZone: tz }).resolvedOptions().timeZone);

const DATE_PATTERN = /^\d{4}-\d{2}-\d{2}$/;

/** A calendar day, `YYYY-MM-DD`, that exists (no 2026-02-30). */
export const calendarDate = () =>
  z
    .string()
    .regex(DATE_PATTERN, { error: 'must be a date as YYYY-MM-DD' })
    .refine(
      (v) => {
        if (!DATE_PATTERN.test(v)) return true; // the pattern has said so already
        const [y, m, d] = v.split('-').map(Number) as [number, number, number];
        const t = new Date(Date.UTC(y, m - 1, d));
        return t.getUTCFullYear() === y && t.getUTCMonth() === m - 1 && t.getUTCDate() === d && y >= 2000 && y < 2100;
      },
      { error: 'must be a calendar day between 2000-01-01 and 2099-12-31', params: { rule: 'date' } },
    );

/**
 * `GET /api/bottlenecks`: one service's progress events with timestamps in
 * [`from`, `to`], and the time zone of the hour-of-day heatmap (default: the
 * collector's time zone).
 */
export const BottleneckQuerySchema = z.strictObject({
  service: label(),
  tz: timeZone().optional(),
  ...range,
});

/** `GET /api/daily-summary`: days `from` to `to` inclusive, newest first, filtered by device or place. */
export const DailySummaryQuerySchema = PageQuerySchema.extend({
  from: calendarDate().optional(),
  to: calendarDate().optional(),
  deviceId: id().optional(),
  storeId: id().optional(),
  groupId: id().optional(),
  countryCode: z.string().regex(/^[A-Z]{2}$/).optional(),
}).refine((q) => q.from === undefined || q.to === undefined || q.from <= q.to, {
  error: 'must not be after to',
  path: ['from'],
  params: { rule: 'order' },
});

/** The path of `GET /api/daily-summary/:date/:deviceId`. */
export const DailySummaryKeySchema = z.strictObject({ date: calendarDate(), deviceId: id() });

/** The body of `POST /api/daily-summary/aggregate`: the day to (re)compute. */
export const DailySummaryAggregateSchema = z.strictObject({ date: calendarDate() });

/**
 * `GET /api/traces`: journeys by their current state — the service, step and status of
 * their latest event, whether that event ends the journey, and the range of its timestamp.
 */
export const TraceQuerySchema = PageQuerySchema.extend({
  service: label().optional(),
  step: label().optional(),
  status: z.enum(STATUSES).optional(),
  terminal: qBool().optional(),
  ...range,
});

/** An SSE event id of the progress stream: the stored event's sequence number, as decimal text. */
export const StreamEventIdSchema = z
  .string()
  .regex(/^(0|[1-9][0-9]{0,14})$/, { error: 'must be an event id this stream sent (a decimal integer)' })
  .transform(Number);

/** `GET /api/stream`: live progress events, optionally of one service, resumed after `lastEventId`. */
export const StreamQuerySchema = z.strictObject({
  service: label().optional(),
  lastEventId: StreamEventIdSchema.optional(),
});

/** `GET /api/slo` takes no parameters. */
export const SloQuerySchema = z.strictObject({});
