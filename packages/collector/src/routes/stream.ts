import { StreamEventIdSchema, StreamQuerySchema, validate } from '@waymark/protocol';
import { Hono } from 'hono';
import { streamSSE, type SSEStreamingApi } from 'hono/streaming';
import type { CollectorEnv } from '../http/env.js';
import { invalid } from '../http/error-body.js';
import { readQuery } from '../http/read-query.js';
import type { ProgressFeed } from '../progress-feed.js';
import type { Store } from '../store/store.js';

/** Events read from the store per query while catching up. */
const PAGE = 500;
/** Longest wait between reads when no notice comes: events another process wrote to the same database show up within it. */
const POLL_MS = 1_000;

export interface StreamDeps {
  store: Store;
  feed: ProgressFeed;
  /** Interval of the keep-alive comment on an idle stream. */
  heartbeatMs: number;
}

/**
 * `GET /api/stream`: every stored progress event as server-sent events, `id` being its
 * sequence number. A client that reconnects with `Last-Event-ID` (or `?lastEventId=`)
 * gets every event after that id, then live ones; without either it gets live ones only.
 * The stream reads the store from the last id it sent, on each commit notice and once a
 * second, so catching up and going live cannot skip or repeat an event.
 */
export function streamRoutes({ store, feed, heartbeatMs }: StreamDeps) {
  return new Hono<CollectorEnv>().get('/', async (c) => {
    const q = readQuery(c, StreamQuerySchema);
    if (!q.ok) return q.response;
    let after = q.value.lastEventId;
    const header = c.req.header('last-event-id')?.trim();
    if (header) {
      const id = validate(StreamEventIdSchema, header);
      if (!id.ok) return invalid(c, id.errors.map((e) => ({ ...e, path: 'Last-Event-ID' })));
      after = id.value;
    }
    if (c.req.method === 'HEAD') return c.body(null, 200, { 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-cache' });
    const from = after ?? (await store.progressHead());
    return streamSSE(c, (stream) => pump(stream, { store, feed, heartbeatMs }, from, q.value.service));
  });
}

async function pump(stream: SSEStreamingApi, { store, feed, heartbeatMs }: StreamDeps, from: number, service: string | undefined): Promise<void> {
  // The collector closing ends the stream at once, even one stuck writing to a slow client.
  const subscription = feed.subscribe(() => stream.abort());
  stream.onAbort(() => subscription.close());
  const live = () => !subscription.closed && !stream.aborted;
  let last = from;
  let beatAt = performance.now() + heartbeatMs;
  try {
    while (live()) {
      const page = await store.progressAfter(last, { service, limit: PAGE });
      for (const { seq, event } of page) {
        if (!live()) return;
        await stream.writeSSE({ id: String(seq), event: 'progress', data: JSON.stringify(event) });
        last = seq;
      }
      if (page.length > 0) beatAt = performance.now() + heartbeatMs;
      if (page.length === PAGE) continue;
      const left = beatAt - performance.now();
      if (left <= 0) {
        await stream.write(': heartbeat\n\n');
        beatAt = performance.now() + heartbeatMs;
        continue;
      }
      await subscription.wait(Math.min(left, POLL_MS));
    }
  } catch {
    // The store closed under the stream: end it; the client resumes from its last id.
  } finally {
    subscription.close();
  }
}
