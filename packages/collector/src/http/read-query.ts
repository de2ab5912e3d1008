import { validate } from '@waymark/protocol';
import type { Context } from 'hono';
import type { z } from 'zod';
import { invalid } from './error-body.js';

/** Parameters that carry credentials, not filters. */
const AUTH_PARAMS = new Set(['key']);

/** Validates the query string with a protocol schema; unknown parameters are refused by name. */
export function readQuery<S extends z.ZodType>(c: Context, schema: S): { ok: true; value: z.output<S> } | { ok: false; response: Response } {
  const raw = Object.fromEntries(Object.entries(c.req.query()).filter(([k]) => !AUTH_PARAMS.has(k)));
  const result = validate(schema, raw);
  return result.ok ? result : { ok: false, response: invalid(c, result.errors) };
}
