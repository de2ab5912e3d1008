import { newId, type Platform } from '@waymark/core';

declare const __VERSION__: string;

/**
 * What the browser can tell about the device: the SDK's name and version for the
 * batch envelope, a snapshot for error reports, and memory and CPU for metrics.
 * Fields the browser does not offer (deviceMemory outside Chromium) are left out.
 */
export function createBrowserPlatform(): Platform {
  const n = navigator as Navigator & { deviceMemory?: number };
  const perfContext = () => {
    const m = (performance as Performance & { memory?: Record<string, number> }).memory;
    return { deviceMemory: n.deviceMemory, hardwareConcurrency: n.hardwareConcurrency, usedJSHeapSize: m?.usedJSHeapSize, jsHeapSizeLimit: m?.jsHeapSizeLimit };
  };
  return {
    sdk: { name: '@waymark/browser', version: __VERSION__ },
    perfContext,
    snapshot: () => ({
      ...perfContext(),
      userAgent: n.userAgent,
      language: n.language,
      online: n.onLine,
      screen: `${screen.width}x${screen.height}`,
      viewport: `${innerWidth}x${innerHeight}`,
      url: location.pathname,
    }),
  };
}

/**
 * An id kept under `key` in localStorage (`local`) or sessionStorage, created on first
 * use. Where the storage is refused (some private modes), a fresh id each time.
 */
export function keptId(key: string, local?: boolean): string {
  try {
    const s = local ? localStorage : sessionStorage;
    return s[key] || (s[key] = newId());
  } catch {
    return newId();
  }
}
