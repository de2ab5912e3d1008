import { createBrowserClient, type BrowserClient, type BrowserOptions } from './browser-client.js';

export type { Autocapture, BrowserClient, BrowserOptions } from './browser-client.js';
export { createIndexedDbStorage } from './storage.js';
export { createFetchTransport, type FetchTransportOptions } from './transport.js';
export { createBrowserPlatform } from './platform.js';

/**
 * Starts Waymark in the page: a client on IndexedDB storage and fetch / sendBeacon
 * delivery, with autocapture of screens, taps, selections, back and cancel, scroll
 * depth, errors and load time (see `autocapture`). The device id persists in
 * localStorage; each tab keeps its own session, surviving reloads.
 *
 * @throws WaymarkOptionError when an option is invalid.
 */
export function init(options: BrowserOptions): BrowserClient {
  return createBrowserClient(options);
}
