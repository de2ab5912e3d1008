import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { send, T0, testCollector } from './helpers.js';

let c: Awaited<ReturnType<typeof testCollector>>;
beforeAll(async () => {
  c = await testCollector({ sweepIntervalMs: 0 });
});
afterAll(() => c.stop());

const ev = (traceId: string, step: string, dt: number, extra: Record<string, unknown> = {}) => ({
  traceId,
  service: 'LOAN',
  step,
  status: 'SUCCESS',
  timestamp: T0 + dt,
  eventId: `${traceId}-${step}-${dt}`,
  ...extra,
});
const journey = (traceId: string) => [
  ev(traceId, 'IDENTITY_VERIFIED', 0),
  ev(traceId, 'DATA_COLLECTED', 3_000, { meta: { subType: 'OCR' } }),
  ev(traceId, 'DATA_COLLECTED', 8_000, { meta: { subType: 'CB' } }),
  ev(traceId, 'FORM_SUBMITTED', 20_000),
  ev(traceId, 'REVIEWED', 21_000),
];

describe('GET /api/traces/:traceId', () => {
  it('gives the same state for events that arrive out of order as for the same events in order', async () => {
    await send(c.url, 'POST', '/api/progress', journey('ordered'));
    const [a, b, c3, d, e] = journey('scrambled');
    for (const batch of [[d], [a, e], [c3], [b]]) expect((await send(c.url, 'POST', '/api/progress', batch)).status).toBeLessThan(300);
    const ordered = (await send(c.url, 'GET', '/api/traces/ordered')).body;
    const scrambled = (await send(c.url, 'GET', '/api/traces/scrambled')).body;
    const comparable = (v: { state: Record<string, unknown> }) => {
      const { traceId: _t, lastEventId: _l, firstReceivedAt: _f, lastReceivedAt: _r, ...rest } = v.state;
      return rest;
    };
    expect(comparable(scrambled)).toEqual(comparable(ordered));
    expect(ordered.state).toEqual({
      traceId: 'ordered',
      service: 'LOAN',
      step: 'REVIEWED',
      status: 'SUCCESS',
      reason: null,
      lastEventId: 'ordered-REVIEWED-21000',
      firstTimestamp: T0,
      lastTimestamp: T0 + 21_000,
      firstReceivedAt: expect.any(Number),
      lastReceivedAt: expect.any(Number),
      eventCount: 5,
      dwellMs: { IDENTITY_VERIFIED: 3_000, DATA_COLLECTED: 5_000 + 12_000, FORM_SUBMITTED: 1_000 },
      terminal: false,
    });
    expect(scrambled.timeline.map((e: { eventId: string; dwellMs: number | null }) => [e.eventId, e.dwellMs])).toEqual([
      ['scrambled-IDENTITY_VERIFIED-0', 3_000],
      ['scrambled-DATA_COLLECTED-3000', 5_000],
      ['scrambled-DATA_COLLECTED-8000', 12_000],
      ['scrambled-FORM_SUBMITTED-20000', 1_000],
      ['scrambled-REVIEWED-21000', null],
    ]);
    expect(scrambled.timeline[1]).toMatchObject({ meta: { subType: 'OCR' }, receivedAt: expect.any(Number) });
  });

  it('follows the event with the greatest timestamp: an earlier event arriving last does not move the journey back', async () => {
    await send(c.url, 'POST', '/api/progress', [ev('late', 'COMPLETED', 50_000)]);
    await send(c.url, 'POST', '/api/progress', [ev('late', 'DATA_COLLECTED', 10_000, { status: 'FAIL', reason: 'QUALITY_LOW' })]);
    const view = (await send(c.url, 'GET', '/api/traces/late')).body;
    expect(view.state).toMatchObject({ step: 'COMPLETED', status: 'SUCCESS', terminal: true, dwellMs: { DATA_COLLECTED: 40_000 } });
  });

  it('keeps step names that look like object internals as plain keys', async () => {
    await send(c.url, 'POST', '/api/progress', [ev('proto', '__proto__', 0), ev('proto', 'constructor', 1_000), ev('proto', 'toString', 3_000)]);
    const view = (await send(c.url, 'GET', '/api/traces/proto')).body;
    expect(view.state.dwellMs).toEqual(JSON.parse('{"__proto__":1000,"constructor":2000}'));
    expect(Object.keys(view.state.dwellMs)).toEqual(['__proto__', 'constructor']);
  });

  it('answers 404 naming the traceId for an unknown journey', async () => {
    const r = await send(c.url, 'GET', '/api/traces/nobody');
    expect([r.status, r.body.error.errors[0]]).toEqual([404, expect.objectContaining({ path: 'traceId', rule: 'exists' })]);
  });
});

