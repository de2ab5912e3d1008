import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { KindCounts } from './ingest/ingest.js';
import type { Store } from './store/store.js';

/** The collector's Prometheus metrics, in a registry of its own so several collectors can share a process. */
export function createMetrics(store: Store) {
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
