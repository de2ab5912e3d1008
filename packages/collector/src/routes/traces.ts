import { TraceQuerySchema } from '@waymark/protocol';
import { Hono } from 'hono';
import { traceView } from '../domain/journeys.js';
import { notFound } from '../http/answers.js';
import type { RouteDeps } from '../http/deps.js';
import type { CollectorEnv } from '../http/env.js';
import { readQuery } from '../http/read-query.js';

/** Journeys: `GET /api/traces` (by current state) and `GET /api/traces/:traceId` (state and timeline). */
export function traceRoutes({ store }: RouteDeps) {
  return new Hono<CollectorEnv>()
    .get('/', async (c) => {
      const q = readQuery(c, TraceQuerySchema);
      return q.ok ? c.json(await store.listTraces(q.value)) : q.response;
    })
    .get('/:traceId', async (c) => {
      const view = await traceView(store, c.req.param('traceId'));
      return view ? c.json(view) : notFound(c, 'journey', 'traceId');
    });
}
