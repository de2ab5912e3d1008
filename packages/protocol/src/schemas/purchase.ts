import { z } from 'zod';
import { epochMs, experiments, id, label } from './common.js';

const amount = () => z.number().finite();

/** A sale tied to a session (seed 002 sales extension). Amounts are in `currency`'s major unit. */
export const PurchaseSchema = z.strictObject({
  eventId: id().optional(),
  sessionId: id(),
  deviceId: id(),
  storeId: id().optional(),
  amounts: z.strictObject({
    gross: amount(),
    discount: amount(),
    tax: amount(),
    net: amount(),
    margin: amount().optional(),
  }),
  currency: z.string().regex(/^[A-Z]{3}$/, { error: 'must be an ISO 4217 code such as KRW' }),
  paymentMethod: label(),
  experiments: experiments().optional(),
  timestamp: epochMs(),
});
