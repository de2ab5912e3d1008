import { utf8Length, type Transport } from '@waymark/core';

/** Where and how to send: the collector's base URL and the write key. */
export interface FetchTransportOptions {
  endpoint: string;
  writeKey?: string;
}

/**
 * Sends batches to `${endpoint}/api/batch` with fetch, the key as a bearer token.
 * Bodies under 60 KB go with `keepalive`, so a send started as the page closes still
 * completes. `beacon` uses `navigator.sendBeacon`, which cannot set headers: the key
 * goes as `?key=` and the body as text/plain, both of which the collector accepts.
 */
export function createFetchTransport(options: FetchTransportOptions): Transport {
  const url = String(options.endpoint).replace(/\/+$/, '') + '/api/batch';
  const key = options.writeKey;
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (key) headers.authorization = 'Bearer ' + key;
  return {
    send: (body) =>
      fetch(url, { method: 'POST', body, headers, keepalive: utf8Length(body) < 60_000 }).then(
        (r) => r.json().catch(() => {}).then((body: unknown) => ({ status: r.status, body, retryAfter: r.headers.get('retry-after') })),
        () => ({ status: 0 }),
      ),
    beacon(body) {
      try {
        return navigator.sendBeacon(key ? url + '?key=' + encodeURIComponent(key) : url, new Blob([body], { type: 'text/plain' }));
      } catch {
        return false;
      }
    },
  };
}
