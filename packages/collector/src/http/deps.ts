import type { Store } from '../store/store.js';

/** What routes are built from. */
export interface RouteDeps {
  store: Store;
  /** Epoch-ms clock; tests control it. */
  now: () => number;
}
