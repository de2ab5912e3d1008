import { ServiceQuerySchema } from '@waymark/protocol';
import { Hono } from 'hono';
import type { RouteDeps } from '../http/deps.js';
import type { CollectorEnv } from '../http/env.js';
import { readQuery } from '../http/read-query.js';

/**
 * `GET /api/services?from=&to=`: the services seen in progress events, most events
 * first, each with its event count, latest timestamp, and counts per step and per
 * `meta.subType`, so a dashboard can offer a default funnel for each.
 */
export function serviceRoutes({ store }: RouteDeps) {
  return new Hono<CollectorEnv>().get('/', async (c) => {
    const q = readQuery(c, ServiceQuerySchema);
    return q.ok ? c.json({ items: await store.services(q.value) }) : q.response;
  });
}
