import type { Store } from './store/store.js';

/** One live stream's link to the feed. */
export interface FeedSubscription {
  /** True once the subscriber or the feed closed it. */
  readonly closed: boolean;
  /**
   * Resolves when progress events may have been stored since the previous call began
   * (at once if some were), after `ms`, or when the subscription closes.
   */
  wait(ms: number): Promise<void>;
  close(): void;
}

/**
 * Tells live streams that progress events were committed. It carries no events: a
 * stream told reads on from the last id it sent, so a notice that comes early, late
 * or twice loses and repeats nothing.
 */
export interface ProgressFeed {
  /** Progress events were committed. */
  notify(): void;
  /** `onClose` runs when the feed closes the subscription (the collector is closing). */
  subscribe(onClose?: () => void): FeedSubscription;
  /** Closes every subscription, and those made later at once. */
  close(): void;
  /** Open subscriptions. */
  readonly size: number;
}

export function createProgressFeed(): ProgressFeed {
  const subscribers = new Set<{ notify(): void; end(): void }>();
  let closed = false;

  return {
    notify() {
      for (const s of subscribers) s.notify();
    },
    subscribe(onClose) {
      let pending = false;
      let isClosed = closed;
      let wake: (() => void) | undefined;
      const entry = {
        notify() {
          pending = true;
          wake?.();
        },
        end() {
          if (isClosed) return;
          isClosed = true;
          subscribers.delete(entry);
          wake?.();
          onClose?.();
        },
      };
      if (!isClosed) subscribers.add(entry);
      return {
        get closed() {
          return isClosed;
        },
        wait(ms) {
          if (pending || isClosed) {
            pending = false;
            return Promise.resolve();
          }
          return new Promise<void>((resolve) => {
            const timer = setTimeout(done, ms);
            function done() {
              clearTimeout(timer);
              wake = undefined;
              pending = false;
              resolve();
            }
            wake = done;
          });
        },
        close() {
          isClosed = true;
          subscribers.delete(entry);
          wake?.();
        },
      };
    },
    close() {
      closed = true;
      for (const s of [...subscribers]) s.end();
    },
    get size() {
      return subscribers.size;
    },
  };
}

/**
 * The store, with its ingest telling the feed after each commit that stored a progress
 * event, whoever wrote it: a route, the sweeper, or a caller of `collector.store`.
 */
export function notifyingStore(store: Store, feed: ProgressFeed): Store {
  const ingest: Store['ingest'] = (items) => {
    // Not async, and the continuation holds no items (see ingestBatch).
    const hasProgress = items.some((item) => item.kind === 'progress');
    const committed = store.ingest(items);
    if (!hasProgress) return committed;
    return committed.then((outcomes) => {
      if (outcomes.includes('accepted')) feed.notify();
      return outcomes;
    });
  };
  return new Proxy(store, {
    get(target, key) {
      if (key === 'ingest') return ingest;
      const value = Reflect.get(target, key, target) as unknown;
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}
