/**
 * A page calls the SDK before its file has arrived (slow network): the stub queues the
 * calls, and once the file loads they run, in the order they were made.
 */
import { afterAll, beforeAll, describe, expect, it, onTestFailed } from 'vitest';
import { pollUntil, progressOf, rejectedItems, sessionEvents, sleep, uiEventsOf, type StoredUiEvent } from './collector-reads.js';
import { watchPage } from './page-watch.js';
import { scriptTagPage } from './script-tag-page.js';
import { startStack, uniqueDevice, type Stack } from './stack.js';

const SDK_DELAY_MS = 800;

let stack: Stack;

beforeAll(async () => {
  stack = await startStack();
});

afterAll(async () => {
  await stack?.close();
});

interface EarlyState {
  /** Whether the SDK file had been fetched when the second group of calls ran. */
  sdkFetched: boolean;
  /** Calls waiting in the stub's queue right after the second group. */
  queued: number;
}

describe('script tag: calls before the SDK loads', () => {
  it('runs queued calls in call order once the SDK arrives', async () => {
    const deviceId = uniqueDevice('early');
    const collector = stack.collector.url;
    stack.site.set(
      '/apply.html',
      scriptTagPage({
        collector,
        title: 'Apply',
        init: { service: 'E2E_WEB', deviceId, flushAt: 50, flushIntervalMs: 60_000, minBackoffMs: 200, maxBackoffMs: 1000 },
        // Some calls inline, more a little later (still before the delayed file arrives).
        script: `
waymark('screen', 'intro');
waymark('track', 'custom_a', { props: { n: 1 } });
setTimeout(function () {
  waymark('trackProgress', { step: 'DATA_COLLECTED', status: 'SUCCESS', meta: { screenId: 'intro' } });
  waymark('track', 'custom_b', { props: { n: 2 } });
  waymark('select', 'plan_basic');
  waymark('flush');
  window.__early = {
    sdkFetched: performance.getEntriesByType('resource').some(function (e) { return e.name.indexOf('/sdk/waymark.min.js') >= 0; }),
    queued: (window.waymark.q || []).length
  };
}, 200);`,
      }),
    );
    const page = await stack.browser.context.newPage();
    const watch = watchPage(page);
    onTestFailed(() => console.log(`page log:\n${watch.lines.join('\n')}`));
    let sdkRequests = 0;
    await page.route('**/sdk/waymark.min.js', async (route) => {
      sdkRequests++;
      await sleep(SDK_DELAY_MS);
      // On to the collector, or to the context's handler when there is one.
      await route.fallback();
    });

    await page.goto(`${stack.site.url}/apply.html`);
    await page.waitForFunction(() => (window as { __early?: unknown }).__early !== undefined);
    const early = (await page.evaluate(() => (window as unknown as { __early: EarlyState }).__early)) as EarlyState;
    // The set-up is what it claims: every call was made before the SDK file arrived.
    expect(sdkRequests).toBe(1);
    expect(early).toEqual({ sdkFetched: false, queued: 7 });

    const isMine = (e: StoredUiEvent) =>
      (e.eventType === 'screen_enter' && e.screenId === 'intro') || (e.eventType === 'custom' && (e.name === 'custom_a' || e.name === 'custom_b')) || (e.eventType === 'select' && e.target === 'plan_basic');
    const events = await pollUntil(() => uiEventsOf(collector, deviceId), (es) => es.filter(isMine).length >= 4, 10_000);
    const mine = events.filter(isMine);
    expect(mine.map((e) => (e.eventType === 'custom' ? e.name : e.eventType))).toEqual(['screen_enter', 'custom_a', 'custom_b', 'select']);
    const seqs = mine.map((e) => e.sequenceNo);
    expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
    expect(new Set(seqs).size).toBe(seqs.length);

    const sessionId = mine[0]!.sessionId;
    expect(new Set(events.map((e) => e.sessionId))).toEqual(new Set([sessionId]));
    const listed = await sessionEvents(collector, sessionId);
    expect(listed.map((e) => e.sequenceNo)).toEqual(listed.map((_, i) => i + 1));

    // The progress event arrived too, on the session's journey, between the two custom events.
    const progress = await pollUntil(() => progressOf(collector, sessionId), (ps) => ps.length > 0, 5_000);
    expect(progress.map((p) => [p.step, p.status, p.service])).toEqual([['DATA_COLLECTED', 'SUCCESS', 'E2E_WEB']]);
    const [a, b] = [mine[1]!, mine[2]!];
    expect(progress[0]!.timestamp).toBeGreaterThanOrEqual(a.timestamp);
    expect(progress[0]!.timestamp).toBeLessThanOrEqual(b.timestamp);

    expect(await rejectedItems(collector)).toEqual([]);
    expect(watch.pageErrors).toEqual([]);

    console.log(
      `early calls: SDK file held ${SDK_DELAY_MS} ms, ${early.queued} calls queued by the stub; stored in call order ` +
        `screen_enter#${seqs[0]} custom_a#${seqs[1]} custom_b#${seqs[2]} select#${seqs[3]} + 1 progress (${progress[0]!.step}); ` +
        `session seq 1..${listed.length} no gap`,
    );
    await page.close();
  });
});
