import { z } from 'zod';
import { SESSION_STATUSES } from '../vocabulary.js';
import { epochMs, experiments, id, label, nonNegative, openObject } from './common.js';

/** Time spent in one funnel stage. */
export const StageTimingSchema = z.strictObject({
  stage: label(),
  enteredAt: epochMs(),
  exitedAt: epochMs().nullable().optional(),
});

/** Funnel progress of a session (seed 002 FunnelTracker): stages reached and where it ended. */
export const SessionFunnelSchema = z.strictObject({
  currentStage: label().nullable().optional(),
  reached: z.number().int().nonnegative().optional(),
  total: z.number().int().nonnegative().optional(),
  exitStage: label().nullable().optional(),
  stages: z.array(StageTimingSchema).max(64).optional(),
});

/** Behaviour summary of a session (seed 002 Phase 2). */
export const BehaviorSummarySchema = z.strictObject({
  totalTaps: z.number().int().nonnegative(),
  totalScrolls: z.number().int().nonnegative(),
  selectionChanges: z.number().int().nonnegative(),
  screenDurations: z.record(label(), nonNegative()),
});

const sessionFields = {
  deviceId: id(),
  storeId: id().optional(),
  groupId: id().optional(),
  countryCode: z
    .string()
    .regex(/^[A-Z]{2}$/, { error: 'must be an ISO 3166-1 alpha-2 code such as KR' })
    .optional(),
  startedAt: epochMs(),
  endedAt: epochMs().nullable().optional(),
  status: z.enum(SESSION_STATUSES),
  funnel: SessionFunnelSchema.optional(),
  behavior: BehaviorSummarySchema.optional(),
  experiments: experiments().optional(),
  meta: openObject().optional(),
};

/** A kiosk or app session (seed 002 Phase 1). Sent at start and again, updated, at its end. */
export const SessionSchema = z.strictObject({
  sessionId: id(),
  eventId: id().optional(),
  ...sessionFields,
});

/** The body of `PATCH /api/sessions/:sessionId`: any session field but the id. */
export const SessionPatchSchema = z
  .strictObject(sessionFields)
  .partial()
  .refine((p) => Object.keys(p).length > 0, { error: 'must change at least one field', params: { rule: 'non_empty' } });
