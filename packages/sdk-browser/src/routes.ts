import type { Client } from '@waymark/core';
import type { On, Patch } from './listeners.js';

/**
 * Enters a screen for the first route and for every route change: history pushState /
 * replaceState, popstate and hashchange. The first route is entered after the current
 * task, or at the first route change if that comes sooner, and not at all if the page
 * names a screen itself first (`screen('home')` right after `init`): a page that names
 * its screens does not also get one named after its path on every load. Returns what
 * cancels that first screen. A screen id is at most 64 characters, as the protocol allows.
 */
export function trackRoutes(c: Client, on: On, patch: Patch, screenId: (location: Location) => string | undefined = (l) => l.pathname + l.hash) {
  const id = () => {
    const v = screenId(location);
    return v ? String(v).slice(0, 64) : undefined;
  };
  let first: string | undefined | null = id();
  const begin = () => {
    const f = first;
    first = null;
    if (f) c.screen(f);
  };
  const route = () => {
    const v = id();
    begin();
    if (v) c.screen(v);
  };
  for (const k of ['pushState', 'replaceState'] as const)
    patch(history, k, (f) =>
      function (this: History, ...args: Parameters<History['pushState']>) {
        f.apply(this, args);
        route();
      },
    );
  on(window, 'popstate', route);
  on(window, 'hashchange', route);
  setTimeout(begin);
  return () => {
    first = null;
  };
}
