import { createHash, timingSafeEqual } from 'node:crypto';
import type { MiddlewareHandler } from 'hono';
import type { CollectorEnv } from '../http/env.js';
import { fail } from '../http/error-body.js';

export interface Keys {
  /** Required by ingest routes. */
  writeKey?: string;
  /** Required by reads and PATCHes; also accepted for ingest. */
  adminKey?: string;
}

/** What a route needs: the write key to send data, the admin key to read or change it. */
export type Access = 'ingest' | 'admin';

const digest = (s: string) => createHash('sha256').update(s).digest();
const same = (a: string, b: string) => timingSafeEqual(digest(a), digest(b));

/** True for the loopback addresses (IPv4, IPv6 and IPv4-mapped). */
export function isLoopback(address: string | undefined): boolean {
  if (!address) return false;
  return address === '::1' || address.startsWith('127.') || address.startsWith('::ffff:127.');
}

/** The key a client presented: `Authorization: Bearer`, `X-Waymark-Key`, or `?key=` (beacons cannot set headers). */
function presentedKey(header: (name: string) => string | undefined, query: (name: string) => string | undefined): string | undefined {
  const auth = header('authorization');
  if (auth?.toLowerCase().startsWith('bearer ')) return auth.slice(7).trim();
  return header('x-waymark-key') ?? query('key');
}

/**
 * Guards a route. With its key configured a route needs it (401 without a key or
 * with an unknown one, 403 with a key of the wrong kind). With no key configured
 * for it, a route serves loopback clients only.
 */
export function requireAccess(access: Access, keys: Keys): MiddlewareHandler<CollectorEnv> {
  const needed = access === 'ingest' ? keys.writeKey : keys.adminKey;
  const accepted = [access === 'ingest' ? keys.writeKey : undefined, keys.adminKey].filter((k): k is string => !!k);
  const known = [keys.writeKey, keys.adminKey].filter((k): k is string => !!k);
  return async (c, next) => {
    const key = presentedKey((n) => c.req.header(n), (n) => c.req.query(n));
    if (key !== undefined && accepted.some((k) => same(k, key))) return next();
    if (needed === undefined) {
      if (isLoopback(c.env?.incoming?.socket.remoteAddress)) return next();
      return fail(c, 403, 'forbidden', `no ${access === 'ingest' ? 'write' : 'admin'} key is configured, so only loopback clients are served`, [
        { path: 'authorization', rule: 'loopback_only', message: 'configure a key to serve other hosts' },
      ]);
    }
    if (key === undefined) {
      return fail(c, 401, 'unauthorized', `this route needs the ${access === 'ingest' ? 'write' : 'admin'} key`, [
        { path: 'authorization', rule: 'required', message: 'send Authorization: Bearer <key>, X-Waymark-Key or ?key=' },
      ]);
    }
    if (known.some((k) => same(k, key))) {
      return fail(c, 403, 'forbidden', 'this key may not use this route', [
        { path: 'authorization', rule: 'scope', message: `needs the ${access === 'ingest' ? 'write' : 'admin'} key` },
      ]);
    }
    return fail(c, 401, 'unauthorized', 'the key is not valid', [{ path: 'authorization', rule: 'key', message: 'is not a key of this collector' }]);
  };
}
