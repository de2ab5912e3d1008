import { serve, type ServerType } from '@hono/node-server';
import { startCollector, type RunningCollector } from '@waymark/collector';
import { createWaymark, type Waymark } from '@waymark/node';
import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../src/app.js';
import { drive, type DriveSummary } from '../src/driver.js';

interface Stored {
  eventId: string;
  traceId: string;
  service: string;
  step: string;
  status: string;
  reason: string | null;
  meta?: { subType?: string | null; attempt?: number; channel?: string; clientVersion?: string };
}

/** Every LOAN progress event the collector holds, page by page. */
async function storedEvents(url: string): Promise<Stored[]> {
  const all: Stored[] = [];
  let cursor: string | null = null;
  do {
    const res = await fetch(`${url}/api/progress?service=LOAN&limit=1000${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
    expect(res.status).toBe(200);
    const page = (await res.json()) as { items: Stored[]; nextCursor: string | null };
    all.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor);
  return all;
}

describe('the loan service, driven by 100 applicants, into a real collector', () => {
  let dir: string;
  let collector: RunningCollector;
  let waymark: Waymark;
  let server: ServerType;
  let summary: DriveSummary;
  let events: Stored[];

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'waymark-loan-'));
    collector = await startCollector({ port: 0, db: join(dir, 'collector.db'), log: false });
    waymark = createWaymark({ endpoint: collector.url, service: 'LOAN', outboxDir: join(dir, 'outbox'), handleProcess: false });
    // The stand-in answers in 3–25 ms or never: 500 ms tells the two apart even on a busy machine, and keeps the run short.
    const app = createApp({ waymark, bureauTimeoutMs: 500 });
    server = await new Promise<ServerType>((resolve) => {
      const s = serve({ fetch: app.fetch, hostname: '127.0.0.1', port: 0 }, () => resolve(s));
    });
    const { port } = server.address() as AddressInfo;
    summary = await drive({ url: `http://127.0.0.1:${port}`, applications: 100, seed: 7 });
    await waymark.flush();
    events = await storedEvents(collector.url);
  });

  afterAll(async () => {
    await new Promise((resolve) => server?.close(resolve));
    await waymark?.shutdown({ timeoutMs: 1_000 });
    await collector?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('delivers every event it recorded, once', () => {
    expect(waymark.stats()).toMatchObject({ pending: 0, sent: summary.events, dropped: 0 });
    expect(events).toHaveLength(summary.events);
    expect(new Set(events.map((e) => e.eventId)).size).toBe(events.length);
    // No step outcome twice: retries carry their attempt number.
    const keys = events.map((e) => [e.traceId, e.step, e.status, e.meta?.subType, e.meta?.attempt].join('|'));
    expect(new Set(keys).size).toBe(keys.length);
  });

  it('verifies the identity of every applicant, once', () => {
    const verified = events.filter((e) => e.step === 'IDENTITY_VERIFIED' && e.status === 'SUCCESS').map((e) => e.traceId);
    expect(verified.sort()).toEqual([...summary.traceIds].sort());
  });

  it('ends each application as the driver saw it', () => {
    const count = (pred: (e: Stored) => boolean) => events.filter(pred).length;
    expect(count((e) => e.step === 'COMPLETED' && e.status === 'SUCCESS')).toBe(summary.outcomes.COMPLETED);
    expect(count((e) => e.step === 'REVIEWED' && e.status === 'FAIL')).toBe(summary.outcomes.POLICY_REJECT);
    expect(count((e) => e.status === 'CANCEL')).toBe(summary.outcomes.USER_ABORT);
    expect(summary.outcomes.COMPLETED + summary.outcomes.POLICY_REJECT + summary.outcomes.USER_ABORT).toBe(100);
    // The run exercises every path.
    expect(summary.outcomes.COMPLETED).toBeGreaterThan(50);
    expect(summary.outcomes.POLICY_REJECT).toBeGreaterThan(0);
    expect(summary.outcomes.USER_ABORT).toBeGreaterThan(0);
    expect(summary.failures.QUALITY_LOW.events).toBeGreaterThan(0);
    expect(summary.failures.NETWORK_TIMEOUT.events).toBeGreaterThan(0);
  });

  it('reports failures with the reason codes of seed 000 §5, at the step that failed', () => {
    const failed = events.filter((e) => e.status === 'FAIL').map((e) => `${e.step}/${e.meta?.subType ?? '-'} ${e.reason}`);
    expect(new Set(failed)).toEqual(new Set(['DATA_COLLECTED/OCR QUALITY_LOW', 'DATA_COLLECTED/CB NETWORK_TIMEOUT', 'REVIEWED/- POLICY_REJECT']));
    expect(failed.filter((f) => f.endsWith('QUALITY_LOW'))).toHaveLength(summary.failures.QUALITY_LOW.events);
    expect(failed.filter((f) => f.endsWith('NETWORK_TIMEOUT'))).toHaveLength(summary.failures.NETWORK_TIMEOUT.events);
    expect(new Set(events.filter((e) => e.status === 'CANCEL').map((e) => e.reason))).toEqual(new Set(['USER_ABORT']));
  });

  it('puts the channel, client version and data sub-type in meta', () => {
    for (const e of events) {
      expect(e.meta?.channel).toMatch(/^(WEB|MOBILE_APP|MOBILE_WEB)$/);
      expect(e.meta?.clientVersion).toBeTruthy();
    }
    const data = events.filter((e) => e.step === 'DATA_COLLECTED' && e.status === 'SUCCESS');
    expect(new Set(data.map((e) => e.meta?.subType))).toEqual(new Set(['OCR', 'CB']));
  });

  it('gives the same run for the same seed', async () => {
    // A second service with its own bureau (the stand-in counts calls per customer).
    const recorded: string[] = [];
    const app = createApp({ waymark: { trackProgress: (e) => (recorded.push(`${e.step} ${e.status}`), 'id') }, bureauTimeoutMs: 500 });
    const s = await new Promise<ServerType>((resolve) => {
      const x = serve({ fetch: app.fetch, hostname: '127.0.0.1', port: 0 }, () => resolve(x));
    });
    try {
      const again = await drive({ url: `http://127.0.0.1:${(s.address() as AddressInfo).port}`, applications: 100, seed: 7, concurrency: 3 });
      expect({ ...again, traceIds: [], ms: 0 }).toEqual({ ...summary, traceIds: [], ms: 0 });
      expect(recorded).toHaveLength(summary.events);
    } finally {
      await new Promise((resolve) => s.close(resolve));
    }
  });
});

describe('the loan service, answering bad calls', () => {
  const recorded: unknown[] = [];
  const app = createApp({ waymark: { trackProgress: (e) => (recorded.push(e), 'id') }, newId: () => 'LA-1' });
  const post = (path: string, body: unknown) => app.request(path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: typeof body === 'string' ? body : JSON.stringify(body) });
  const applicant = { customerRef: 'C-1', channel: 'WEB', clientVersion: '3.0.1', amount: 10_000_000, termMonths: 24, annualIncome: 50_000_000 };

  it('answers 400 naming the field and the rule, and records nothing', async () => {
    const res = await post('/applications', { ...applicant, channel: 'TV' });
    expect(res.status).toBe(400);
    const body = (await res.json()) as { error: { code: string; errors: Array<{ path: string; rule: string }> } };
    expect(body.error.code).toBe('validation_failed');
    expect(body.error.errors[0]).toMatchObject({ path: 'channel', rule: 'invalid_value' });
    expect((await post('/applications', '{not json')).status).toBe(400);
    expect(recorded).toEqual([]);
  });

  it('answers 404 for an unknown application and 409 for a step out of order', async () => {
    expect((await post('/applications/nope/identity', { method: 'PASS' })).status).toBe(404);
    expect((await post('/applications', applicant)).status).toBe(201);
    const early = await post('/applications/LA-1/review', {});
    expect(early.status).toBe(409);
    expect(await early.json()).toMatchObject({ error: { code: 'wrong_stage', stage: 'STARTED', next: 'identity' } });
    expect(recorded).toEqual([]);
  });

  it('records a cancel at the step the applicant was on, and refuses steps afterwards', async () => {
    expect((await post('/applications/LA-1/identity', { method: 'PASS' })).status).toBe(200);
    expect((await post('/applications/LA-1/cancel', { screenId: 'ocr_guide' })).status).toBe(200);
    expect(recorded.at(-1)).toMatchObject({ traceId: 'LA-1', step: 'DATA_COLLECTED', status: 'CANCEL', reason: 'USER_ABORT', meta: { subType: 'OCR', screenId: 'ocr_guide' } });
    expect((await post('/applications/LA-1/documents', { documentType: 'ID_CARD', image: { width: 1920, height: 1080, sharpness: 0.9 } })).status).toBe(409);
    expect((await post('/applications/LA-1/cancel', {})).status).toBe(409);
    expect(recorded).toHaveLength(2);
  });
});
