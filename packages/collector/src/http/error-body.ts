import type { Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { ErrorBody, FieldError } from '@waymark/protocol/types';

/** Answers a JSON error naming the field and rule that failed. */
export function fail(c: Context, status: ContentfulStatusCode, code: string, message: string, errors?: FieldError[], headers?: Record<string, string>) {
  const body: ErrorBody = { error: { code, message, ...(errors ? { errors } : {}) } };
  return c.json(body, status, headers);
}

/** A 400 for field errors, its message naming the first failure. */
export function invalid(c: Context, errors: FieldError[], extra?: Record<string, unknown>) {
  const first = errors[0];
  const message = first ? `${first.path || 'body'}: ${first.message} (rule: ${first.rule})` : 'invalid input';
  return c.json({ error: { code: 'validation_failed', message, errors }, ...extra }, 400);
}
