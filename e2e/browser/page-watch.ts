import type { Page } from 'playwright-core';

export interface PageWatch {
  /** Uncaught errors and unhandled rejections of the page. */
  pageErrors: string[];
  /** Bodies of the requests the page sent to `/api/`, in order (unload beacons may not show). */
  apiBodies: string[];
  /** Everything seen, one line each: console messages, page errors, requests to `/api/` and their answers. */
  lines: string[];
}

/**
 * Records what a developer would look at in devtools: console output, uncaught
 * errors, and the SDK's requests to the collector (with their bodies, cut short).
 */
export function watchPage(page: Page): PageWatch {
  const watch: PageWatch = { pageErrors: [], apiBodies: [], lines: [] };
  const stamp = () => new Date().toISOString().slice(11, 23);
  page.on('console', (m) => watch.lines.push(`${stamp()} console.${m.type()}: ${m.text()}`));
  page.on('pageerror', (e) => {
    watch.pageErrors.push(String(e));
    watch.lines.push(`${stamp()} pageerror: ${e.stack ?? e}`);
  });
  page.on('request', (r) => {
    if (!r.url().includes('/api/')) return;
    const body = r.postData();
    watch.apiBodies.push(body ?? '');
    watch.lines.push(`${stamp()} ${r.method()} ${r.url()} [${r.headers()['content-type'] ?? '-'}] ${body ? body.slice(0, 600) : ''}`);
  });
  page.on('requestfailed', (r) => watch.lines.push(`${stamp()} failed ${r.method()} ${r.url()}: ${r.failure()?.errorText}`));
  page.on('response', (r) => {
    if (r.url().includes('/api/') || r.url().includes('/sdk/')) watch.lines.push(`${stamp()} ${r.status()} ${r.request().method()} ${r.url()}`);
  });
  return watch;
}

/** Taps the centre of `selector` with a real mouse press (pointerdown, then pointerup at once). */
export async function tap(page: Page, selector: string): Promise<void> {
  const box = await page.locator(selector).boundingBox();
  if (!box) throw new Error(`${selector} is not visible`);
  await page.mouse.click(box.x + box.width / 2, box.y + box.height / 2);
}
