import { BottleneckQuerySchema } from '@waymark/protocol';
import { Hono } from 'hono';
import { bottlenecks } from '../domain/bottlenecks.js';
import type { RouteDeps } from '../http/deps.js';
import type { CollectorEnv } from '../http/env.js';
import { readQuery } from '../http/read-query.js';

/** `GET /api/bottlenecks?service=S&from=&to=&tz=`; `tz` defaults to the collector's time zone. */
export function bottleneckRoutes({ store }: RouteDeps, timeZone: string) {
  return new Hono<CollectorEnv>().get('/', async (c) => {
    const q = readQuery(c, BottleneckQuerySchema);
    if (!q.ok) return q.response;
    const { tz, ...range } = q.value;
    return c.json(await bottlenecks(store, { ...range, timeZone: tz ?? timeZone }));
  });
}
