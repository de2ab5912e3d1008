import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startCollector, type RunningCollector, type ServeOptions } from '../src/index.js';

/** A fresh directory for a test database, removed by the returned cleanup. */
export function tempDir(): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'waymark-test-'));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** A collector on 127.0.0.1 with a free port and its own database, silent. */
export async function testCollector(options: ServeOptions = {}): Promise<RunningCollector & { dbPath: string; stop: () => Promise<void> }> {
  const { dir, cleanup } = tempDir();
  const dbPath = join(dir, 'test.db');
  const collector = await startCollector({ port: 0, db: dbPath, log: false, ...options });
  return {
    ...collector,
    dbPath,
    async stop() {
      await collector.close();
      cleanup();
    },
  };
}

export interface Answer {
  status: number;
  headers: Headers;
  body: any;
}

/** Sends JSON (or a raw string) and reads the JSON answer. */
export async function send(url: string, method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<Answer> {
  const init: RequestInit = { method, headers: { 'content-type': 'application/json', ...headers } };
  if (body !== undefined) init.body = typeof body === 'string' ? body : JSON.stringify(body);
  const res = await fetch(`${url}${path}`, init);
  const text = await res.text();
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    // not JSON (metrics text)
  }
  return { status: res.status, headers: res.headers, body: parsed };
}

export const T0 = Date.UTC(2026, 10, 1, 9, 0, 0);

/** The seed's sample event (seed 000 §7). */
export const SAMPLE_EVENT = {
  traceId: 'TX2025-001239',
  service: 'LOAN',
  step: 'DATA_COLLECTED',
  status: 'SUCCESS',
  reason: null,
  meta: { channel: 'MOBILE_WEB', screenId: 'ocr_upload', device: 'iPhone12', clientVersion: '3.0.1' },
  timestamp: 1730561111123,
} as const;

export const progress = (i: number, extra: Record<string, unknown> = {}) => ({
  traceId: `T-${Math.floor(i / 5)}`,
  service: 'LOAN',
  step: ['IDENTITY_VERIFIED', 'DATA_COLLECTED', 'REVIEWED', 'COMPLETED', 'FAILED'][i % 5],
  status: 'SUCCESS',
  timestamp: T0 + i,
  eventId: `ev-${i}`,
  ...extra,
});

export const uiEvent = (sessionId: string, sequenceNo: number, extra: Record<string, unknown> = {}) => ({
  sessionId,
  sequenceNo,
  deviceId: 'kiosk-1',
  screenId: 'frame_select',
  eventType: 'tap',
  timestamp: T0 + sequenceNo * 1000,
  eventId: `${sessionId}-${sequenceNo}`,
  ...extra,
});

export const session = (sessionId: string, extra: Record<string, unknown> = {}) => ({
  sessionId,
  deviceId: 'kiosk-1',
  storeId: 'store-7',
  countryCode: 'KR',
  startedAt: T0,
  status: 'active',
  ...extra,
});

/** A seeded PRNG (mulberry32) in [0, 1), so a failing random test can be replayed. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}
