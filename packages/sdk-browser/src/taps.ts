import type { Client, UiFields } from '@waymark/core';
import type { On } from './listeners.js';

/** What a tap can hit: interactive elements and those marked for tracking. */
const INTERACTIVE = 'button,a,input,select,textarea,label,[role=button],[data-waymark-id],[onclick]';

/** An element's name for `target`: its data-waymark-id, else its id, else its tag. */
export const nameOf = (el: Element) => (el.getAttribute('data-waymark-id') || el.id || el.localName).slice(0, 64);

/** A point normalised to the viewport, to 4 decimals. */
const at = (x: number, y: number) => ({ x: +(x / innerWidth).toFixed(4), y: +(y / innerHeight).toFixed(4) });

/**
 * Where a point at (x, y) in the viewport landed: `success` on or inside an interactive
 * element, `miss` elsewhere in the viewport (with the nearest interactive element and
 * the distance to its box, in px), `outside` beyond the viewport.
 */
export function hitTest(t: Element, x: number, y: number): UiFields {
  const el = t.closest(INTERACTIVE);
  if (el) return { target: nameOf(el), hitResult: 'success' };
  const out = x < 0 || y < 0 || x > innerWidth || y > innerHeight;
  const f: UiFields = { target: nameOf(t), hitResult: out ? 'outside' : 'miss' };
  let best = Infinity;
  if (!out)
    for (const e of document.querySelectorAll(INTERACTIVE)) {
      const r = e.getBoundingClientRect();
      const d = Math.hypot(Math.max(r.left - x, 0, x - r.right), Math.max(r.top - y, 0, y - r.bottom));
      // Hidden elements have an empty box.
      if ((r.width || r.height) && d < best) (best = d), (f.nearestTarget = nameOf(e)), (f.distanceToTarget = Math.round(d));
    }
  return f;
}

/**
 * Sends `tap` (held under 500 ms) or `long_press` from a pointer that went down and
 * up within 10 px, with positions normalised to the viewport, the duration and the
 * hit test. A pointer that moved further (a swipe, a drag) or was cancelled sends nothing.
 */
export function trackTaps(c: Client, on: On, now: () => number) {
  let d: PointerEvent | undefined;
  let t0 = 0;
  on(document, 'pointerdown', (e: PointerEvent) => ((d = e.button ? undefined : e), (t0 = now())), true);
  on(
    document,
    'pointerup',
    (e: PointerEvent) => {
      const { clientX: x, clientY: y, target } = e;
      const ms = Math.round(now() - t0);
      const p = at(x, y);
      if (d?.pointerId === e.pointerId && Math.hypot(x - d.clientX, y - d.clientY) <= 10)
        c.track(ms < 500 ? 'tap' : 'long_press', { ...hitTest(target as Element, x, y), position: p, startPosition: at(d.clientX, d.clientY), endPosition: p, durationMs: ms });
      d = undefined;
    },
    true,
  );
}
