import type { MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import type { CollectorEnv } from '../http/env.js';
import { fail } from '../http/error-body.js';

/**
 * Refuses bodies over `maxBytes` with 413. The answer closes the connection, so a
 * client still sending the rest of a large body is not left hanging.
 */
export function limitBody(maxBytes: number): MiddlewareHandler<CollectorEnv> {
  return bodyLimit({
    maxSize: maxBytes,
    onError: (c) =>
      fail(c, 413, 'payload_too_large', `the body is larger than ${maxBytes} bytes`, [{ path: '', rule: 'max_bytes', message: `must be at most ${maxBytes} bytes` }], {
        Connection: 'close',
      }),
  });
}
