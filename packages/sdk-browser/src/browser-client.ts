import { createClient, systemClock, type Client, type ClientOptions, type Ports, type UiFields } from '@waymark/core';
import { trackAppStart } from './app-start.js';
import { trackClicks } from './clicks.js';
import { trackErrors } from './errors.js';
import { createListeners } from './listeners.js';
import { createBrowserPlatform, keptId } from './platform.js';
import { trackRoutes } from './routes.js';
import { trackScroll } from './scroll.js';
import { createIndexedDbStorage } from './storage.js';
import { trackTaps } from './taps.js';
import { createFetchTransport } from './transport.js';

/** What is captured without code. Every kind is on unless set to false. */
export interface Autocapture {
  /** `screen_enter` / `screen_exit` for the first route and every route change. */
  screens?: boolean;
  /** `tap` and `long_press` from pointers, with heatmap data. */
  taps?: boolean;
  /** `select` / `deselect` from clicks on `[data-waymark-select]`. */
  selects?: boolean;
  /** `back` on popstate, `cancel` from clicks on `[data-waymark-cancel]`. */
  navigation?: boolean;
  /** `scroll` when the deepest scroll depth of a screen grows. */
  scroll?: boolean;
  /** Uncaught errors, unhandled rejections, breadcrumbs of failed fetches. */
  errors?: boolean;
  /** `app_start` from navigation timing, once after load. */
  performance?: boolean;
}

/** Options of the browser client: the core options, plus what to capture and how to name screens. */
export interface BrowserOptions extends ClientOptions {
  /** `false` turns all autocapture off. Default: every kind on. */
  autocapture?: boolean | Autocapture;
  /** The screen id of a route. Default: `location.pathname + location.hash`. */
  screenId?: (location: Location) => string | undefined;
}

/** The core client, plus `destroy()`. */
export type BrowserClient = Client & {
  /** Removes every listener and patch autocapture added. The client itself goes on; `shutdown()` stops it. */
  destroy(): void;
};

/** Builds a browser client; `ports` replaces the browser's own (tests pass memory ports). */
export function createBrowserClient(options: BrowserOptions, ports: Partial<Ports> = {}): BrowserClient {
  const clock = ports.clock ?? systemClock;
  const c = createClient(options, {
    storage: ports.storage ?? createIndexedDbStorage(),
    transport: ports.transport ?? createFetchTransport(options),
    platform: ports.platform ?? createBrowserPlatform(),
    clock,
    deviceId: () => keptId('waymark.deviceId', true),
    sessionKey: 'session:' + keptId('waymark.tabId'),
  });
  const { on, patch, undo, off } = createListeners();
  const a = options.autocapture;
  const want = (k: keyof Autocapture) => a !== false && (a as Autocapture | undefined)?.[k] !== false;
  let shown: string | undefined;
  let reset = () => {};
  let named = () => {};
  const screen = c.screen;
  const client: BrowserClient = Object.assign(c, {
    screen(id: string, fields?: UiFields) {
      named();
      if (id !== shown) reset();
      shown = id;
      screen(id, fields);
    },
    destroy: off,
  });

  // A page being hidden may never come back: hand what waits to the beacon, once.
  let beaconed = false;
  const bye = () => beaconed || ((beaconed = true), c.beacon());
  on(document, 'visibilitychange', () => (document.visibilityState === 'hidden' ? bye() : (beaconed = false)));
  on(window, 'pagehide', bye);

  const now = () => clock.monotonic();
  if (want('errors')) trackErrors(c, on, patch, options.endpoint);
  if (want('scroll')) reset = trackScroll(c, on, undo, now);
  // Before the routes: `back` belongs to the screen being left.
  if (want('navigation')) on(window, 'popstate', () => c.back());
  if (want('screens')) named = trackRoutes(c, on, patch, options.screenId);
  if (want('taps')) trackTaps(c, on, now);
  trackClicks(c, on, want('selects'), want('navigation'));
  if (want('performance')) trackAppStart(c, on);
  return client;
}
