import { SloQuerySchema } from '@waymark/protocol';
import { Hono } from 'hono';
import type { SloMonitor } from '../domain/slo.js';
import type { CollectorEnv } from '../http/env.js';
import { readQuery } from '../http/read-query.js';

/** `GET /api/slo`: seed 001's event loss and ingestion lag, with their windows and targets. */
export function sloRoutes(slo: SloMonitor) {
  return new Hono<CollectorEnv>().get('/', async (c) => {
    const q = readQuery(c, SloQuerySchema);
    return q.ok ? c.json(await slo.figures()) : q.response;
  });
}