describe('GET /api/traces', () => {
  beforeAll(async () => {
    const events = [];
    for (let i = 0; i < 9; i++) {
      const traceId = `tl-${i}`;
      const service = i % 3 === 0 ? 'SIGNUP' : 'MYDATA';
      events.push(ev(traceId, 'IDENTITY_VERIFIED', 100_000 + i * 1_000, { service }));
      if (i % 2 === 0) events.push(ev(traceId, 'DATA_COLLECTED', 100_500 + i * 1_000, { service, ...(i === 4 ? { status: 'FAIL' } : {}) }));
    }
    // One request per journey, so they are stored (and listed) in order.
    for (let i = 0; i < 9; i++) await send(c.url, 'POST', '/api/progress', events.filter((e) => e.traceId === `tl-${i}`));
  });
  const ids = (body: { items: Array<{ traceId: string }> }) => body.items.map((t) => t.traceId);

  it('lists journeys newest first, page by page', async () => {
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const r = await send(c.url, 'GET', `/api/traces?service=MYDATA&limit=2${cursor ? `&cursor=${cursor}` : ''}`);
      expect(r.status).toBe(200);
      seen.push(...ids(r.body));
      cursor = r.body.nextCursor;
      pages++;
    } while (cursor);
    expect(seen).toEqual(['tl-8', 'tl-7', 'tl-5', 'tl-4', 'tl-2', 'tl-1']);
    expect(pages).toBe(3);
  });

  it('filters on the current service, step, status, terminal flag and last timestamp', async () => {
    const get = async (q: string) => ids((await send(c.url, 'GET', `/api/traces?${q}`)).body);
    expect(await get('service=SIGNUP')).toEqual(['tl-6', 'tl-3', 'tl-0']);
    expect(await get('service=MYDATA&step=DATA_COLLECTED')).toEqual(['tl-8', 'tl-4', 'tl-2']);
    expect(await get('service=MYDATA&status=FAIL')).toEqual(['tl-4']);
    expect(await get('service=MYDATA&terminal=true')).toEqual(['tl-4']);
    expect(await get('service=MYDATA&terminal=false&step=IDENTITY_VERIFIED')).toEqual(['tl-7', 'tl-5', 'tl-1']);
    // from ≤ last timestamp < to: tl-2 ended at 102,500 and tl-7 at 107,000
    expect(await get(`service=MYDATA&from=${T0 + 102_501}&to=${T0 + 107_000}`)).toEqual(['tl-5', 'tl-4']);
  });

  it('names every bad parameter with a 400', async () => {
    const r = await send(c.url, 'GET', '/api/traces?status=LOST&terminal=maybe&from=yesterday&limit=5000&cursor=!!&colour=red');
    expect(r.status).toBe(400);
    expect(r.body.error.errors.map((e: { path: string; rule: string }) => [e.path, e.rule]).sort()).toEqual([
      ['colour', 'unknown_key'],
      ['from', 'type'],
      ['limit', 'max'],
      ['status', 'enum'],
      ['terminal', 'enum'],
    ]);
    const cursor = await send(c.url, 'GET', '/api/traces?cursor=!!');
    expect([cursor.status, cursor.body.error.errors[0].path]).toEqual([400, 'cursor']);
  });
});
