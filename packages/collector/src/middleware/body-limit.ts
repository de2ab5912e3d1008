import type { MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import type { CollectorEnv } from '../http/env.js';
import { fail } from '../http/error-body.js';
import { checkBodySize } from '../http/request-body.js';

/**
 * Refuses bodies over `maxBytes` with 413. The answer closes the connection, so a
 * client still sending the rest of a large body is not left hanging. Node requests
 * are checked on the IncomingMessage (see request-body.ts); others by Hono's bodyLimit.
 */
export function limitBody(maxBytes: number): MiddlewareHandler<CollectorEnv> {
  const tooLarge = (c: Parameters<MiddlewareHandler<CollectorEnv>>[0]) =>
    fail(c, 413, 'payload_too_large', `the body is larger than ${maxBytes} bytes`, [{ path: '', rule: 'max_bytes', message: `must be at most ${maxBytes} bytes` }], {
      Connection: 'close',
    });
  const fetchLimit = bodyLimit({ maxSize: maxBytes, onError: tooLarge });
  return async (c, next) => {
    const fits = await checkBodySize(c, maxBytes);
    if (fits === undefined) return fetchLimit(c, next);
    if (!fits) return tooLarge(c);
    await next();
  };
}
