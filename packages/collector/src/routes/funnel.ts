import { FunnelQuerySchema } from '@waymark/protocol';
import { Hono } from 'hono';
import { funnel } from '../domain/funnel-query.js';
import type { RouteDeps } from '../http/deps.js';
import type { CollectorEnv } from '../http/env.js';
import { readQuery } from '../http/read-query.js';

/** `GET /api/funnel?service=S&steps=A,B,C&window=MS&from=&to=&breakdown=meta.channel&stepField=meta.subType`. */
export function funnelRoutes({ store }: RouteDeps) {
  return new Hono<CollectorEnv>().get('/', async (c) => {
    const q = readQuery(c, FunnelQuerySchema);
    return q.ok ? c.json(await funnel(store, q.value)) : q.response;
  });
}
