import type { Client } from '@waymark/core';
import type { On, Patch } from './listeners.js';

/**
 * Reports uncaught errors and unhandled rejections, and leaves a `network` breadcrumb
 * for each fetch that fails or answers 5xx (method, URL without query, status; 0 when
 * no answer came). The SDK's own requests to `endpoint` are not recorded. A rejection
 * by a failed fetch ("Failed to fetch", "Load failed", "NetworkError…") is classified
 * `network` by the core from its message.
 */
export function trackErrors(c: Client, on: On, patch: Patch, endpoint: string) {
  on(window, 'error', (e: ErrorEvent) => c.captureError(e.error ?? e.message));
  on(window, 'unhandledrejection', (e: PromiseRejectionEvent) => c.captureError(e.reason));
  patch(window, 'fetch', (f) => (input, init) => {
    const url = String((input as Request).url ?? input).split(/[?#]/)[0]!;
    const method = init?.method ?? (input as Request).method ?? 'GET';
    const crumb = (status: number) => c.addBreadcrumb('network', `${method} ${url} ${status}`, { method, url, status });
    return url.startsWith(endpoint)
      ? f(input, init)
      : f(input, init).then(
          (r) => (r.status > 499 && crumb(r.status), r),
          (error) => {
            crumb(0);
            throw error;
          },
        );
  });
}
