import type { BatchItem } from '@waymark/protocol/types';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createBrowserClient, type BrowserOptions } from './browser-client.js';
import { only, testClient, tick } from './test-client.js';

let t: ReturnType<typeof testClient>;
afterEach(async () => {
  await t.stop();
  vi.restoreAllMocks();
});

const setVisibility = (state: DocumentVisibilityState) => {
  Object.defineProperty(document, 'visibilityState', { configurable: true, value: state });
  document.dispatchEvent(new Event('visibilitychange'));
};

describe('page lifecycle', () => {
  it('beacons what waits when the page is hidden or left, once until it is shown again', async () => {
    t = testClient({ autocapture: false });
    t.client.track('opened');
    await t.client.ready;
    await tick();
    setVisibility('hidden');
    window.dispatchEvent(new PageTransitionEvent('pagehide'));
    expect(t.transport.beacons).toHaveLength(1);
    expect(JSON.parse(t.transport.beacons[0]!).items.map((i: BatchItem) => i.kind)).toEqual(['session', 'ui_event']);
    setVisibility('visible');
    window.dispatchEvent(new PageTransitionEvent('pagehide'));
    expect(t.transport.beacons).toHaveLength(2);
    setVisibility('hidden');
    expect(t.transport.beacons).toHaveLength(2);
  });
});

describe('app start', () => {
  it('sends app_start once after load, from navigation timing, with phases and device context', async () => {
    const nav = { domainLookupEnd: 12, connectEnd: 40, responseStart: 95, domInteractive: 310, domComplete: 520, domContentLoadedEventEnd: 330, loadEventEnd: 540.5 };
    vi.spyOn(performance, 'getEntriesByType').mockImplementation((type) => (type === 'navigation' ? [nav as unknown as PerformanceEntry] : []));
    t = testClient({ autocapture: only('performance') });
    await tick();
    const metrics = (await t.items()).filter((i) => i.kind === 'performance');
    expect(metrics).toEqual([
      expect.objectContaining({
        metricType: 'app_start',
        durationMs: 540.5,
        success: true,
        breakdown: { domainLookupEnd: 12, connectEnd: 28, responseStart: 55, domInteractive: 215, domComplete: 210 },
        context: expect.objectContaining({ hardwareConcurrency: navigator.hardwareConcurrency }),
      }),
    ]);
  });

  it('uses DOMContentLoaded when the load event has not ended, and never a negative phase', async () => {
    const nav = { domainLookupEnd: 0, connectEnd: 0, responseStart: 80, domInteractive: 200, domComplete: 0, domContentLoadedEventEnd: 260, loadEventEnd: 0 };
    vi.spyOn(performance, 'getEntriesByType').mockReturnValue([nav as unknown as PerformanceEntry]);
    t = testClient({ autocapture: only('performance') });
    await tick();
    const [metric] = (await t.items()).filter((i) => i.kind === 'performance');
    expect(metric).toMatchObject({ durationMs: 260, breakdown: { domainLookupEnd: 0, connectEnd: 0, responseStart: 80, domInteractive: 120, domComplete: 0 } });
  });

  it('sends nothing without navigation timing', async () => {
    t = testClient({ autocapture: only('performance') });
    await tick();
    expect((await t.items()).filter((i) => i.kind === 'performance')).toEqual([]);
  });
});

describe('options', () => {
  it('refuses a bad option by name, before adding any listener', async () => {
    const add = vi.spyOn(window, 'addEventListener');
    expect(() => createBrowserClient({ service: 'WEB' } as BrowserOptions)).toThrow(expect.objectContaining({ name: 'WaymarkOptionError', option: 'endpoint' }));
    expect(() => createBrowserClient({ endpoint: 'https://c.example', service: 'WEB', flushAt: 0 })).toThrow(expect.objectContaining({ option: 'flushAt' }));
    expect(add).not.toHaveBeenCalled();
    t = testClient({ autocapture: false });
  });

  it('captures nothing with autocapture: false, and everything by default', async () => {
    document.body.innerHTML = '<button id="b">b</button>';
    const tap = () => {
      const b = document.getElementById('b')!;
      b.dispatchEvent(new PointerEvent('pointerdown', { pointerId: 1, bubbles: true }));
      b.dispatchEvent(new PointerEvent('pointerup', { pointerId: 1, bubbles: true }));
    };
    t = testClient({ autocapture: false });
    tap();
    expect(await t.ui()).toEqual([]);
    await t.stop();
    t = testClient();
    await tick(); // the first route's screen is entered after the task that called init
    tap();
    expect((await t.ui()).map((e) => e.eventType)).toEqual(['screen_enter', 'tap']);
  });
});
