import type { Client } from '@waymark/core';
import type { On } from './listeners.js';

/**
 * Sends one `app_start` metric after the page has loaded, from navigation timing:
 * the duration to the end of the load event (or of DOMContentLoaded), broken down into
 * consecutive phases named for the timing that ends each: domainLookupEnd (DNS),
 * connectEnd, responseStart (first byte), domInteractive and domComplete.
 */
export function trackAppStart(c: Client, on: On) {
  const send = () =>
    setTimeout(() => {
      const n = performance.getEntriesByType?.('navigation')[0] as PerformanceNavigationTiming | undefined;
      const end = n && (n.loadEventEnd || n.domContentLoadedEventEnd);
      if (!end) return;
      const breakdown: Record<string, number> = {};
      let t = 0;
      for (const k of ['domainLookupEnd', 'connectEnd', 'responseStart', 'domInteractive', 'domComplete'] as const) {
        breakdown[k] = Math.max(0, n[k] - t);
        t = Math.max(t, n[k]);
      }
      c.recordMetric({ metricType: 'app_start', durationMs: end, success: true, breakdown });
    });
  if (document.readyState === 'complete') send();
  else on(window, 'load', send);
}
