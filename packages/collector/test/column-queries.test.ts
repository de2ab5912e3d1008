import type { ProgressEvent } from '@waymark/protocol/types';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bottleneckReport } from '../src/domain/bottlenecks.js';
import { traceLevels, type FunnelEvent } from '../src/domain/funnel.js';
import { funnelAnswer, type FunnelQuery } from '../src/domain/funnel-query.js';
import type { BottleneckEventRow } from '../src/store/analytics.js';
import Database from 'better-sqlite3';
import { bottlenecksOverColumns, funnelOverColumns } from '../src/store/sqlite/column-queries.js';
import { EventColumns } from '../src/store/sqlite/event-columns.js';
import { createSqliteStore, type PreparedItem } from '../src/store/index.js';
import { seededRandom, tempDir } from './helpers.js';

/**
 * The store answers funnels and bottlenecks from its in-memory columns. Here they are
 * checked against the domain's reference functions applied to the events themselves,
 * over random journeys with late, repeated, tied and duplicate events, non-text meta
 * values, events added between queries, and a retention purge.
 */

const D = Date.UTC(2026, 10, 1);
const STEPS = ['APPLICATION_STARTED', 'IDENTITY_VERIFIED', 'DATA_COLLECTED', 'REVIEWED', 'COMPLETED', 'DROPPED'];
const STAGES = ['attract', 'select', 'capture', 'payment', 'done'];


interface Sent {
  event: ProgressEvent & { eventId: string };
  receivedAt: number;
}

