import { Hono } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { CollectorEnv } from './http/env.js';
import type { RouteDeps } from './http/deps.js';
import { fail } from './http/error-body.js';
import { allowedMethods } from './http/method-check.js';
import type { Metrics } from './metrics.js';
import { requireAccess, type Keys } from './middleware/auth.js';
import { limitBody } from './middleware/body-limit.js';
import { DASHBOARD_DIR } from './dashboard-files.js';
import { corsAnyOrigin } from './middleware/cors.js';
import { requestLog, type Logger } from './middleware/request-log.js';
import { batchRoutes } from './routes/batch.js';
import { dashboardRoutes } from './routes/dashboard.js';
import { errorRoutes } from './routes/errors.js';
import { eventRoutes } from './routes/events.js';
import { funnelRoutes } from './routes/funnel.js';
import { bottleneckRoutes } from './routes/bottlenecks.js';
import { dailySummaryRoutes } from './routes/daily-summary.js';
import { sloRoutes } from './routes/slo.js';
import type { SloMonitor } from './domain/slo.js';
import { performanceRoutes } from './routes/performance.js';
import { progressRoutes } from './routes/progress.js';
import { rejectedRoutes } from './routes/rejected.js';
import { sdkRoutes } from './routes/sdk.js';
import { serviceRoutes } from './routes/services.js';
import { sessionRoutes } from './routes/sessions.js';
import { streamRoutes } from './routes/stream.js';
import { traceRoutes } from './routes/traces.js';
import type { ProgressFeed } from './progress-feed.js';
import { InvalidCursorError, StoreUnavailableError } from './store/store.js';

export interface AppDeps extends RouteDeps {
  keys: Keys;
  metrics: Metrics;
  maxBodyBytes: number;
  log?: Logger;
  /** The browser SDK's script-tag file, served at /sdk/waymark.min.js. */
  sdkScript: string;
  /** Default time zone of the bottleneck heatmap and of daily summaries' calendar days. */
  timeZone: string;
  /** Seed 001's figures, cached, for /api/slo. */
  slo: SloMonitor;
  /** Commit notices for the live stream, and the interval of its keep-alive comments. */
  feed: ProgressFeed;
  streamHeartbeatMs: number;
}

/** The collector's HTTP app: middleware, then thin routes over the store. */
export function createApp(deps: AppDeps): Hono<CollectorEnv> {
  const app = new Hono<CollectorEnv>();
  const ingest = requireAccess('ingest', deps.keys);
  const admin = requireAccess('admin', deps.keys);

  app.use('*', requestLog(deps.metrics, deps.log, deps.now));
  app.use(
    '/api/*',
    corsAnyOrigin({ allowMethods: ['GET', 'POST', 'PATCH', 'OPTIONS'], allowHeaders: ['Content-Type', 'Authorization', 'X-Waymark-Key', 'Last-Event-ID'], maxAge: 86_400 }),
  );
  app.use('/sdk/*', corsAnyOrigin({ allowMethods: ['GET', 'OPTIONS'], allowHeaders: [], maxAge: 86_400 }));
  app.use('*', limitBody(deps.maxBodyBytes));
  // Sending data needs the write key; reading or changing it needs the admin key.
  app.use('/api/*', (c, next) => (c.req.method === 'POST' ? ingest(c, next) : admin(c, next)));
  // A POST that rewrites stored figures rather than sending data: the admin key, not the write key.
  app.use('/api/daily-summary/aggregate', admin);
  app.use('/metrics', admin);

  app.get('/healthz', (c) => c.json({ status: 'ok' }));
  app.get('/metrics', async (c) => c.text(await deps.metrics.registry.metrics(), 200, { 'Content-Type': deps.metrics.registry.contentType }));
  app.route('/api/batch', batchRoutes(deps));
  app.route('/api/progress', progressRoutes(deps));
  app.route('/api/sessions', sessionRoutes(deps));
  app.route('/api/events', eventRoutes(deps));
  app.route('/api/performance', performanceRoutes(deps));
  app.route('/api/errors', errorRoutes(deps));
  app.route('/api/rejected', rejectedRoutes(deps));
  app.route('/api/funnel', funnelRoutes(deps));
  app.route('/api/bottlenecks', bottleneckRoutes(deps, deps.timeZone));
  app.route('/api/daily-summary', dailySummaryRoutes(deps, deps.timeZone));
  app.route('/api/slo', sloRoutes(deps.slo));
  app.route('/api/traces', traceRoutes(deps));
  app.route('/api/stream', streamRoutes({ store: deps.store, feed: deps.feed, heartbeatMs: deps.streamHeartbeatMs }));
  app.route('/sdk', sdkRoutes(deps.sdkScript));
  app.route('/api/services', serviceRoutes(deps));
  app.route('/', dashboardRoutes(DASHBOARD_DIR));

  const methodsOf = allowedMethods(app);
  app.notFound((c) => {
    const allowed = methodsOf(c.req.path);
    if (allowed.length > 0) {
      return fail(c, 405, 'method_not_allowed', `${c.req.method} is not served on this path; use ${allowed.join(', ')}`, [
        { path: 'method', rule: 'allowed', message: `must be one of ${allowed.join(', ')}` },
      ], { Allow: allowed.join(', ') });
    }
    return fail(c, 404, 'not_found', `no route ${c.req.method} ${c.req.path}`);
  });

  app.onError((error, c) => {
    if (error instanceof InvalidCursorError) {
      return fail(c, 400, 'validation_failed', `cursor: ${error.message}`, [{ path: 'cursor', rule: 'cursor', message: error.message }]);
    }
    if (error instanceof StoreUnavailableError) {
      return fail(c, 503, 'unavailable', 'the store cannot take writes right now; retry later', undefined, { 'Retry-After': '5' });
    }
    if (error instanceof HTTPException) return error.getResponse();
    // A body the client stopped sending, or one that cannot be decoded.
    if (error instanceof TypeError && /body|abort|terminated/i.test(error.message)) {
      return fail(c, 400, 'bad_request', 'the request body could not be read', [{ path: '', rule: 'readable', message: error.message }]);
    }
    deps.log?.({ time: new Date(deps.now()).toISOString(), level: 'error', message: String(error) });
    return fail(c, 500, 'internal', 'internal error');
  });
  return app;
}
