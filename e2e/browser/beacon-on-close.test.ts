/**
 * A visitor taps and closes the tab at once, long before the next scheduled flush.
 * The tap still reaches the collector: the SDK hands it to `sendBeacon` on `pagehide`.
 */
import { afterAll, beforeAll, describe, expect, it, onTestFailed } from 'vitest';
import { pollUntil, rejectedItems, uiEventsOf, type StoredUiEvent } from './collector-reads.js';
import { tap, watchPage } from './page-watch.js';
import { scriptTagPage } from './script-tag-page.js';
import { startStack, uniqueDevice, type Stack } from './stack.js';

let stack: Stack;

beforeAll(async () => {
  stack = await startStack();
});

afterAll(async () => {
  await stack?.close();
});

describe('script tag: closing the page', () => {
  it('delivers a tap made right before the page closed', async () => {
    const deviceId = uniqueDevice('close');
    const collector = stack.collector.url;
    stack.site.set(
      '/checkout.html',
      scriptTagPage({
        collector,
        title: 'Checkout',
        // No timed flush within the test: only an explicit flush or the beacon can deliver.
        init: { service: 'E2E_WEB', deviceId, flushAt: 50, flushIntervalMs: 60_000, minBackoffMs: 200, maxBackoffMs: 1000 },
        script: "waymark('screen', 'checkout'); waymark('flush');",
      }),
    );
    const page = await stack.browser.context.newPage();
    const watch = watchPage(page);
    onTestFailed(() => console.log(`page log:\n${watch.lines.join('\n')}`));

    await page.goto(`${stack.site.url}/checkout.html`);
    // The explicit flush delivered the screen: the SDK is loaded and running.
    const isCheckout = (e: StoredUiEvent) => e.eventType === 'screen_enter' && e.screenId === 'checkout';
    const ready = await pollUntil(() => uiEventsOf(collector, deviceId), (es) => es.some(isCheckout), 10_000);
    const entered = ready.find(isCheckout);
    expect(entered).toBeDefined();
    expect(ready.filter((e) => e.eventType === 'tap')).toEqual([]);

    await tap(page, '#buy');
    // Nothing sent the tap while the page was open: what delivers it is the page closing.
    const sentBeforeClose = watch.apiBodies.filter((b) => b.includes('"eventType":"tap"'));
    const closedAt = Date.now();
    await page.close();

    const events = await pollUntil(() => uiEventsOf(collector, deviceId), (es) => es.some((e) => e.eventType === 'tap'), 5_000);
    const arrivedMs = Date.now() - closedAt;
    const taps = events.filter((e) => e.eventType === 'tap');
    expect(sentBeforeClose).toEqual([]);
    expect(taps).toHaveLength(1);
    expect(taps[0]!.sessionId).toBe(entered!.sessionId);
    expect(taps[0]!.sequenceNo).toBe(Math.max(...ready.map((e) => e.sequenceNo)) + 1);
    expect(await rejectedItems(collector)).toEqual([]);
    expect(watch.pageErrors).toEqual([]);

    console.log(
      `beacon on close: ${taps.length} tap stored ${arrivedMs} ms after page.close() (flushIntervalMs 60000), ` +
        `session ${taps[0]!.sessionId.slice(0, 8)}… seq ${events.map((e) => e.sequenceNo).join(',')}`,
    );
  });
});