describe('funnels and bottlenecks from the columns', () => {
  const rnd = seededRandom(42);
  const pick = <T>(list: readonly T[]) => list[Math.floor(rnd() * list.length)]!;
  const { dir, cleanup } = tempDir();
  const store = createSqliteStore({ path: join(dir, 'columns.db') });
  /** Stored events in arrival order (duplicates left out, as the store leaves them out). */
  let stored: Sent[] = [];
  let n = 0;

  function makeEvents(count: number, receivedAt: number): Sent[] {
    const out: Sent[] = [];
    for (let i = 0; i < count; i++) {
      const trace = `t-${Math.floor(rnd() * 150)}`;
      const service = rnd() < 0.7 ? 'LOAN' : 'KIOSK';
      const status = pick(['SUCCESS', 'SUCCESS', 'SUCCESS', 'FAIL', 'CANCEL', 'DROPPED'] as const);
      const step = pick(STEPS);
      // Timestamps on a coarse grid, so ties happen; some far out of order.
      const timestamp = D + Math.floor(rnd() * 40) * 60_000 - (rnd() < 0.1 ? 3_600_000 : 0);
      const meta: Record<string, unknown> = { channel: pick(['WEB', 'MOBILE_APP', 'MOBILE_WEB']), subType: pick(STAGES) };
      if (rnd() < 0.2) meta.tier = pick([1, 2, true, 'gold', null]);
      if (status === 'DROPPED' && rnd() < 0.7) meta.lastStep = rnd() < 0.9 ? pick(STEPS) : 7;
      const event = { eventId: `e-${n++}`, traceId: trace, service, step, status, reason: status === 'SUCCESS' ? null : pick(['TIMEOUT', 'QUALITY_LOW', null]), meta, timestamp } as Sent['event'];
      out.push({ event, receivedAt });
    }
    return out;
  }

  async function send(events: Sent[]) {
    const items = events.map((s): PreparedItem => ({ kind: 'progress', record: s.event, receivedAt: s.receivedAt }));
    // A replay of some of them: stored once.
    const replayed = items.filter((_, i) => i % 7 === 0);
    const outcomes = await store.ingest([...items, ...replayed]);
    expect(outcomes.slice(items.length).every((o) => o === 'duplicate')).toBe(true);
    stored.push(...events);
  }

  function referenceFunnel(q: FunnelQuery) {
    const key = q.breakdown?.slice('meta.'.length);
    const text = (v: unknown) => (v === undefined || v === null ? null : typeof v === 'string' ? v : JSON.stringify(v));
    const events: FunnelEvent[] = stored
      .map(({ event: e }) => ({ e, step: q.stepField === 'meta.subType' ? (e.meta?.subType as string) : e.step }))
      .filter(({ e, step }) => e.service === q.service && q.steps.includes(step) && e.timestamp >= (q.from ?? 0) && e.timestamp <= (q.to ?? Infinity))
      .map(({ e, step }) => ({ traceId: e.traceId, step, timestamp: e.timestamp, group: key ? text(e.meta?.[key]) : null }));
    return funnelAnswer(q, traceLevels(events, q.steps, q.window));
  }

  function referenceBottlenecks(service: string, from: number, to: number) {
    const rows: BottleneckEventRow[] = stored
      .filter(({ event: e }) => e.service === service && e.timestamp >= from && e.timestamp <= to)
      .map(({ event: e }) => ({ traceId: e.traceId, step: e.step, status: e.status, reason: e.reason ?? null, timestamp: e.timestamp, lastStep: typeof e.meta?.lastStep === 'string' ? e.meta.lastStep : null }));
    // Timestamp order; a stable sort keeps arrival order for ties.
    return bottleneckReport(rows.sort((a, b) => a.timestamp - b.timestamp), 'Asia/Seoul');
  }

  const funnels: FunnelQuery[] = [
    { service: 'LOAN', steps: ['APPLICATION_STARTED', 'IDENTITY_VERIFIED', 'REVIEWED', 'COMPLETED'], window: 20 * 60_000 },
    { service: 'LOAN', steps: ['IDENTITY_VERIFIED', 'DATA_COLLECTED', 'DATA_COLLECTED'], window: 3_600_000, from: D, to: D + 30 * 60_000, breakdown: 'meta.channel' },
    { service: 'LOAN', steps: ['APPLICATION_STARTED', 'REVIEWED'], window: 10 * 60_000, breakdown: 'meta.tier' },
    { service: 'KIOSK', steps: ['attract', 'select', 'payment', 'done'], window: 30 * 60_000, stepField: 'meta.subType' },
    { service: 'NOBODY', steps: ['A', 'B'], window: 1_000 },
  ];

  /**
   * The store's answers, and those of columns read in small chunks beside it, which
   * compact (lay journeys side by side) every few hundred events.
   */
  async function expectSame() {
    small.catchUp();
    for (const q of funnels) {
      const expected = referenceFunnel(q);
      expect(await store.funnel(q)).toEqual(expected);
      expect(funnelOverColumns(small, q)).toEqual(expected);
    }
    for (const [service, from, to] of [['LOAN', 0, Number.MAX_SAFE_INTEGER], ['KIOSK', D, D + 20 * 60_000], ['LOAN', D + 10 * 60_000, D + 11 * 60_000]] as const) {
      const expected = referenceBottlenecks(service, from, to);
      expect(await store.bottlenecks({ service, from, to, timeZone: 'Asia/Seoul' })).toEqual(expected);
      expect(bottlenecksOverColumns(small, { service, from, to, timeZone: 'Asia/Seoul' })).toEqual(expected);
    }
  }

  let reader: Database.Database;
  let small: EventColumns;
  beforeAll(async () => {
    await store.ready;
    reader = new Database(join(dir, 'columns.db'), { readonly: true });
    small = new EventColumns(reader, { chunkRows: 200 });
  });
  afterAll(async () => {
    reader.close();
    await store.close();
    cleanup();
  });

  it('equal the reference functions over the same events', async () => {
    await send(makeEvents(3_000, D));
    const answer = await store.funnel(funnels[0]!);
    expect(answer.funnel[0]!.traces).toBeGreaterThan(50);
    expect(answer.funnel[3]!.traces).toBeGreaterThan(0);
    await expectSame();
  });

  it('include events stored after a first query, and a breakdown key asked for later', async () => {
    await send(makeEvents(1_500, D + 3_600_000));
    funnels.push({ service: 'LOAN', steps: ['IDENTITY_VERIFIED', 'COMPLETED'], window: 3_600_000, breakdown: 'meta.subType' });
    await expectSame();
  });

  it('leave out the events a retention purge deleted', async () => {
    const deleted = await store.purgeBefore(D + 1);
    expect(deleted).toBe(3_000);
    stored = stored.filter((s) => s.receivedAt >= D + 1);
    await expectSame();
  });
});
