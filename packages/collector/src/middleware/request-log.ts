import type { MiddlewareHandler } from 'hono';
import { routePath } from 'hono/route';
import type { CollectorEnv } from '../http/env.js';
import type { Metrics } from '../metrics.js';

export type LogLine = Record<string, unknown>;
export type Logger = (line: LogLine) => void;

/** Writes one JSON line to stdout. */
export const jsonLineLogger: Logger = (line) => process.stdout.write(`${JSON.stringify(line)}\n`);

/**
 * One log line and one duration sample per request: method, route pattern (never the
 * URL, which may carry `?key=`), status, milliseconds and item counts. Never a key,
 * a token or a body.
 */
export function requestLog(metrics: Metrics, log: Logger | undefined, now: () => number): MiddlewareHandler<CollectorEnv> {
  return async (c, next) => {
    const started = performance.now();
    await next();
    const ms = performance.now() - started;
    const route = routeOf(c);
    metrics.observeRequest(c.req.method, route, c.res.status, ms / 1000);
    const counts = c.get('counts');
    if (counts) metrics.countItems(counts);
    log?.({ time: new Date(now()).toISOString(), method: c.req.method, route, status: c.res.status, ms: Math.round(ms * 100) / 100, ...(counts ? { items: counts } : {}) });
  };
}

/** Unmatched paths are logged under one label, so scanners cannot grow the metric's label set. */
function routeOf(c: Parameters<typeof routePath>[0]): string {
  const path = routePath(c);
  return path === '/*' || path === '*' ? '(unmatched)' : path;
}
