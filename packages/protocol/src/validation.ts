import type { z } from 'zod';
import { BatchItemKindSchema, RECORD_SCHEMAS } from './schemas/batch.js';
import type { BatchItem, FieldError } from './types.js';

/**
 * A value broke the wire contract. `path` and `rule` name the first failure;
 * `errors` holds them all.
 */
export class WaymarkValidationError extends Error {
  override readonly name = 'WaymarkValidationError';
  readonly path: string;
  readonly rule: string;
  constructor(readonly errors: FieldError[]) {
    const first = errors[0] ?? { path: '', rule: 'invalid', message: 'is invalid' };
    super(`${first.path || 'value'}: ${first.message} (${first.rule})`);
    this.path = first.path;
    this.rule = first.rule;
  }
}

export type Validation<T> = { ok: true; value: T } | { ok: false; errors: FieldError[] };

const joinPath = (path: readonly PropertyKey[]) => path.map(String).join('.');

function valueAt(input: unknown, path: readonly PropertyKey[]): unknown {
  let node = input;
  for (const key of path) {
    if (typeof node !== 'object' || node === null || !Object.hasOwn(node, key)) return undefined;
    node = (node as Record<PropertyKey, unknown>)[key];
  }
  return node;
}

const RULES: Record<string, string> = {
  too_small: 'min',
  too_big: 'max',
  invalid_value: 'enum',
  invalid_union: 'union',
  invalid_key: 'key',
  invalid_element: 'element',
  not_multiple_of: 'multiple_of',
};

/** Turns zod issues into field errors with a stable rule name per failure. */
export function toFieldErrors(issues: readonly z.core.$ZodIssue[], input: unknown, prefix: readonly PropertyKey[] = []): FieldError[] {
  const out: FieldError[] = [];
  for (const issue of issues) {
    const path = [...prefix, ...issue.path];
    // zod reports an absent enum or literal as invalid_value: both mean the field is missing.
    if ((issue.code === 'invalid_type' || issue.code === 'invalid_value') && valueAt(input, issue.path) === undefined) {
      out.push({ path: joinPath(path), rule: 'required', message: 'is required' });
      continue;
    }
    switch (issue.code) {
      case 'invalid_type':
        out.push({ path: joinPath(path), rule: 'type', message: `must be ${issue.expected}` });
        break;
      case 'unrecognized_keys':
        for (const key of issue.keys) out.push({ path: joinPath([...path, key]), rule: 'unknown_key', message: 'is not a known field' });
        break;
      case 'invalid_format':
        out.push({ path: joinPath(path), rule: issue.format === 'regex' ? 'pattern' : 'format', message: issue.message });
        break;
      case 'custom': {
        const rule = typeof issue.params?.rule === 'string' ? issue.params.rule : 'custom';
        out.push({ path: joinPath(path), rule, message: issue.message });
        break;
      }
      default:
        out.push({ path: joinPath(path), rule: RULES[issue.code] ?? issue.code, message: issue.message });
    }
  }
  return out;
}

/** Validates a value against a protocol schema without throwing. */
export function validate<S extends z.ZodType>(schema: S, input: unknown): Validation<z.output<S>> {
  const result = schema.safeParse(input);
  return result.success ? { ok: true, value: result.data } : { ok: false, errors: toFieldErrors(result.error.issues, input) };
}

/** Validates a value, throwing a `WaymarkValidationError` naming the field and rule. */
export function parseOrThrow<S extends z.ZodType>(schema: S, input: unknown): z.output<S> {
  const result = validate(schema, input);
  if (!result.ok) throw new WaymarkValidationError(result.errors);
  return result.value;
}

/** Validates one item of the batch envelope: its `kind`, then the record schema of that kind. */
export function validateBatchItem(item: unknown): Validation<BatchItem> {
  const kind = BatchItemKindSchema.safeParse(item);
  if (!kind.success) return { ok: false, errors: toFieldErrors(kind.error.issues, item) };
  const { kind: k, ...record } = kind.data;
  const result = RECORD_SCHEMAS[k].safeParse(record);
  if (!result.success) return { ok: false, errors: toFieldErrors(result.error.issues, record) };
  return { ok: true, value: { kind: k, ...result.data } as BatchItem };
}
