import { z } from 'zod';
import { CHANNELS, STATUSES } from '../vocabulary.js';
import { epochMs, id, label, openObjectWith } from './common.js';

/** Analysis context of a progress event: known keys typed, other keys allowed (seed 000 §2). */
export const ProgressMetaSchema = openObjectWith({
  channel: z.enum(CHANNELS).optional(),
  clientVersion: label().optional(),
  screenId: label().optional(),
  device: label().optional(),
  subType: label().nullable().optional(),
});

/**
 * The standard progress event (seed 000 §2): one step of one journey (`traceId`) in
 * one service. `eventId` is the idempotency key; without it the collector derives one
 * from the content, so a retried identical event is stored once.
 */
export const ProgressEventSchema = z.strictObject({
  traceId: id(),
  service: label(),
  step: label(),
  status: z.enum(STATUSES),
  reason: label().nullable().optional(),
  meta: ProgressMetaSchema.optional(),
  timestamp: epochMs(),
  eventId: id().optional(),
  schemaVersion: z.number().int().min(1).max(1_000).optional(),
});
