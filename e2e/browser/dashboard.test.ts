/**
 * The collector's dashboard in a real browser: opened with the admin key in its URL,
 * it loads without errors, shows the same funnel numbers as `GET /api/funnel` for the
 * same data, and a progress event posted after it loaded shows up in its live feed.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startCollector, type RunningCollector } from '@waymark/collector';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, onTestFailed } from 'vitest';
import { launchChromium, type RunningBrowser } from './chromium.js';
import { watchPage, type PageWatch } from './page-watch.js';

const WRITE_KEY = 'e2e-write-key-0123456789';
const ADMIN_KEY = 'e2e-admin-key-0123456789';
const ARTIFACTS = resolve(dirname(fileURLToPath(import.meta.url)), '../../test-artifacts');
const SCREENSHOT = join(ARTIFACTS, 'dashboard.png');
/** LOAN's steps in seed 000 order; its journeys (seed 000 §4.1) have no FORM_SUBMITTED. */
const LOAN_STEPS = ['IDENTITY_VERIFIED', 'DATA_COLLECTED', 'REVIEWED', 'COMPLETED'];

let dir: string;
let collector: RunningCollector;
let browser: RunningBrowser;

interface Progress {
  traceId: string;
  service: string;
  step: string;
  status: 'SUCCESS' | 'FAIL' | 'CANCEL' | 'DROPPED';
  reason?: string | null;
  timestamp: number;
  meta?: Record<string, unknown>;
}

/**
 * 40 loan applications over the last 20 hours: most complete; some fail the OCR scan
 * (QUALITY_LOW), cancel at the credit check, are rejected at review (POLICY_REJECT),
 * or stop after the credit check. Plus a few SIGNUP journeys, a smaller service.
 */
function loanJourneys(now: number): Progress[] {
  const events: Progress[] = [];
  for (let i = 0; i < 40; i++) {
    const traceId = `LA-${String(i).padStart(3, '0')}`;
    let t = now - 20 * 3_600_000 + i * 29 * 60_000;
    const meta = { channel: i % 3 === 0 ? 'MOBILE_APP' : 'WEB' };
    const add = (step: string, status: Progress['status'] = 'SUCCESS', reason: string | null = null, subType?: string) => {
      events.push({ traceId, service: 'LOAN', step, status, reason, timestamp: t, meta: subType ? { ...meta, subType } : meta });
      t += 20_000 + ((i * 7_919) % 90_000);
    };
    add('IDENTITY_VERIFIED');
    if (i % 10 === 3) {
      add('DATA_COLLECTED', 'FAIL', 'QUALITY_LOW', 'OCR');
      continue;
    }
    add('DATA_COLLECTED', 'SUCCESS', null, 'OCR');
    if (i % 10 === 5) {
      add('DATA_COLLECTED', 'CANCEL', 'USER_ABORT', 'CB');
      continue;
    }
    add('DATA_COLLECTED', 'SUCCESS', null, 'CB');
    if (i % 10 === 9) continue;
    if (i % 10 === 7) {
      add('REVIEWED', 'FAIL', 'POLICY_REJECT');
      continue;
    }
    add('REVIEWED');
    add('COMPLETED');
  }
  for (let i = 0; i < 3; i++) {
    events.push({ traceId: `SU-${i}`, service: 'SIGNUP', step: 'IDENTITY_VERIFIED', status: 'SUCCESS', timestamp: now - 3_600_000 + i * 1_000 });
  }
  return events;
}

async function post(path: string, body: unknown, key = WRITE_KEY): Promise<any> {
  const res = await fetch(`${collector.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` }, body: JSON.stringify(body) });
  if (!res.ok) throw new Error(`POST ${path} answered ${res.status}: ${await res.text()}`);
  return res.json();
}

async function get(path: string): Promise<any> {
  const res = await fetch(`${collector.url}${path}`, { headers: { authorization: `Bearer ${ADMIN_KEY}` } });
  if (!res.ok) throw new Error(`GET ${path} answered ${res.status}: ${await res.text()}`);
  return res.json();
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'waymark-e2e-dashboard-'));
  collector = await startCollector({ port: 0, db: join(dir, 'dashboard.db'), log: false, writeKey: WRITE_KEY, adminKey: ADMIN_KEY });
  browser = await launchChromium();
  const now = Date.now();
  const events = loanJourneys(now);
  expect((await post('/api/progress', events)).accepted).toBe(events.length);
  // Something for the performance and error panels to show.
  const metrics = Array.from({ length: 24 }, (_, i) => ({
    deviceId: `kiosk-${i % 3}`,
    metricType: (['payment', 'capture', 'print'] as const)[i % 3],
    durationMs: 400 + ((i * 3_571) % 6_000),
    success: i % 11 !== 0,
    timestamp: now - i * 60_000,
  }));
  await post('/api/performance/batch', { metrics });
  await post('/api/errors', { deviceId: 'kiosk-1', severity: 'error', category: 'hardware', errorType: 'PRINTER_JAM', message: 'Paper jam in tray 1', screenId: 'print', timestamp: now - 120_000 });
  await post('/api/errors', { deviceId: 'kiosk-2', severity: 'warning', category: 'network', errorType: 'NETWORK_TIMEOUT', message: 'Payment terminal did not answer in 10 s', screenId: 'payment', timestamp: now - 60_000 });
  // Today's daily summaries, computed now rather than after midnight: one of these dates is today in the collector's time zone.
  for (const days of [-1, 0, 1]) await post('/api/daily-summary/aggregate', { date: new Date(now + days * 86_400_000).toISOString().slice(0, 10) }, ADMIN_KEY);
});

