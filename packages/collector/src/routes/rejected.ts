import { RejectedQuerySchema } from '@waymark/protocol';
import { Hono } from 'hono';
import type { RouteDeps } from '../http/deps.js';
import type { CollectorEnv } from '../http/env.js';
import { readQuery } from '../http/read-query.js';

/** `GET /api/rejected`: the quarantine of input that broke the contract, with its reasons. */
export function rejectedRoutes({ store }: RouteDeps) {
  return new Hono<CollectorEnv>().get('/', async (c) => {
    const q = readQuery(c, RejectedQuerySchema);
    return q.ok ? c.json(await store.listRejected(q.value)) : q.response;
  });
}
