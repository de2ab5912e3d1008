import { RECORD_SCHEMAS, validate, validateBatchItem } from '@waymark/protocol';
import type { BatchItem, FieldError, IngestResult, ItemKind } from '@waymark/protocol/types';
import type { IngestOutcome, PreparedItem, RejectedItem, Store } from '../store/store.js';
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

type ItemRecord<K extends ItemKind> = Omit<Extract<BatchItem, { kind: K }>, 'kind'>;
type Checked = { ok: true; kind: ItemKind; record: ItemRecord<ItemKind> } | { ok: false; errors: FieldError[] };

/**
 * Adds the receipt and the idempotency key. `record` is the validator's output, a
 * fresh object, so it is completed in place rather than copied again.
 */
export function prepare(kind: ItemKind, record: ItemRecord<ItemKind>, arrival: Arrival): PreparedItem {
  const item = { kind, record, receivedAt: arrival.receivedAt } as PreparedItem;
  if (arrival.sentAt !== undefined) {
    const timestamp = kind === 'session' ? (record as ItemRecord<'session'>).startedAt : (record as { timestamp: number }).timestamp;
    item.derivedTimestamp = arrival.receivedAt - (arrival.sentAt - timestamp);
  }
  record.eventId ??= derivedEventId(kind, record);
  return item;
}

const isKind = (k: unknown): k is ItemKind => typeof k === 'string' && Object.hasOwn(RECORD_SCHEMAS, k);

/**
 * Validates one item. `kind` fixes it (per-kind routes); otherwise the item names its
 * own. For an object naming a known kind, its record is checked directly, which is
 * what `validateBatchItem` does after a first pass that copies the whole item; that
 * pass is left to the items it can reject (and to `__proto__` keys, which it drops).
 */
function checkItem(raw: unknown, kind: ItemKind | undefined): Checked {
  if (kind === undefined) {
    const item = raw as { kind?: unknown } | null;
    if (typeof item !== 'object' || item === null || Array.isArray(item) || !isKind(item.kind) || Object.hasOwn(item, '__proto__')) {
      const r = validateBatchItem(raw);
      if (!r.ok) return r;
      const { kind: k, ...record } = r.value;
      return { ok: true, kind: k, record };
    }
    kind = item.kind;
    const { kind: _kind, ...record } = item;
    raw = record;
  }
  const r = validate(RECORD_SCHEMAS[kind], raw);
  return r.ok ? { ok: true, kind, record: r.value as ItemRecord<ItemKind> } : r;
}

function count(counts: KindCounts, kind: ItemKind, field: 'accepted' | 'duplicates' | 'rejected') {
  const c = (counts[kind] ??= { accepted: 0, duplicates: 0, rejected: 0 });
  c[field]++;
}

/**
 * The kind a rejected item names, if it is a known one. Own keys only: with `in`,
 * a kind of "__proto__" or "constructor" was counted onto Object.prototype.
 */
const kindOf = (raw: unknown): ItemKind | null => {
  const k = (raw as { kind?: unknown } | null)?.kind;
  return isKind(k) ? k : null;
};

/**
 * Validates a batch item by item, stores the valid ones in one commit and
 * quarantines the rest with their field errors. `kind` fixes the kind of every
 * item (the per-kind batch routes); without it each item names its own.
 *
 * Deliberately not an async function, and no closure sees the items: a suspended
 * async frame keeps all its locals alive, so every request waiting for its commit
 * would hold its whole parsed batch. Under load that is hundreds of batches copied
 * by each young-generation GC; here only the kinds and the rejections wait.
 */
export function ingestBatch(store: Store, items: readonly unknown[], arrival: Arrival, kind?: ItemKind): Promise<BatchOutcome> {
  const prepared: PreparedItem[] = [];
  const rejected: IngestResult['rejected'] = [];
  const quarantined: RejectedItem[] = [];
  const counts: KindCounts = {};
  for (let index = 0; index < items.length; index++) {
    const raw = items[index];
    const check = checkItem(raw, kind);
    if (check.ok) {
      prepared.push(prepare(check.kind, check.record, arrival));
      continue;
    }
    rejected.push({ index, errors: check.errors });
    const k = kind ?? kindOf(raw);
    if (k) count(counts, k, 'rejected');
    if (quarantined.length < QUARANTINE_PER_REQUEST) {
      quarantined.push({ receivedAt: arrival.receivedAt, route: arrival.route, kind: k, index, errors: check.errors, body: quarantineText(raw) });
    }
  }
  const kinds = prepared.map((item) => item.kind);
  return Promise.all([store.ingest(prepared), store.quarantine(quarantined)]).then(([outcomes]) => {
    let accepted = 0;
    outcomes.forEach((outcome: IngestOutcome, i) => {
      if (outcome === 'accepted') accepted++;
      count(counts, kinds[i]!, outcome === 'accepted' ? 'accepted' : 'duplicates');
    });
    return { result: { accepted, duplicates: outcomes.length - accepted, rejected }, counts };
  });
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
  const item = prepare(check.kind, check.record, arrival);
  const [outcome] = await store.ingest([item]);
  const counts: KindCounts = { [kind]: { accepted: outcome === 'accepted' ? 1 : 0, duplicates: outcome === 'duplicate' ? 1 : 0, rejected: 0 } };
  return { status: outcome!, eventId: item.record.eventId, counts };
}
