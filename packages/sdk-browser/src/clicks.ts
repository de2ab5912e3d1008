import type { Client } from '@waymark/core';
import type { On } from './listeners.js';

/**
 * Clicks on `[data-waymark-select]` (when `selects`) send `select` or `deselect`, the
 * target being the attribute's value or the element's id. The element's aria-pressed,
 * aria-selected or checked state decides, read once the page's own handlers have run;
 * without one, each click toggles. A click that leaves the state as it was sends nothing.
 *
 * Clicks on `[data-waymark-cancel]` (when `cancels`) cancel the session, the
 * attribute's value as reason.
 */
export function trackClicks(c: Client, on: On, selects: boolean, cancels: boolean) {
  const selected = new WeakMap<Element, boolean>();
  on(
    document,
    'click',
    (e) => {
      const t = e.target as Element;
      const s = selects && t.closest('[data-waymark-select]');
      const x = cancels && t.closest('[data-waymark-cancel]');
      if (x) c.cancel(x.getAttribute('data-waymark-cancel') || undefined);
      if (s)
        setTimeout(() => {
          const aria = s.getAttribute('aria-pressed') ?? s.getAttribute('aria-selected');
          const state = aria ? aria === 'true' : 'checked' in s ? !!s.checked : !selected.get(s);
          const target = (s.getAttribute('data-waymark-select') || s.id).slice(0, 64);
          if (state !== selected.get(s) && target) selected.set(s, state), (state ? c.select : c.deselect)(target);
        });
    },
    true,
  );
}
