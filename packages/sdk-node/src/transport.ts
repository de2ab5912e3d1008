import type { Transport } from '@waymark/core';

/** Where and how to send. */
export interface HttpTransportOptions {
  endpoint: string;
  writeKey?: string;
  /** A request that takes longer is abandoned and retried. Default 10,000 ms. */
  requestTimeoutMs?: number;
}

/**
 * Sends batches to `${endpoint}/api/batch` with Node's fetch, the key as a bearer
 * token. A network failure or a timeout answers status 0, which the core retries.
 */
export function createHttpTransport(o: HttpTransportOptions): Transport {
  const url = `${o.endpoint.replace(/\/+$/, '')}/api/batch`;
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (o.writeKey) headers.authorization = `Bearer ${o.writeKey}`;
  return {
    async send(body) {
      try {
        const res = await fetch(url, { method: 'POST', body, headers, signal: AbortSignal.timeout(o.requestTimeoutMs ?? 10_000) });
        const text = await res.text();
        let parsed: unknown;
        try {
          parsed = JSON.parse(text);
        } catch {
          parsed = undefined;
        }
        return { status: res.status, body: parsed, retryAfter: res.headers.get('retry-after') };
      } catch {
        return { status: 0 };
      }
    },
  };
}
