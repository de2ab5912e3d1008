import type { Context } from 'hono';
import { IncomingMessage } from 'node:http';
import type { CollectorEnv } from './env.js';

/**
 * Request bodies, read straight from node's `IncomingMessage` when the app is served
 * by @hono/node-server. Going through `c.req.text()` there builds a Fetch `Request`
 * with a web stream, an AbortController and a Headers copy for every request, which
 * is a large share of the ingest path's CPU and garbage. Other runtimes (and
 * `app.fetch` in tests) keep the Fetch API path, with the same results.
 */

/** The node HTTP/1 request behind `c`, when there is one. */
function incomingOf(c: Context<CollectorEnv>): IncomingMessage | undefined {
  const incoming = c.env?.incoming;
  return incoming instanceof IncomingMessage ? incoming : undefined;
}

type LimitedBody = { ok: true; body: Buffer } | { ok: false; reason: 'too_large' };

/** Reads the whole body, stopping as soon as it grows past `maxBytes`. */
function readIncoming(incoming: IncomingMessage, maxBytes: number): Promise<LimitedBody> {
  return new Promise((resolve, reject) => {
    if (incoming.readableEnded) return resolve({ ok: true, body: Buffer.alloc(0) });
    const chunks: Buffer[] = [];
    let size = 0;
    const done = () => {
      incoming.off('data', onData).off('end', onEnd).off('error', onError).off('close', onClose);
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxBytes) {
        // Answer now; the server drains or drops the rest of the body after the answer.
        done();
        incoming.pause();
        resolve({ ok: false, reason: 'too_large' });
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = () => {
      done();
      resolve({ ok: true, body: chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size) });
    };
    // A TypeError naming the abort, as the Fetch API raises: the app answers it with 400.
    const onError = (error: Error) => {
      done();
      reject(new TypeError(`the request body was aborted: ${error.message}`));
    };
    const onClose = () => onError(new Error('connection closed'));
    incoming.on('data', onData).on('end', onEnd).on('error', onError).on('close', onClose);
  });
}

/**
 * Checks the body size for the body-limit middleware: `undefined` when this is not a
 * node request (the caller falls back to the Fetch API), else whether it fits. A
 * declared Content-Length is trusted (node's parser enforces it); a chunked body is
 * read here, up to the limit, and kept for the route.
 */
export async function checkBodySize(c: Context<CollectorEnv>, maxBytes: number): Promise<boolean | undefined> {
  const incoming = incomingOf(c);
  if (!incoming) return undefined;
  if (incoming.method === 'GET' || incoming.method === 'HEAD') return true;
  const length = incoming.headers['content-length'];
  if (length !== undefined && incoming.headers['transfer-encoding'] === undefined) return !(parseInt(length, 10) > maxBytes);
  const read = await readIncoming(incoming, maxBytes);
  if (read.ok) c.set('body', read.body);
  return read.ok;
}

/** UTF-8 decoding as the Fetch API's `text()` does it: a leading BOM dropped, bad bytes replaced. */
const utf8 = new TextDecoder();

/** The request body as text. */
export async function bodyText(c: Context<CollectorEnv>): Promise<string> {
  const kept = c.get('body');
  if (kept) return utf8.decode(kept);
  const incoming = incomingOf(c);
  if (!incoming) return c.req.text();
  const read = await readIncoming(incoming, Infinity);
  return read.ok ? utf8.decode(read.body) : '';
}
