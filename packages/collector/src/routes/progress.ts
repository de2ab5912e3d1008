import { ProgressListSchema, ProgressQuerySchema, validate } from '@waymark/protocol';
import { Hono } from 'hono';
import { ingestBatch, ingestOne } from '../ingest/ingest.js';
import { answerBatch } from '../http/answers.js';
import type { RouteDeps } from '../http/deps.js';
import type { CollectorEnv } from '../http/env.js';
import { invalid } from '../http/error-body.js';
import { readJsonBody } from '../http/read-body.js';
import { readQuery } from '../http/read-query.js';

/** `POST /api/progress` (one event or an array) and `GET /api/progress`. */
export function progressRoutes({ store, now }: RouteDeps) {
  return new Hono<CollectorEnv>()
    .post('/', async (c) => {
      const body = await readJsonBody(c);
      if (!body.ok) return body.response;
      const arrival = { route: '/api/progress', receivedAt: now() };
      if (Array.isArray(body.value)) {
        const list = validate(ProgressListSchema, body.value);
        if (!list.ok) return invalid(c, list.errors);
        return answerBatch(c, ingestBatch(store, list.value, arrival, 'progress'), '');
      }
      const outcome = await ingestOne(store, 'progress', body.value, arrival);
      c.set('counts', outcome.counts);
      if (outcome.status === 'invalid') return invalid(c, outcome.errors);
      return c.json(await store.getRecord('progress', outcome.eventId), outcome.status === 'accepted' ? 201 : 200);
    })
    .get('/', async (c) => {
      const q = readQuery(c, ProgressQuerySchema);
      return q.ok ? c.json(await store.listProgress(q.value)) : q.response;
    });
}
