import { PageQuerySchema, UiEventBatchSchema, UiEventQuerySchema, validate } from '@waymark/protocol';
import { Hono } from 'hono';
import { ingestBatch } from '../ingest/ingest.js';
import { answerBatch } from '../http/answers.js';
import type { RouteDeps } from '../http/deps.js';
import type { CollectorEnv } from '../http/env.js';
import { invalid } from '../http/error-body.js';
import { readJsonBody } from '../http/read-body.js';
import { readQuery } from '../http/read-query.js';

/** UI events: `POST /api/events/batch`, `GET /api/events`, `GET /api/events/session/:sessionId`. */
export function eventRoutes({ store, now }: RouteDeps) {
  return new Hono<CollectorEnv>()
    .post('/batch', async (c) => {
      const body = await readJsonBody(c);
      if (!body.ok) return body.response;
      const batch = validate(UiEventBatchSchema, body.value);
      if (!batch.ok) return invalid(c, batch.errors);
      return answerBatch(c, ingestBatch(store, batch.value.events, { route: '/api/events/batch', receivedAt: now() }, 'ui_event'), 'events');
    })
    .get('/', async (c) => {
      const q = readQuery(c, UiEventQuerySchema);
      return q.ok ? c.json(await store.listUiEvents(q.value)) : q.response;
    })
    .get('/session/:sessionId', async (c) => {
      const q = readQuery(c, PageQuerySchema);
      return q.ok ? c.json(await store.listSessionEvents(c.req.param('sessionId'), q.value)) : q.response;
    });
}
