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

/** A container met while checking an open object: its parent and key make its path. */
interface Frame {
  node: object;
  parent: Frame | undefined;
  key: PropertyKey;
  depth: number;
}

const pathOf = (frame: Frame | undefined, key?: PropertyKey): PropertyKey[] => {
  const path = key === undefined ? [] : [key];
  for (let f = frame; f?.parent; f = f.parent) path.unshift(f.key);
  return path;
};

/** Why a leaf is not a JSON value, or undefined when it is one. */
const leafProblem = (value: unknown): string | undefined =>
  typeof value === 'number'
    ? Number.isFinite(value)
      ? undefined
      : 'must be a finite number'
    : typeof value === 'function' || typeof value === 'symbol' || typeof value === 'bigint'
      ? 'must be a JSON value'
      : undefined;

/**
 * Checks an open JSON object without recursion: bounded depth and key count, no
 * prototype-reserved keys, JSON values only. Stack-safe on hostile nesting. Leaves
 * are checked in place and paths are built only for an error, so a flat object costs
 * no allocation beyond its key list: this runs on every ingested item.
 */
function checkOpenObject(value: unknown, ctx: z.RefinementCtx): void {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    ctx.addIssue({ code: 'custom', message: 'must be an object', params: { rule: 'type' } });
    return;
  }
  let keys = 0;
  const stack: Frame[] = [{ node: value, parent: undefined, key: '', depth: 1 }];
  while (stack.length > 0) {
    const frame = stack.pop()!;
    if (frame.depth > LIMITS.openDepth) {
      ctx.addIssue({ code: 'custom', path: pathOf(frame), message: `nesting deeper than ${LIMITS.openDepth} levels`, params: { rule: 'depth' } });
      return;
    }
    const node = frame.node as Record<string, unknown>;
    const names: readonly PropertyKey[] = Array.isArray(node) ? Array.from(node.keys()) : Object.keys(node);
    keys += names.length;
    if (keys > LIMITS.openKeys) {
      ctx.addIssue({ code: 'custom', path: pathOf(frame), message: `more than ${LIMITS.openKeys} keys`, params: { rule: 'keys' } });
      return;
    }
    for (const key of names) {
      if (typeof key === 'string' && RESERVED_KEYS.has(key)) {
        ctx.addIssue({ code: 'custom', path: pathOf(frame, key), message: `key "${key}" is reserved`, params: { rule: 'reserved_key' } });
        return;
      }
      const child = node[key as string];
      if (typeof child === 'object' && child !== null) {
        stack.push({ node: child, parent: frame, key, depth: frame.depth + 1 });
        continue;
      }
      const problem = leafProblem(child);
      if (problem) {
        ctx.addIssue({ code: 'custom', path: pathOf(frame, key), message: problem, params: { rule: 'json' } });
        return;
      }
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
