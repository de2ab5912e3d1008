import { createHash } from 'node:crypto';

/** JSON with object keys sorted at every level, so equal content gives equal text. */
function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const keys = Object.keys(value).sort();
    return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson((value as Record<string, unknown>)[k])}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/**
 * The idempotency key of a record sent without `eventId`: a hash of its kind and
 * content, so a retried identical record is stored once.
 */
export function derivedEventId(kind: string, record: object): string {
  return `h_${createHash('sha256').update(kind).update('\0').update(canonicalJson(record)).digest('base64url').slice(0, 32)}`;
}
