import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startCollector, type RunningCollector } from '@waymark/collector';
import { launchChromium, type RunningBrowser } from './chromium.js';
import { startPageServer, type PageServer } from './page-server.js';

export interface Stack {
  collector: RunningCollector;
  site: PageServer;
  browser: RunningBrowser;
  close(): Promise<void>;
}

/** A collector with its own database, the site on another port, and a fresh Chromium. */
export async function startStack(): Promise<Stack> {
  const dir = mkdtempSync(join(tmpdir(), 'waymark-e2e-'));
  const collector = await startCollector({ port: 0, db: join(dir, 'e2e.db'), log: false });
  let site: PageServer | undefined;
  let browser: RunningBrowser;
  try {
    site = await startPageServer();
    browser = await launchChromium();
  } catch (error) {
    await site?.close();
    await collector.close();
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
  await serveSdkIfCollectorDoesNot(collector.url, browser);
  return {
    collector,
    site,
    browser,
    async close() {
      await browser.close();
      await site.close();
      await collector.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A device id no other test uses, so reads by device see only this test's events. */
export const uniqueDevice = (name: string) => `e2e-${name}-${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;

/** The script-tag build of @waymark/browser. */
const SDK_FILE = createRequire(import.meta.url).resolve('@waymark/browser/waymark.min.js');

/**
 * Pages load the SDK from `<collector>/sdk/waymark.min.js`. When this collector does not
 * serve that path, the browser gets the built file from disk at that URL instead, and
 * the run says so.
 */
async function serveSdkIfCollectorDoesNot(collectorUrl: string, browser: RunningBrowser): Promise<void> {
  const res = await fetch(`${collectorUrl}/sdk/waymark.min.js`);
  await res.body?.cancel();
  if (res.ok) return;
  console.warn(`collector answered ${res.status} for /sdk/waymark.min.js; the browser gets ${SDK_FILE} at that URL`);
  const body = readFileSync(SDK_FILE);
  await browser.context.route('**/sdk/waymark.min.js', (route) =>
    route.fulfill({ status: 200, contentType: 'text/javascript; charset=utf-8', body, headers: { 'access-control-allow-origin': '*' } }),
  );
}
