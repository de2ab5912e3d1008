import { z } from 'zod';
import { LIMITS } from '../vocabulary.js';

/** Earliest and latest accepted epoch-ms timestamps: rules out seconds and nonsense years. */
export const EPOCH_MS_MIN = Date.UTC(2000, 0, 1);
export const EPOCH_MS_MAX = Date.UTC(2100, 0, 1);

/** An identifier: 1–128 printable characters. */
export const id = () =>
  z
    .string()
    .min(1)
    .max(LIMITS.idLength)
    .regex(/^[\x21-\x7e]*$/, { error: 'must be printable ASCII without spaces' });

/** A short label such as a service, step or reason code. */
export const label = () => z.string().min(1).max(LIMITS.labelLength);

/** Epoch milliseconds (a number between 2000-01-01 and 2100-01-01). */
export const epochMs = () =>
  z
    .number()
    .int()
    .min(EPOCH_MS_MIN, { error: 'must be epoch milliseconds (on or after 2000-01-01)' })
    .max(EPOCH_MS_MAX, { error: 'must be epoch milliseconds (before 2100-01-01)' });

export const nonNegative = () => z.number().finite().nonnegative();

/** A point normalised to the viewport: 0..1 on each axis (may lie outside it for `outside` hits). */
export const position = () => z.strictObject({ x: z.number().finite(), y: z.number().finite() });

/** Experiments: key → variant. */
export const experiments = () => z.record(label(), label());

const RESERVED_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

/**
 * Checks an open JSON object without recursion: bounded depth and key count, no
 * prototype-reserved keys, JSON values only. Stack-safe on hostile nesting.
 */
function checkOpenObject(value: unknown, ctx: z.RefinementCtx): void {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    ctx.addIssue({ code: 'custom', message: 'must be an object', params: { rule: 'type' } });
    return;
  }
  let keys = 0;
  const stack: Array<{ node: unknown; path: PropertyKey[]; depth: number }> = [{ node: value, path: [], depth: 1 }];
  while (stack.length > 0) {
    const { node, path, depth } = stack.pop()!;
    if (typeof node !== 'object' || node === null) {
      if (typeof node === 'number' && !Number.isFinite(node)) {
        ctx.addIssue({ code: 'custom', path, message: 'must be a finite number', params: { rule: 'json' } });
        return;
      }
      if (typeof node === 'function' || typeof node === 'symbol' || typeof node === 'bigint') {
        ctx.addIssue({ code: 'custom', path, message: 'must be a JSON value', params: { rule: 'json' } });
        return;
      }
      continue;
    }
    if (depth > LIMITS.openDepth) {
      ctx.addIssue({ code: 'custom', path, message: `nesting deeper than ${LIMITS.openDepth} levels`, params: { rule: 'depth' } });
      return;
    }
    const entries = Array.isArray(node) ? node.map((v, i) => [i, v] as const) : Object.entries(node);
    keys += entries.length;
    if (keys > LIMITS.openKeys) {
      ctx.addIssue({ code: 'custom', path, message: `more than ${LIMITS.openKeys} keys`, params: { rule: 'keys' } });
      return;
    }
    for (const [key, child] of entries) {
      if (typeof key === 'string' && RESERVED_KEYS.has(key)) {
        ctx.addIssue({ code: 'custom', path: [...path, key], message: `key "${key}" is reserved`, params: { rule: 'reserved_key' } });
        return;
      }
      stack.push({ node: child, path: [...path, key], depth: depth + 1 });
    }
  }
}

/** An open object of JSON values (meta, props, context, snapshot), bounded in depth and size. */
export const openObject = () =>
  z
    .unknown()
    .superRefine(checkOpenObject)
    .transform((v) => v as Record<string, unknown>);

/** An open object whose listed keys have a known shape; other keys are allowed and kept. */
export const openObjectWith = <S extends z.ZodRawShape>(shape: S) =>
  z.unknown().superRefine(checkOpenObject).pipe(z.looseObject(shape));
