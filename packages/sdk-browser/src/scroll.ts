import type { Client } from '@waymark/core';
import type { On } from './listeners.js';

/**
 * Sends a `scroll` event with `scrollDepth` (percent of the page above the viewport's
 * bottom) when the deepest depth on the current screen grows. The page is measured at
 * most every 250 ms, and an event sent at most every second; the measurement after
 * the last scroll is always taken. Returns the reset to call on a screen change.
 */
export function trackScroll(c: Client, on: On, undo: Array<() => void>, now: () => number) {
  let deepest = 0;
  let sentAt = -1e9;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const measure = () => {
    timer = undefined;
    const h = document.documentElement.scrollHeight;
    const depth = h ? Math.min(100, Math.round(((scrollY + innerHeight) / h) * 100)) : 100;
    if (depth > deepest) {
      deepest = depth;
      sentAt = now();
      c.track('scroll', { scrollDepth: depth });
    }
  };
  on(window, 'scroll', () => (timer ??= setTimeout(measure, Math.max(250, sentAt + 1000 - now()))), { passive: true });
  undo.push(() => clearTimeout(timer));
  return () => (deepest = 0);
}
