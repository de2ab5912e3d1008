import { BatchEnvelopeSchema, validate } from '@waymark/protocol';
import { Hono } from 'hono';
import { ingestBatch, quarantineText } from '../ingest/ingest.js';
import { answerBatch } from '../http/answers.js';
import type { RouteDeps } from '../http/deps.js';
import type { CollectorEnv } from '../http/env.js';
import { invalid } from '../http/error-body.js';
import { readJsonBody } from '../http/read-body.js';

/** `POST /api/batch`: the SDK envelope, items of any kind. */
export function batchRoutes({ store, now }: RouteDeps) {
  return new Hono<CollectorEnv>().post('/', async (c) => {
    const body = await readJsonBody(c);
    if (!body.ok) return body.response;
    const receivedAt = now();
    const envelope = validate(BatchEnvelopeSchema, body.value);
    if (!envelope.ok) {
      await store.quarantine([{ receivedAt, route: '/api/batch', kind: null, index: null, errors: envelope.errors, body: quarantineText(body.value) }]);
      return invalid(c, envelope.errors);
    }
    const { items, sentAt } = envelope.value;
    return answerBatch(c, ingestBatch(store, items, { route: '/api/batch', receivedAt, sentAt }), 'items');
  });
}
