/** Test helper: a browser client on memory ports, and the items it delivers. */
import { createMemoryStorage, createMemoryTransport, systemClock, type Ports } from '@waymark/core';
import type { BatchItem } from '@waymark/protocol/types';
import { createBrowserClient, type Autocapture, type BrowserOptions } from './browser-client.js';

export type UiItem = Extract<BatchItem, { kind: 'ui_event' }>;

/** Autocapture with only the given kinds on. */
export const only = (...kinds: Array<keyof Autocapture>): Autocapture =>
  Object.fromEntries((['screens', 'taps', 'selects', 'navigation', 'scroll', 'errors', 'performance'] as const).map((k) => [k, kinds.includes(k)]));

/** Starts a client; `time.mono` is its monotonic clock, moved by the test. */
export function testClient(options: Partial<BrowserOptions> = {}, ports: Partial<Ports> = {}) {
  const transport = createMemoryTransport();
  const time = { mono: 0 };
  const client = createBrowserClient(
    { endpoint: 'http://collector.test', service: 'WEB', ...options },
    { storage: createMemoryStorage(), transport, clock: { ...systemClock, monotonic: () => time.mono }, ...ports },
  );
  /** Every item delivered so far, after a flush. */
  const items = async (): Promise<BatchItem[]> => {
    await client.flush();
    return transport.sent.flatMap((body) => (JSON.parse(body) as { items: BatchItem[] }).items);
  };
  const ui = async () => (await items()).filter((i): i is UiItem => i.kind === 'ui_event');
  const stop = async () => {
    client.destroy();
    await client.shutdown();
  };
  return { client, transport, time, items, ui, stop };
}

/** Lets timers of 0 ms and pending promises run. */
export const tick = (ms = 0) => new Promise((resolve) => setTimeout(resolve, ms));
