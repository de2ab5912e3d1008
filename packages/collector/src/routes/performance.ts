import { PerformanceBatchSchema, PerformanceQuerySchema, validate } from '@waymark/protocol';
import { Hono } from 'hono';
import { ingestBatch, ingestOne } from '../ingest/ingest.js';
import { answerBatch } from '../http/answers.js';
import type { RouteDeps } from '../http/deps.js';
import type { CollectorEnv } from '../http/env.js';
import { invalid } from '../http/error-body.js';
import { readJsonBody } from '../http/read-body.js';
import { readQuery } from '../http/read-query.js';

/** Performance metrics: `POST /api/performance`, `POST /api/performance/batch`, `GET /api/performance`. */
export function performanceRoutes({ store, now }: RouteDeps) {
  return new Hono<CollectorEnv>()
    .post('/', async (c) => {
      const body = await readJsonBody(c);
      if (!body.ok) return body.response;
      const outcome = await ingestOne(store, 'performance', body.value, { route: '/api/performance', receivedAt: now() });
      c.set('counts', outcome.counts);
      if (outcome.status === 'invalid') return invalid(c, outcome.errors);
      return c.json(await store.getRecord('performance', outcome.eventId), outcome.status === 'accepted' ? 201 : 200);
    })
    .post('/batch', async (c) => {
      const body = await readJsonBody(c);
      if (!body.ok) return body.response;
      const batch = validate(PerformanceBatchSchema, body.value);
      if (!batch.ok) return invalid(c, batch.errors);
      return answerBatch(
        c,
        ingestBatch(store, batch.value.metrics, { route: '/api/performance/batch', receivedAt: now() }, 'performance'),
        'metrics',
      );
    })
    .get('/', async (c) => {
      const q = readQuery(c, PerformanceQuerySchema);
      return q.ok ? c.json(await store.listPerformance(q.value)) : q.response;
    });
}
