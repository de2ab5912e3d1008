/**
 * An in-memory stand-in for the collector, for the core's tests: it keeps each
 * eventId once, and can be told to fail, refuse or reject items.
 */
import type { BatchItem, IngestResult } from '@waymark/protocol/types';
import { createMemoryStorage, createMemoryTransport } from './memory-ports.js';
import type { Ports, TransportResponse } from './ports.js';

export function fakeCollector() {
  const stored = new Map<string, BatchItem>();
  const batches: BatchItem[][] = [];
  /** Set to answer every send with this status (and Retry-After) instead of storing. */
  let outage: { status: number; retryAfter?: string } | undefined;
  /** Items for which this returns a message are rejected. */
  let reject: (item: BatchItem) => string | undefined = () => undefined;
  const transport = createMemoryTransport((body): TransportResponse => {
    const items = (JSON.parse(body) as { items: BatchItem[] }).items;
    batches.push(items);
    if (outage) return { status: outage.status, retryAfter: outage.retryAfter, body: { error: { code: 'x', message: 'x' } } };
    const result: IngestResult = { accepted: 0, duplicates: 0, rejected: [] };
    items.forEach((item, index) => {
      const message = reject(item);
      if (message) result.rejected.push({ index, errors: [{ path: 'x', rule: 'custom', message }] });
      else if (stored.has(item.eventId!)) result.duplicates++;
      else stored.set(item.eventId!, item), result.accepted++;
    });
    return { status: result.accepted + result.duplicates ? 200 : 400, body: result };
  });
  return {
    transport,
    stored,
    batches,
    storage: createMemoryStorage(),
    setOutage(o: typeof outage) {
      outage = o;
    },
    setReject(fn: typeof reject) {
      reject = fn;
    },
    /** Stored items of one kind, in arrival order. */
    of<K extends BatchItem['kind']>(kind: K) {
      return [...stored.values()].filter((i): i is Extract<BatchItem, { kind: K }> => i.kind === kind);
    },
    ports(): Ports {
      return { storage: this.storage, transport, platform: { sdk: { name: 'test', version: '0' } } };
    },
  };
}
