/**
 * Prometheus metrics of a Waymark client through prom-client (an optional peer
 * dependency): `import { registerMetrics } from '@waymark/node/metrics'`.
 */
import { Counter, Gauge, register, type Registry } from 'prom-client';
import type { Waymark } from './waymark.js';

/**
 * Registers the client's delivery counters, read at scrape time:
 * `waymark_outbox_pending`, `waymark_outbox_sent_total`, `waymark_produce_fail_total`
 * and `waymark_outbox_dropped_total{cause}`.
 */
export function registerMetrics(waymark: Pick<Waymark, 'stats'>, registry: Registry = register) {
  const registers = [registry];
  new Gauge({
    name: 'waymark_outbox_pending',
    help: 'Items in the outbox, waiting for the collector to acknowledge them.',
    registers,
    collect() {
      this.set(waymark.stats().pending);
    },
  });
  const total = (name: string, help: string, read: () => number) =>
    new Counter({
      name,
      help,
      registers,
      collect() {
        this.reset();
        this.inc(read());
      },
    });
  total('waymark_outbox_sent_total', 'Items the collector acknowledged.', () => waymark.stats().sent);
  total('waymark_produce_fail_total', 'Sends to the collector that failed and were retried.', () => waymark.stats().failedAttempts);
  new Counter({
    name: 'waymark_outbox_dropped_total',
    help: 'Items dropped before delivery, by cause: rejected by the collector, or over the outbox cap.',
    labelNames: ['cause'] as const,
    registers,
    collect() {
      this.reset();
      for (const [cause, n] of Object.entries(waymark.stats().droppedByCause)) this.inc({ cause }, n);
    },
  });
}
