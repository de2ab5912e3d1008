import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { only, testClient } from './test-client.js';

let t: ReturnType<typeof testClient>;
beforeEach(() => {
  vi.useFakeTimers();
  // A page four viewports (768 px) high.
  Object.defineProperty(document.documentElement, 'scrollHeight', { configurable: true, value: 3072 });
  window.scrollTo(0, 0);
  t = testClient({ autocapture: only('scroll') });
});
afterEach(async () => {
  vi.useRealTimers();
  await t.stop();
});

const scroll = (y: number) => {
  window.scrollTo(0, y);
  window.dispatchEvent(new Event('scroll'));
};
const wait = (ms: number) => {
  t.time.mono += ms;
  vi.advanceTimersByTime(ms);
};

describe('scroll depth', () => {
  it('sends the depth to the viewport bottom only when it grows, at most once a second, and again after a screen change', async () => {
    t.client.screen('catalog');
    scroll(768); // 50 %
    wait(249);
    expect(await t.ui()).toHaveLength(1);
    wait(1);
    scroll(0); // back up: 25 %
    wait(1000);
    scroll(1536); // 75 %
    scroll(1600);
    wait(250);
    scroll(2304); // the bottom, within a second of the last event
    wait(999);
    expect((await t.ui()).map((e) => e.scrollDepth).filter(Boolean)).toEqual([50, 77]);
    wait(1);
    scroll(2300); // the bottom again: not deeper
    wait(1000);
    t.client.screen('detail');
    scroll(1536); // 75 %, not as deep as before but on a new screen
    wait(249);
    expect((await t.ui()).filter((e) => e.eventType === 'scroll')).toHaveLength(3);
    wait(1);
    const events = (await t.ui()).filter((e) => e.eventType === 'scroll');
    expect(events.map((e) => [e.screenId, e.scrollDepth])).toEqual([
      ['catalog', 50],
      ['catalog', 77],
      ['catalog', 100],
      ['detail', 75],
    ]);
  });

  it('stops measuring on destroy', async () => {
    scroll(768);
    t.client.destroy();
    wait(1000);
    scroll(2304);
    wait(1000);
    expect(await t.ui()).toEqual([]);
  });
});
