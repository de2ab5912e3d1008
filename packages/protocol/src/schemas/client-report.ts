import { z } from 'zod';
import { DROP_CAUSES } from '../vocabulary.js';
import { epochMs, id } from './common.js';

/** What a client dropped without delivering, by cause, so loss is counted at the collector. */
export const ClientReportSchema = z.strictObject({
  eventId: id().optional(),
  deviceId: id().optional(),
  dropped: z.partialRecord(z.enum(DROP_CAUSES), z.number().int().nonnegative()),
  timestamp: epochMs(),
});
