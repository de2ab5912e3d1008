import { z } from 'zod';
import { METRIC_TYPES } from '../vocabulary.js';
import { epochMs, experiments, id, label, nonNegative, openObject } from './common.js';

/** A timed operation (seed 002 Phase 3): app start, capture, render, print, payment or custom. */
export const PerformanceMetricSchema = z.strictObject({
  eventId: id().optional(),
  sessionId: id().optional(),
  deviceId: id(),
  metricType: z.enum(METRIC_TYPES),
  name: label().optional(),
  durationMs: nonNegative(),
  success: z.boolean(),
  /** Milliseconds per named sub-step, in the order they were marked. */
  breakdown: z.record(label(), nonNegative()).optional(),
  /** Device context at measurement time (memory, CPU count…). */
  context: openObject().optional(),
  experiments: experiments().optional(),
  timestamp: epochMs(),
});
