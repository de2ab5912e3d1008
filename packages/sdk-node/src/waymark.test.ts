import { startCollector, type RunningCollector } from '@waymark/collector';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerMetrics } from './metrics.js';
import { createWaymark, type NodeOptions } from './waymark.js';

let dir: string;
let collector: RunningCollector;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'waymark-node-'));
  collector = await startCollector({ port: 0, db: join(dir, 'collector.db'), log: false });
});
afterAll(async () => {
  await collector.close();
  rmSync(dir, { recursive: true, force: true });
});

let n = 0;
const waymarkFor = (o: Partial<NodeOptions> = {}) =>
  createWaymark({ endpoint: collector.url, service: 'LOAN', outboxDir: join(dir, `outbox-${++n}`), handleProcess: false, ...o });

async function storedProgress(traceId: string) {
  const r = await fetch(`${collector.url}/api/progress?traceId=${traceId}&limit=1000`);
  return ((await r.json()) as { items: Array<{ eventId: string; step: string; status: string }> }).items;
}

describe('createWaymark', () => {
  it('delivers events tracked before the outbox was loaded exactly once', async () => {
    const w = waymarkFor();
    const ids = ['IDENTITY_VERIFIED', 'DATA_COLLECTED', 'REVIEWED'].map((step) => w.trackProgress({ traceId: 'early-1', step, status: 'SUCCESS' }));
    await w.ready;
    w.trackProgress({ traceId: 'early-1', step: 'COMPLETED', status: 'SUCCESS' });
    await w.flush();
    const stored = await storedProgress('early-1');
    expect(stored.map((e) => e.step).sort()).toEqual(['COMPLETED', 'DATA_COLLECTED', 'IDENTITY_VERIFIED', 'REVIEWED']);
    expect(stored.map((e) => e.eventId)).toEqual(expect.arrayContaining(ids));
    expect(w.stats()).toMatchObject({ pending: 0, sent: 4, dropped: 0 });
    await w.shutdown();
  });

  it('caps the outbox: overflow drops the oldest and counts them, and the collector is told', async () => {
    const down = createWaymark({ endpoint: 'http://127.0.0.1:9', service: 'LOAN', outboxDir: join(dir, 'capped'), handleProcess: false, maxQueueSize: 10 });
    await down.ready;
    for (let i = 0; i < 15; i++) down.trackProgress({ traceId: 'capped-1', step: `STEP_${i}`, status: 'SUCCESS' });
    expect(down.stats()).toMatchObject({ pending: 10, dropped: 5, droppedByCause: { overflow: 5 } });
    await down.shutdown({ timeoutMs: 200 });
    const up = createWaymark({ endpoint: collector.url, service: 'LOAN', outboxDir: join(dir, 'capped'), handleProcess: false, maxQueueSize: 10 });
    await up.ready;
    await up.flush();
    expect((await storedProgress('capped-1')).map((e) => e.step).sort()).toEqual(Array.from({ length: 10 }, (_, i) => `STEP_${i + 5}`).sort());
    await up.shutdown();
  });

  it('throws a WaymarkValidationError naming the field when strict, and reports it through onError when not', async () => {
    const strict = waymarkFor({ strict: true });
    expect(() => strict.trackProgress({ traceId: 't', step: 'REVIEWED', status: 'MAYBE' as never })).toThrow(expect.objectContaining({ name: 'WaymarkValidationError', path: 'status', rule: 'enum' }));
    const reports: unknown[] = [];
    const lenient = waymarkFor({ strict: false, onError: (e) => reports.push(e) });
    expect(lenient.trackProgress({ traceId: 't', step: 'REVIEWED', status: 'SUCCESS', timestamp: 1730561111 })).toBeUndefined();
    expect(reports).toMatchObject([{ code: 'rejected', errors: [{ path: 'timestamp' }] }]);
    expect(lenient.stats().pending).toBe(0);
    await Promise.all([strict.shutdown(), lenient.shutdown()]);
  });

  it('exposes its counters to Prometheus', async () => {
    const w = waymarkFor();
    const registry = new Registry();
    registerMetrics(w, registry);
    await w.ready;
    w.trackProgress({ traceId: 'metrics-1', step: 'REVIEWED', status: 'SUCCESS' });
    let text = await registry.metrics();
    expect(text).toContain('waymark_outbox_pending 1');
    await w.flush();
    text = await registry.metrics();
    expect(text).toContain('waymark_outbox_pending 0');
    expect(text).toContain('waymark_outbox_sent_total 1');
    expect(text).toContain('waymark_produce_fail_total 0');
    expect(text).toContain('waymark_outbox_dropped_total{cause="overflow"} 0');
    await w.shutdown();
  });

  it('keeps events tracked while shutting down in the outbox for the next start', async () => {
    const outboxDir = join(dir, 'late-during-shutdown');
    const first = createWaymark({ endpoint: 'http://127.0.0.1:9', service: 'LOAN', outboxDir, handleProcess: false });
    await first.ready;
    first.trackProgress({ traceId: 'late-2', step: 'REVIEWED', status: 'SUCCESS' });
    const stopping = first.shutdown({ timeoutMs: 300 });
    expect(first.trackProgress({ traceId: 'late-2', step: 'COMPLETED', status: 'SUCCESS' })).toEqual(expect.any(String));
    await stopping;
    const next = createWaymark({ endpoint: collector.url, service: 'LOAN', outboxDir, handleProcess: false });
    await next.ready;
    await next.flush();
    expect((await storedProgress('late-2')).map((e) => e.step).sort()).toEqual(['COMPLETED', 'REVIEWED']);
    await next.shutdown();
  });

  it('records nothing after shutdown, and says so', async () => {
    const reports: string[] = [];
    const w = waymarkFor({ onError: (e) => reports.push(e.message) });
    await w.ready;
    await w.shutdown();
    expect(w.trackProgress({ traceId: 'late-1', step: 'REVIEWED', status: 'SUCCESS' })).toBeUndefined();
    expect(reports).toEqual(['trackProgress after shutdown: event for late-1 not recorded']);
  });

  it('refuses bad options by name', () => {
    expect(() => createWaymark({ endpoint: collector.url, service: 'LOAN', outboxDir: '' })).toThrow(expect.objectContaining({ option: 'outboxDir' }));
    expect(() => createWaymark({ endpoint: collector.url, service: 'LOAN', outboxDir: join(dir, 'x'), durability: 'disk' as never })).toThrow(expect.objectContaining({ option: 'durability' }));
  });
});
