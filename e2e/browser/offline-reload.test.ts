/**
 * A visitor taps and scrolls, loses the connection, keeps tapping, reloads the page
 * while the collector is still out of reach, taps again, and comes back online. Every
 * tap reaches the collector exactly once, in one session whose sequence numbers run
 * 1..n without a gap.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, onTestFailed } from 'vitest';
import { startCollectorGate, type CollectorGate } from './collector-gate.js';
import { itemCount, pollUntil, rejectedItems, sessionEvents, sessionsOf, sleep, uiEventsOf, type StoredUiEvent } from './collector-reads.js';
import { tap, watchPage } from './page-watch.js';
import { scriptTagPage } from './script-tag-page.js';
import { startStack, uniqueDevice, type Stack } from './stack.js';

const TAPS_ONLINE = 5;
const TAPS_OFFLINE = 4;
const TAPS_AFTER_RELOAD = 3;
const SCROLLS = 3;

let stack: Stack;
let gate: CollectorGate;

beforeAll(async () => {
  stack = await startStack();
  gate = await startCollectorGate(stack.collector.url);
});

afterAll(async () => {
  await stack?.close();
  await gate?.close();
});

const tapsOf = (events: StoredUiEvent[]) => events.filter((e) => e.eventType === 'tap');

async function tapTimes(page: Page, n: number) {
  for (let i = 0; i < n; i++) {
    await tap(page, '#buy');
    await sleep(60);
  }
}

describe('script tag: offline, reload, back online', () => {
  it('delivers every tap exactly once, in one session with sequence numbers 1..n', async () => {
    const deviceId = uniqueDevice('offline');
    const collector = stack.collector.url;
    stack.site.set(
      '/shop.html',
      scriptTagPage({
        collector: gate.url,
        title: 'Shop',
        init: { service: 'E2E_WEB', deviceId, flushAt: 50, flushIntervalMs: 500, minBackoffMs: 200, maxBackoffMs: 1000 },
        script: "waymark('screen', 'home');",
      }),
    );
    const { context } = stack.browser;
    const page = await context.newPage();
    const watch = watchPage(page);
    onTestFailed(() => console.log(`page log:\n${watch.lines.join('\n')}`));

    await page.goto(`${stack.site.url}/shop.html`);
    // The SDK has loaded and sent once: the screen is stored.
    const loaded = await pollUntil(() => uiEventsOf(collector, deviceId), (es) => es.some((e) => e.eventType === 'screen_enter' && e.screenId === 'home'), 10_000);
    expect(loaded.map((e) => e.screenId)).toContain('home');

    // Online: taps and scrolls.
    await tapTimes(page, TAPS_ONLINE);
    await page.mouse.move(640, 400);
    for (let i = 0; i < SCROLLS; i++) {
      await page.mouse.wheel(0, 1200);
      await sleep(300);
    }
    const online = await pollUntil(() => uiEventsOf(collector, deviceId), (es) => tapsOf(es).length >= TAPS_ONLINE, 10_000);
    expect(tapsOf(online)).toHaveLength(TAPS_ONLINE);

    // The browser goes offline (navigator.onLine false, every request fails), and the
    // visitor keeps tapping. Let the SDK try and fail at least once.
    await context.setOffline(true);
    await tapTimes(page, TAPS_OFFLINE);
    await sleep(800);

    // Reload while the collector is still out of reach. setOffline would also stop the
    // page itself from loading, so from here the outage is the gate's (see
    // collector-gate.ts): the page and the SDK file load, /api/* is cut, beacons too.
    gate.down();
    await context.setOffline(false);
    const reloadAt = Date.now();
    await page.reload();
    await tapTimes(page, TAPS_AFTER_RELOAD);
    await sleep(1_500);
    const during = await uiEventsOf(collector, deviceId);
    // Nothing got through during the outage: it was real.
    expect(tapsOf(during)).toHaveLength(TAPS_ONLINE);
    expect(gate.counts().cut).toBeGreaterThan(0);

    // Back online.
    const backAt = Date.now();
    gate.up();
    const total = TAPS_ONLINE + TAPS_OFFLINE + TAPS_AFTER_RELOAD;
    await pollUntil(() => uiEventsOf(collector, deviceId), (es) => tapsOf(es).length >= total, 15_000);
    const deliveredMs = Date.now() - backAt;
    // Give late retries a chance to show up as extra taps.
    await sleep(1_000);
    const events = await uiEventsOf(collector, deviceId);
    const taps = tapsOf(events);

    expect(taps).toHaveLength(total);
    expect(new Set(events.map((e) => e.eventId)).size).toBe(events.length);
    expect(new Set(events.map((e) => `${e.sessionId}#${e.sequenceNo}`)).size).toBe(events.length);

    // One session across the reload: taps from before and after it carry the same id.
    const sessionIds = [...new Set(events.map((e) => e.sessionId))];
    expect(sessionIds).toHaveLength(1);
    const sessionId = sessionIds[0]!;
    expect(taps.filter((t) => t.timestamp < reloadAt).length).toBe(TAPS_ONLINE + TAPS_OFFLINE);
    expect(taps.filter((t) => t.timestamp >= reloadAt).length).toBe(TAPS_AFTER_RELOAD);
    expect((await sessionsOf(collector, deviceId)).map((s) => s.sessionId)).toEqual([sessionId]);

    // Sequence numbers 1..n, no gap, as the session route lists them.
    const listed = await sessionEvents(collector, sessionId);
    expect(listed.map((e) => e.sequenceNo)).toEqual(listed.map((_, i) => i + 1));
    expect(listed).toHaveLength(events.length);

    // Scrolling was captured, deeper each time within a page view (the reloaded page
    // measures afresh from the scroll position the browser restores).
    const scrolls = events.filter((e) => e.eventType === 'scroll');
    expect(scrolls.length).toBeGreaterThan(0);
    for (const view of [scrolls.filter((e) => e.timestamp < reloadAt), scrolls.filter((e) => e.timestamp >= reloadAt)]) {
      const depths = view.map((e) => e.scrollDepth ?? 0);
      expect(depths.filter((d, i) => i > 0 && d <= depths[i - 1]!)).toEqual([]);
    }
    expect(scrolls[0]!.scrollDepth).toBeGreaterThan(0);

    expect(await rejectedItems(collector)).toEqual([]);
    expect(watch.pageErrors).toEqual([]);

    const duplicates = await itemCount(collector, 'ui_event', 'duplicate');
    const kinds = Object.entries(events.reduce<Record<string, number>>((m, e) => ({ ...m, [e.eventType]: (m[e.eventType] ?? 0) + 1 }), {}))
      .map(([k, n]) => `${k}=${n}`)
      .join(' ');
    console.log(
      `offline/reload: ${taps.length}/${total} taps stored once (${TAPS_ONLINE} online, ${TAPS_OFFLINE} offline, ${TAPS_AFTER_RELOAD} after reload), ` +
        `session ${sessionId.slice(0, 8)}… seq 1..${listed.length} no gap [${kinds}], max scrollDepth ${Math.max(...scrolls.map((e) => e.scrollDepth ?? 0))}%, ` +
        `${gate.counts().cut} requests cut during the outage, ${duplicates} replayed duplicates ignored, delivered ${deliveredMs} ms after reconnect`,
    );
    await page.close();
  });
});
