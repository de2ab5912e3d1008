import type { HttpBindings } from '@hono/node-server';
import type { KindCounts } from '../ingest/ingest.js';

/**
 * Hono environment of the collector: node bindings; the item counts a route reports
 * for the log and metrics; and a chunked body the body limit has already read.
 */
export type CollectorEnv = {
  Bindings: Partial<HttpBindings>;
  Variables: { counts?: KindCounts; body?: Buffer };
};
