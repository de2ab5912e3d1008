import { DailySummaryAggregateSchema, DailySummaryKeySchema, DailySummaryQuerySchema, validate } from '@waymark/protocol';
import { Hono } from 'hono';
import { aggregateDay } from '../domain/daily-summary.js';
import type { RouteDeps } from '../http/deps.js';
import type { CollectorEnv } from '../http/env.js';
import { fail, invalid } from '../http/error-body.js';
import { readJsonBody } from '../http/read-body.js';
import { readQuery } from '../http/read-query.js';

/**
 * Daily summaries (seed 002 Phase 4): `GET /api/daily-summary`,
 * `GET /api/daily-summary/:date/:deviceId`, and `POST /api/daily-summary/aggregate`
 * (admin key: it rewrites stored figures), which computes a day again.
 */
export function dailySummaryRoutes({ store, now }: RouteDeps, timeZone: string) {
  return new Hono<CollectorEnv>()
    .get('/', async (c) => {
      const q = readQuery(c, DailySummaryQuerySchema);
      return q.ok ? c.json(await store.listDailySummaries(q.value)) : q.response;
    })
    .post('/aggregate', async (c) => {
      const body = await readJsonBody(c);
      if (!body.ok) return body.response;
      const request = validate(DailySummaryAggregateSchema, body.value);
      if (!request.ok) return invalid(c, request.errors);
      return c.json(await aggregateDay(store, { date: request.value.date, timeZone, now: now() }));
    })
    .get('/:date/:deviceId', async (c) => {
      const key = validate(DailySummaryKeySchema, { date: c.req.param('date'), deviceId: c.req.param('deviceId') });
      if (!key.ok) return invalid(c, key.errors);
      const summary = await store.getDailySummary(key.value.date, key.value.deviceId);
      if (summary) return c.json(summary);
      return fail(c, 404, 'not_found', `no daily summary of ${key.value.deviceId} on ${key.value.date}`, [
        { path: 'deviceId', rule: 'exists', message: 'has no daily summary on this date' },
      ]);
    });
}
