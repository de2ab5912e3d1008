import { z } from 'zod';
import { BREADCRUMB_TYPES, ERROR_CATEGORIES, ERROR_SEVERITIES, LIMITS } from '../vocabulary.js';
import { epochMs, experiments, id, label, openObject } from './common.js';

/** One of the last actions before an error. */
export const BreadcrumbSchema = z.strictObject({
  timestamp: epochMs(),
  type: z.enum(BREADCRUMB_TYPES),
  message: z.string().max(1_024),
  data: openObject().optional(),
});

/** An error report (seed 002 Phase 3) with its breadcrumbs and a device snapshot. */
export const ErrorReportSchema = z.strictObject({
  eventId: id().optional(),
  sessionId: id().optional(),
  deviceId: id(),
  severity: z.enum(ERROR_SEVERITIES),
  category: z.enum(ERROR_CATEGORIES),
  /** Error class or code, such as TypeError or PRINTER_JAM. */
  errorType: label().optional(),
  message: z.string().min(1).max(LIMITS.textLength),
  stack: z.string().max(LIMITS.stackLength).optional(),
  screenId: label().optional(),
  breadcrumbs: z.array(BreadcrumbSchema).max(LIMITS.breadcrumbs).optional(),
  deviceSnapshot: openObject().optional(),
  experiments: experiments().optional(),
  resolved: z.boolean().optional(),
  timestamp: epochMs(),
});
