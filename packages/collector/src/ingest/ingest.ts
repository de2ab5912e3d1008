import { RECORD_SCHEMAS, validate, validateBatchItem } from '@waymark/protocol';
import type { BatchItem, FieldError, IngestResult, ItemKind } from '@waymark/protocol/types';
import type { IngestOutcome, PreparedItem, Receipt, RejectedItem, Store } from '../store/store.js';
import { derivedEventId } from './derived-id.js';

/** Where and when a body arrived. */
export interface Arrival {
  route: string;
  receivedAt: number;
  /** The envelope's `sentAt`, for clock-skew correction. */
  sentAt?: number;
}

/** Items per kind and outcome, for metrics and the request log. */
export type KindCounts = Partial<Record<ItemKind, { accepted: number; duplicates: number; rejected: number }>>;

export interface BatchOutcome {
  result: IngestResult;
  counts: KindCounts;
}

/** Most rejected items of one request kept in quarantine; the rest are counted only. */
const QUARANTINE_PER_REQUEST = 100;
/** Longest quarantined item text. */
const QUARANTINE_BODY_CHARS = 16_384;

/** JSON text of what a client sent, bounded, and never throwing (hostile nesting included). */
export function quarantineText(value: unknown): string {
  let text: string;
  try {
    text = typeof value === 'string' ? value : (JSON.stringify(value) ?? String(value));
  } catch {
    text = '[not serialisable]';
  }
  return text.length > QUARANTINE_BODY_CHARS ? `${text.slice(0, QUARANTINE_BODY_CHARS)}…[truncated]` : text;
}

function timestampOf(item: BatchItem): number {
  return item.kind === 'session' ? item.startedAt : item.timestamp;
}

/** Adds the receipt and the idempotency key. */
export function prepare(item: BatchItem, arrival: Arrival): PreparedItem {
  const { kind, ...record } = item;
  const receipt: Receipt = { receivedAt: arrival.receivedAt };
  if (arrival.sentAt !== undefined) receipt.derivedTimestamp = arrival.receivedAt - (arrival.sentAt - timestampOf(item));
  const eventId = record.eventId ?? derivedEventId(kind, record);
  return { kind, record: { ...record, eventId }, ...receipt } as PreparedItem;
}

function checkItem(raw: unknown, kind: ItemKind | undefined) {
  if (kind === undefined) return validateBatchItem(raw);
  const r = validate(RECORD_SCHEMAS[kind], raw);
  return r.ok ? { ok: true as const, value: { kind, ...r.value } as BatchItem } : r;
}

function count(counts: KindCounts, kind: ItemKind, field: 'accepted' | 'duplicates' | 'rejected') {
  const c = (counts[kind] ??= { accepted: 0, duplicates: 0, rejected: 0 });
  c[field]++;
}

const kindOf = (raw: unknown): ItemKind | null => {
  const k = (raw as { kind?: unknown } | null)?.kind;
  return typeof k === 'string' && k in RECORD_SCHEMAS ? (k as ItemKind) : null;
};

/**
 * Validates a batch item by item, stores the valid ones in one commit and
 * quarantines the rest with their field errors. `kind` fixes the kind of every
 * item (the per-kind batch routes); without it each item names its own.
 */
export async function ingestBatch(store: Store, items: readonly unknown[], arrival: Arrival, kind?: ItemKind): Promise<BatchOutcome> {
  const prepared: PreparedItem[] = [];
  const rejected: IngestResult['rejected'] = [];
  const quarantined: RejectedItem[] = [];
  const counts: KindCounts = {};
  items.forEach((raw, index) => {
    const check = checkItem(raw, kind);
    if (check.ok) {
      prepared.push(prepare(check.value, arrival));
      return;
    }
    rejected.push({ index, errors: check.errors });
    const k = kind ?? kindOf(raw);
    if (k) count(counts, k, 'rejected');
    if (quarantined.length < QUARANTINE_PER_REQUEST) {
      quarantined.push({ receivedAt: arrival.receivedAt, route: arrival.route, kind: k, index, errors: check.errors, body: quarantineText(raw) });
    }
  });
  const [outcomes] = await Promise.all([store.ingest(prepared), store.quarantine(quarantined)]);
  let accepted = 0;
  outcomes.forEach((outcome: IngestOutcome, i) => {
    const k = prepared[i]!.kind;
    if (outcome === 'accepted') accepted++;
    count(counts, k, outcome === 'accepted' ? 'accepted' : 'duplicates');
  });
  return { result: { accepted, duplicates: outcomes.length - accepted, rejected }, counts };
}

export type SingleOutcome =
  | { status: 'invalid'; errors: FieldError[]; counts: KindCounts }
  | { status: IngestOutcome; eventId: string; counts: KindCounts };

/** Stores one record of a known kind: the single-item routes. */
export async function ingestOne(store: Store, kind: ItemKind, raw: unknown, arrival: Arrival): Promise<SingleOutcome> {
  const check = checkItem(raw, kind);
  if (!check.ok) {
    await store.quarantine([{ receivedAt: arrival.receivedAt, route: arrival.route, kind, index: null, errors: check.errors, body: quarantineText(raw) }]);
    return { status: 'invalid', errors: check.errors, counts: { [kind]: { accepted: 0, duplicates: 0, rejected: 1 } } };
  }
  const item = prepare(check.value, arrival);
  const [outcome] = await store.ingest([item]);
  const counts: KindCounts = { [kind]: { accepted: outcome === 'accepted' ? 1 : 0, duplicates: outcome === 'duplicate' ? 1 : 0, rejected: 0 } };
  return { status: outcome!, eventId: item.record.eventId, counts };
}
