import type { Storage, Transport, TransportResponse } from './ports.js';

/** Storage in a Map: for tests, and where nothing durable exists. Values are copied. */
export function createMemoryStorage(): Storage & { map: Map<string, unknown> } {
  const map = new Map<string, unknown>();
  const copy = <T>(v: T): T => (v === undefined ? v : JSON.parse(JSON.stringify(v)));
  return {
    map,
    get: async (key) => copy(map.get(key)) as never,
    setMany: async (entries) => {
      for (const [k, v] of entries) map.set(k, copy(v));
    },
    delMany: async (keys) => {
      for (const k of keys) map.delete(k);
    },
    entries: async (prefix) =>
      [...map]
        .filter(([k]) => k.startsWith(prefix))
        .sort(([a], [b]) => (a < b ? -1 : 1))
        .map(([k, v]) => [k, copy(v)]) as never,
  };
}

/** A transport that records every body and answers with `respond` (by default: all accepted). */
export function createMemoryTransport(respond?: (body: string, call: number) => TransportResponse | Promise<TransportResponse>) {
  const sent: string[] = [];
  const beacons: string[] = [];
  const transport: Transport & { sent: string[]; beacons: string[] } = {
    sent,
    beacons,
    async send(body) {
      sent.push(body);
      if (respond) return respond(body, sent.length - 1);
      const n = (JSON.parse(body) as { items: unknown[] }).items.length;
      return { status: 200, body: { accepted: n, duplicates: 0, rejected: [] } };
    },
    beacon(body) {
      beacons.push(body);
      return true;
    },
  };
  return transport;
}
