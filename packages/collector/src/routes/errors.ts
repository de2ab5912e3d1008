import { ErrorQuerySchema } from '@waymark/protocol';
import { Hono } from 'hono';
import { ingestOne } from '../ingest/ingest.js';
import { notFound } from '../http/answers.js';
import type { RouteDeps } from '../http/deps.js';
import type { CollectorEnv } from '../http/env.js';
import { invalid } from '../http/error-body.js';
import { readJsonBody } from '../http/read-body.js';
import { readQuery } from '../http/read-query.js';

/** Error reports: `POST /api/errors`, `GET /api/errors`, `GET /api/errors/:id`, `PATCH /api/errors/:id/resolve`. */
export function errorRoutes({ store, now }: RouteDeps) {
  return new Hono<CollectorEnv>()
    .post('/', async (c) => {
      const body = await readJsonBody(c);
      if (!body.ok) return body.response;
      const outcome = await ingestOne(store, 'error', body.value, { route: '/api/errors', receivedAt: now() });
      c.set('counts', outcome.counts);
      if (outcome.status === 'invalid') return invalid(c, outcome.errors);
      return c.json(await store.getRecord('error', outcome.eventId), outcome.status === 'accepted' ? 201 : 200);
    })
    .get('/', async (c) => {
      const q = readQuery(c, ErrorQuerySchema);
      return q.ok ? c.json(await store.listErrors(q.value)) : q.response;
    })
    .get('/:id', async (c) => {
      const report = await store.getRecord('error', c.req.param('id'));
      return report ? c.json(report) : notFound(c, 'error report', 'id');
    })
    .patch('/:id/resolve', async (c) => {
      const report = await store.resolveError(c.req.param('id'), now());
      return report ? c.json(report) : notFound(c, 'error report', 'id');
    });
}
