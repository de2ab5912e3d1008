import { z } from 'zod';
import { HIT_RESULTS, UI_EVENT_TYPES } from '../vocabulary.js';
import { epochMs, experiments, id, label, nonNegative, openObject, position } from './common.js';

/**
 * A UI event on a kiosk or page (seed 002 Phase 2). `sequenceNo` is per session and
 * monotonic; the collector dedupes on (sessionId, sequenceNo) and on `eventId`.
 */
export const UiEventSchema = z
  .strictObject({
    eventId: id().optional(),
    sessionId: id(),
    sequenceNo: z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER),
    deviceId: id(),
    screenId: label().optional(),
    eventType: z.enum(UI_EVENT_TYPES),
    timestamp: epochMs(),
    /** Custom event name when eventType is `custom`. */
    name: label().optional(),
    /** Identifier of the element acted on. */
    target: label().optional(),
    /** Deepest scroll on the screen, in percent. */
    scrollDepth: z.number().finite().min(0).max(100).optional(),
    /** Tap position normalised to the viewport. */
    position: position().optional(),
    hitResult: z.enum(HIT_RESULTS).optional(),
    nearestTarget: label().nullable().optional(),
    distanceToTarget: nonNegative().nullable().optional(),
    startPosition: position().optional(),
    endPosition: position().optional(),
    durationMs: nonNegative().optional(),
    experiments: experiments().optional(),
    props: openObject().optional(),
  })
  .superRefine((e, ctx) => {
    if (e.eventType === 'scroll' && e.scrollDepth === undefined) {
      ctx.addIssue({ code: 'custom', path: ['scrollDepth'], message: 'is required for scroll events', params: { rule: 'required' } });
    }
  });
