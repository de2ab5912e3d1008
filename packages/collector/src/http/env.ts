import type { HttpBindings } from '@hono/node-server';
import type { KindCounts } from '../ingest/ingest.js';

/** Hono environment of the collector: node bindings, and the item counts a route reports for the log and metrics. */
export type CollectorEnv = {
  Bindings: Partial<HttpBindings>;
  Variables: { counts?: KindCounts };
};