afterAll(async () => {
  await browser?.close();
  await collector?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** Responses of 400 or more the page got, as "status url" lines (the key cut out). */
function failedResponses(page: Page): string[] {
  const failed: string[] = [];
  page.on('response', (r) => {
    if (r.status() >= 400) failed.push(`${r.status()} ${r.url().replace(ADMIN_KEY, '…')}`);
  });
  return failed;
}

/** The funnel as the page shows it: per row, the step and the numbers it carries. */
async function funnelInPage(page: Page) {
  return page.$$eval('[data-testid="funnel-step"]', (rows) =>
    rows.map((r) => {
      const el = r as HTMLElement;
      return {
        step: el.dataset.step,
        traces: Number(el.dataset.traces),
        conversionFromFirst: Number(el.dataset.conversionFromFirst),
        conversionFromPrevious: Number(el.dataset.conversionFromPrevious),
        dropOff: Number(el.dataset.dropOff),
        tracesText: el.querySelector('[data-testid="funnel-traces"]')?.textContent,
      };
    }),
  );
}

describe('dashboard', () => {
  let page: Page;
  let watch: PageWatch;
  let failed: string[];

  beforeAll(async () => {
    page = await browser.context.newPage();
    await page.setViewportSize({ width: 1440, height: 900 });
    watch = watchPage(page);
    failed = failedResponses(page);
    await page.goto(`${collector.url}/?key=${ADMIN_KEY}`);
    await page.waitForSelector('body[data-ready="true"]', { timeout: 15_000 });
  });

  it('loads without page errors, every panel filled from its API', async () => {
    onTestFailed(() => console.log(`page log:\n${watch.lines.join('\n')}`));
    expect(watch.pageErrors).toEqual([]);
    expect(failed).toEqual([]);
    expect(await page.locator('[data-testid="unavailable"]').count()).toBe(0);
    expect(await page.locator('#service').inputValue()).toBe('LOAN');
    expect(await page.locator('[data-testid="heatmap"] tbody tr').count()).toBeGreaterThan(0);
    expect(await page.locator('[data-testid="slo-loss"]').count()).toBe(1);
    expect(await page.locator('[data-testid="performance"] tbody tr').count()).toBe(3);
    expect(await page.locator('[data-testid="daily-summary"] tbody tr').count()).toBeGreaterThan(0);
  });

  it('shows the same funnel numbers as GET /api/funnel, over the steps of seed 000 that LOAN has', async () => {
    onTestFailed(() => console.log(`page log:\n${watch.lines.join('\n')}`));
    expect(await page.locator('#steps').inputValue()).toBe(LOAN_STEPS.join(', '));
    const api = await get(`/api/funnel?service=LOAN&steps=${LOAN_STEPS.join(',')}`);
    const shown = await funnelInPage(page);
    expect(shown.map(({ tracesText, ...s }) => s)).toEqual(
      api.funnel.map((s: any) => ({ step: s.step, traces: s.traces, conversionFromFirst: s.conversionFromFirst, conversionFromPrevious: s.conversionFromPrevious, dropOff: s.dropOff })),
    );
    expect(shown.map((s) => s.tracesText)).toEqual(api.funnel.map((s: any) => String(s.traces)));
    // The data set's own figures: 40 started, 4 failed the scan, 4 cancelled, 4 stopped, 4 were rejected.
    expect(shown.map((s) => s.traces)).toEqual([40, 40, 28, 24]);
    const conversion = await page.locator('[data-testid="kpi-conversion"]').textContent();
    expect(conversion).toBe('60 %');
    console.log(`dashboard funnel: ${shown.map((s) => `${s.step} ${s.traces}`).join(' → ')} (same as GET /api/funnel)`);
  });

  it('puts a progress event posted after load at the top of the live feed, DROPPED highlighted', async () => {
    onTestFailed(() => console.log(`page log:\n${watch.lines.join('\n')}`));
    await page.waitForFunction(() => document.getElementById('live-state')?.textContent === 'live', undefined, { timeout: 10_000 });
    const traceId = `LA-LIVE-${Date.now().toString(36)}`;
    const sentAt = Date.now();
    await post('/api/progress', { traceId, service: 'LOAN', step: 'DATA_COLLECTED', status: 'DROPPED', reason: 'TIMEOUT', timestamp: sentAt, meta: { subType: 'OCR' } });
    const item = page.locator(`[data-testid="feed-item"][data-trace-id="${traceId}"]`);
    await item.waitFor({ timeout: 5_000 });
    const shownAfterMs = Date.now() - sentAt;
    expect(await page.locator('[data-testid="feed-item"]').first().getAttribute('data-trace-id')).toBe(traceId);
    expect(await item.getAttribute('class')).toContain('status-dropped');
    await page.waitForFunction(() => Number(document.getElementById('live-rate')?.textContent) >= 1, undefined, { timeout: 3_000 });
    console.log(`live feed: ${traceId} shown ${shownAfterMs} ms after it was posted`);
  });

  it('saves a screenshot', async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: SCREENSHOT, fullPage: true });
    expect(watch.pageErrors).toEqual([]);
    console.log(`dashboard screenshot: ${SCREENSHOT}`);
  });
});
