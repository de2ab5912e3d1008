import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { KindCounts } from './ingest/ingest.js';
import type { Store } from './store/store.js';
import type { SloMonitor } from './domain/slo.js';

/**
 * The collector's Prometheus metrics, in a registry of its own so several collectors
 * can share a process. With `slo`, also seed 001's event loss and ingestion lag, from
 * its cached figures, so a scrape stays cheap.
 */
export function createMetrics(store: Store, slo?: SloMonitor) {
  const registry = new Registry();
  const items = new Counter({
    name: 'waymark_items_total',
    help: 'Items received, by kind and outcome (accepted, duplicate, rejected).',
    labelNames: ['kind', 'outcome'] as const,
    registers: [registry],
  });
  const duration = new Histogram({
    name: 'waymark_http_request_duration_seconds',
    help: 'Request duration by method, route and status.',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [registry],
  });
  new Gauge({
    name: 'waymark_db_size_bytes',
    help: 'Database size on disk, write-ahead log included.',
    registers: [registry],
    collect() {
      this.set(store.sizeBytes());
    },
  });
  new Gauge({
    name: 'waymark_client_dropped_items',
    help: 'Items clients dropped before delivery (queue overflow, rejection, storage quota), as their client reports tell, by cause.',
    labelNames: ['cause'] as const,
    registers: [registry],
    collect() {
      for (const [cause, n] of Object.entries(store.clientDrops())) this.set({ cause }, n);
    },
  });
  if (slo) {
    new Gauge({
      name: 'waymark_event_loss_ratio',
      help: 'UI events missing from per-session sequenceNo gaps / events expected, over sessions with a UI event received in the last 24 h (0 without any).',
      registers: [registry],
      async collect() {
        this.set((await slo.figures()).eventLoss.ratio ?? 0);
      },
    });
    new Gauge({
      name: 'waymark_ingestion_lag_seconds',
      help: 'receivedAt minus the event time (derived from sentAt when the envelope gave it), nearest-rank quantiles over progress and UI events received in the last hour.',
      labelNames: ['quantile'] as const,
      registers: [registry],
      async collect() {
        const lag = (await slo.figures()).ingestionLag;
        this.reset();
        if (lag.p50Ms !== null) this.set({ quantile: '0.5' }, lag.p50Ms / 1000);
        if (lag.p95Ms !== null) this.set({ quantile: '0.95' }, lag.p95Ms / 1000);
      },
    });
  }
  return {
    registry,
    countItems(counts: KindCounts) {
      for (const [kind, c] of Object.entries(counts)) {
        if (c.accepted) items.inc({ kind, outcome: 'accepted' }, c.accepted);
        if (c.duplicates) items.inc({ kind, outcome: 'duplicate' }, c.duplicates);
        if (c.rejected) items.inc({ kind, outcome: 'rejected' }, c.rejected);
      }
    },
    observeRequest(method: string, route: string, status: number, seconds: number) {
      duration.observe({ method, route, status: String(status) }, seconds);
    },
  };
}

export type Metrics = ReturnType<typeof createMetrics>;
