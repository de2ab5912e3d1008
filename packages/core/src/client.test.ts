import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createClient } from './client.js';
import { WaymarkOptionError } from './errors.js';
import { fakeCollector } from './fake-collector.js';

const T0 = Date.UTC(2026, 0, 5, 9);
const STAGES = ['attract', 'frame_select', 'options', 'payment', 'capture', 'edit', 'print', 'done'];
const OPTIONS = {
  endpoint: 'http://127.0.0.1:4318',
  service: 'PHOTO_KIOSK',
  deviceId: 'kiosk-1',
  storeId: 'store-9',
  funnel: { stages: STAGES, screens: { 'frame-grid': 'frame_select' }, steps: { payment: 'FORM_SUBMITTED' } },
};

beforeEach(() => {
  vi.useFakeTimers({ now: T0 });
});
afterEach(() => {
  vi.useRealTimers();
  vi.restoreAllMocks();
});

async function kiosk(options: Partial<typeof OPTIONS> & Record<string, unknown> = {}) {
  const c = fakeCollector();
  const client = createClient({ ...OPTIONS, ...options }, c.ports());
  await client.ready;
  return { c, client };
}

describe('sessions and funnel', () => {
  it('sends the session at start and at its end with the behaviour summary and funnel', async () => {
    const { c, client } = await kiosk();
    client.screen('attract');
    vi.advanceTimersByTime(3_000);
    client.track('tap', { target: 'start' });
    client.screen('frame-grid');
    vi.advanceTimersByTime(2_000);
    client.track('scroll', { scrollDepth: 40 });
    client.select('frame-3');
    client.deselect('frame-3');
    client.select('frame-4');
    client.screen('options');
    vi.advanceTimersByTime(1_000);
    client.endSession('completed');
    await client.flush();
    const sessions = c.of('session');
    expect(sessions.map((s) => s.status)).toEqual(['active', 'completed']);
    const end = sessions[1]!;
    expect(end).toMatchObject({
      sessionId: sessions[0]!.sessionId,
      deviceId: 'kiosk-1',
      storeId: 'store-9',
      startedAt: T0,
      endedAt: T0 + 6_000,
      behavior: { totalTaps: 1, totalScrolls: 1, selectionChanges: 3, screenDurations: { attract: 3_000, 'frame-grid': 2_000, options: 1_000 } },
      funnel: { reached: 3, total: 8, exitStage: 'options' },
    });
    expect(end.funnel!.stages).toEqual([
      { stage: 'attract', enteredAt: T0, exitedAt: T0 + 3_000 },
      { stage: 'frame_select', enteredAt: T0 + 3_000, exitedAt: T0 + 5_000 },
      { stage: 'options', enteredAt: T0 + 5_000, exitedAt: T0 + 6_000 },
    ]);
    const ui = c.of('ui_event');
    expect(ui.map((e) => e.eventType)).toEqual(['screen_enter', 'tap', 'screen_exit', 'screen_enter', 'scroll', 'select', 'deselect', 'select', 'screen_exit', 'screen_enter']);
    expect(ui.map((e) => e.sequenceNo)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(ui[2]).toMatchObject({ eventType: 'screen_exit', screenId: 'attract', durationMs: 3_000 });
  });

  it('emits a progress event per stage transition: SUCCESS forward, CANCEL on back-out, DROPPED on timeout', async () => {
    const { c, client } = await kiosk();
    for (const s of ['attract', 'frame-grid', 'options', 'payment']) client.screen(s);
    client.screen('options'); // back out of payment
    vi.advanceTimersByTime(120_000); // no activity: the session times out
    await client.flush();
    const progress = c.of('progress');
    const sessionId = c.of('session')[0]!.sessionId;
    expect(progress.map((p) => [p.traceId, p.service, p.step, p.status, p.reason, p.meta?.subType])).toEqual([
      [sessionId, 'PHOTO_KIOSK', 'DATA_COLLECTED', 'SUCCESS', null, 'attract'],
      [sessionId, 'PHOTO_KIOSK', 'DATA_COLLECTED', 'SUCCESS', null, 'frame_select'],
      [sessionId, 'PHOTO_KIOSK', 'DATA_COLLECTED', 'SUCCESS', null, 'options'],
      [sessionId, 'PHOTO_KIOSK', 'FORM_SUBMITTED', 'SUCCESS', null, 'payment'],
      [sessionId, 'PHOTO_KIOSK', 'FORM_SUBMITTED', 'CANCEL', 'BACK_OUT', 'payment'],
      [sessionId, 'PHOTO_KIOSK', 'DATA_COLLECTED', 'DROPPED', 'TIMEOUT', 'options'],
    ]);
    expect(c.of('session').map((s) => [s.status, s.endedAt, s.funnel?.exitStage])).toEqual([
      ['active', null, null],
      ['timeout', T0, 'options'],
    ]);
  });

  it('marks the last stage COMPLETED, a cancel CANCEL and an error FAIL', async () => {
    const { c, client } = await kiosk();
    for (const s of STAGES) client.screen(s);
    client.endSession();
    client.screen('attract');
    client.captureError(new Error('card declined'), { errorType: 'PAYMENT_DECLINED' });
    client.cancel();
    await client.flush();
    const p = c.of('progress').map((e) => `${e.meta?.subType}:${e.step}:${e.status}:${e.reason ?? ''}`);
    expect(p.slice(7)).toEqual(['done:COMPLETED:SUCCESS:', 'attract:DATA_COLLECTED:SUCCESS:', 'attract:DATA_COLLECTED:FAIL:PAYMENT_DECLINED', 'attract:DATA_COLLECTED:CANCEL:USER_ABORT']);
    expect(c.of('session').map((s) => s.status)).toEqual(['active', 'completed', 'active', 'cancelled']);
  });

  it('starts a new session on activity after a timeout and numbers it from 1', async () => {
    const { c, client } = await kiosk({ sessionTimeoutMs: 1_000 });
    client.track('tap');
    client.track('tap');
    const first = client.sessionId;
    vi.advanceTimersByTime(1_500);
    client.track('tap');
    await client.flush();
    expect(client.sessionId).not.toBe(first);
    expect(c.of('ui_event').map((e) => [e.sessionId === first, e.sequenceNo])).toEqual([
      [true, 1],
      [true, 2],
      [false, 1],
    ]);
  });

  it('runs calls made before stored state is loaded, in order and at the time they were made', async () => {
    const c = fakeCollector();
    const client = createClient(OPTIONS, c.ports());
    client.screen('attract');
    vi.setSystemTime(T0 + 700);
    client.track('tap');
    await client.ready;
    await client.flush();
    expect(c.of('ui_event').map((e) => [e.eventType, e.timestamp, e.sequenceNo])).toEqual([
      ['screen_enter', T0, 1],
      ['tap', T0 + 700, 2],
    ]);
  });

  it('sends custom events and progress events with the service and session defaults', async () => {
    const { c, client } = await kiosk();
    client.track('photo_shared', { props: { via: 'qr' } });
    client.trackProgress({ step: 'IDENTITY_VERIFIED', status: 'SUCCESS' });
    client.trackProgress({ traceId: 'loan-77', service: 'LOAN', step: 'REVIEWED', status: 'FAIL', reason: 'POLICY_REJECT' });
    await client.flush();
    expect(c.of('ui_event')[0]).toMatchObject({ eventType: 'custom', name: 'photo_shared', props: { via: 'qr' } });
    expect(c.of('progress').map((p) => [p.traceId, p.service, p.step, p.status])).toEqual([
      [client.sessionId, 'PHOTO_KIOSK', 'IDENTITY_VERIFIED', 'SUCCESS'],
      ['loan-77', 'LOAN', 'REVIEWED', 'FAIL'],
    ]);
  });
});

describe('performance', () => {
  it('measures with marks, a breakdown and the platform context', async () => {
    const c = fakeCollector();
    const client = createClient(OPTIONS, { ...c.ports(), platform: { sdk: { name: 't', version: '0' }, perfContext: () => ({ cpuCount: 4 }) } });
    await client.ready;
    client.track('tap');
    const timer = client.startTimer('capture');
    vi.advanceTimersByTime(120);
    timer.mark('shutter');
    vi.advanceTimersByTime(380);
    timer.mark('save');
    vi.advanceTimersByTime(10);
    expect(timer.end()).toBe(510);
    timer.end({ success: false }); // a second end changes nothing
    await client.flush();
    expect(c.of('performance')).toEqual([
      expect.objectContaining({ metricType: 'capture', durationMs: 510, success: true, breakdown: { shutter: 120, save: 380 }, context: { cpuCount: 4 }, sessionId: client.sessionId }),
    ]);
  });

  it('measures sync and async work, failing when it throws or rejects', async () => {
    const { c, client } = await kiosk();
    expect(client.measure('render', () => 7)).toBe(7);
    expect(() => client.measure('print', () => { throw new Error('paper out'); })).toThrow('paper out');
    const slow = client.measure('upload_photo', () => new Promise((resolve) => setTimeout(resolve, 300)));
    await vi.advanceTimersByTimeAsync(300);
    await slow;
    await expect(client.measure('payment', () => Promise.reject(new Error('declined')))).rejects.toThrow('declined');
    await client.flush();
    expect(c.of('performance').map((m) => [m.metricType, m.name, m.success, m.durationMs])).toEqual([
      ['render', undefined, true, 0],
      ['print', undefined, false, 0],
      ['custom', 'upload_photo', true, 300],
      ['payment', undefined, false, 0],
    ]);
  });
});

describe('errors', () => {
  it('attaches the last 50 breadcrumbs, a device snapshot and a category', async () => {
    const c = fakeCollector();
    const client = createClient(OPTIONS, { ...c.ports(), platform: { sdk: { name: 't', version: '0' }, snapshot: () => ({ online: false }) } });
    await client.ready;
    client.screen('attract');
    for (let i = 0; i < 60; i++) client.track('tap', { target: `b${i}` });
    client.addBreadcrumb('network', 'GET /prices failed', { status: 502 });
    client.captureError(Object.assign(new Error('connect ECONNREFUSED 10.0.0.5:443'), { code: 'ECONNREFUSED' }));
    client.captureError(new Error('Printer not responding'), { severity: 'fatal' });
    client.captureError('plain string', { category: 'hardware' });
    await client.flush();
    const [net, printer, text] = c.of('error');
    expect(net!.breadcrumbs).toHaveLength(50);
    expect(net!.breadcrumbs!.at(-1)).toMatchObject({ type: 'network', message: 'GET /prices failed', data: { status: 502 } });
    expect(net!.breadcrumbs![0]).toMatchObject({ type: 'tap', message: 'tap b11' });
    expect([net!.category, printer!.category, text!.category]).toEqual(['network', 'hardware', 'hardware']);
    expect(net).toMatchObject({ severity: 'error', errorType: 'Error', deviceSnapshot: { online: false }, screenId: 'attract', sessionId: client.sessionId });
    expect(printer!.stack).toContain('Printer not responding');
    expect(text).toMatchObject({ message: 'plain string' });
  });

  it('wrap() reports what a function throws or rejects with, and passes it on', async () => {
    const { c, client } = await kiosk();
    const sync = client.wrap(() => {
      throw new TypeError('x is undefined');
    });
    expect(() => sync()).toThrow(TypeError);
    const failing = client.wrap(async () => {
      throw new Error('socket hang up');
    });
    await expect(failing()).rejects.toThrow('socket hang up');
    expect(client.wrap((a: number, b: number) => a + b)(2, 3)).toBe(5);
    await client.flush();
    expect(c.of('error').map((e) => [e.errorType, e.category])).toEqual([
      ['TypeError', 'software'],
      ['Error', 'network'],
    ]);
  });
});

describe('experiments', () => {
  it('assigns variants deterministically by device, in proportion to the weights', async () => {
    const counts: Record<string, number> = { a: 0, b: 0 };
    for (let i = 0; i < 4_000; i++) {
      const { client } = await kiosk({ deviceId: `kiosk-${i}` });
      const v = client.assignVariant('frame_layout', ['a', 'b'], [3, 1]);
      expect(client.assignVariant('frame_layout', ['a', 'b'], [3, 1])).toBe(v);
      counts[v]!++;
    }
    expect(counts.a! / 4_000).toBeGreaterThan(0.72);
    expect(counts.a! / 4_000).toBeLessThan(0.78);
  });

  it('puts experiments on the session and every item', async () => {
    const { c, client } = await kiosk();
    client.setExperiment('price_display', 'bold');
    client.track('tap');
    client.trackProgress({ step: 'REVIEWED', status: 'SUCCESS' });
    client.captureError(new Error('x'));
    client.endSession();
    await client.flush();
    for (const item of [...c.of('ui_event'), ...c.of('error'), c.of('session')[1]!]) expect(item.experiments).toEqual({ price_display: 'bold' });
    expect(c.of('progress')[0]!.meta).toMatchObject({ experiments: { price_display: 'bold' } });
  });
});

describe('options', () => {
  it('refuses a bad option by name', () => {
    const c = fakeCollector();
    const bad: Array<[Record<string, unknown>, string]> = [
      [{ endpoint: 'localhost:4318' }, 'endpoint'],
      [{ service: '' }, 'service'],
      [{ flushAt: 0 }, 'flushAt'],
      [{ sessionTimeoutMs: 1.5 }, 'sessionTimeoutMs'],
      [{ deviceId: '' }, 'deviceId'],
      [{ funnel: { stages: ['a', 'a'] } }, 'funnel.stages'],
    ];
    for (const [patch, option] of bad) {
      expect(() => createClient({ ...OPTIONS, ...patch } as never, c.ports())).toThrow(expect.objectContaining({ name: 'WaymarkOptionError', option }));
    }
    expect(() => createClient({ ...OPTIONS, flushAt: -1 }, c.ports())).toThrow(WaymarkOptionError);
  });
});
