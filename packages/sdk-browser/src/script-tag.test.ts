import 'fake-indexeddb/auto';
import type { BatchItem } from '@waymark/protocol/types';
import { afterAll, describe, expect, it, vi } from 'vitest';

const sent: Array<{ url: string; init: RequestInit }> = [];
vi.stubGlobal(
  'fetch',
  vi.fn(async (url: string, init: RequestInit) => {
    sent.push({ url, init });
    const n = (JSON.parse(String(init.body)) as { items: unknown[] }).items.length;
    return new Response(JSON.stringify({ accepted: n, duplicates: 0, rejected: [] }), { status: 200 });
  }),
);
afterAll(() => void vi.unstubAllGlobals());

describe('script tag', () => {
  it('replays the async snippet on IndexedDB and fetch, in order, calls before init included', async () => {
    const w = window as unknown as { waymark: any };
    w.waymark = function () {
      (w.waymark.q = w.waymark.q || []).push(arguments);
    };
    w.waymark('track', 'early');
    w.waymark('init', { endpoint: 'https://c.example', writeKey: 'wk-123', service: 'SHOP', deviceId: 'kiosk-1', autocapture: false });
    w.waymark('screen', 'welcome');
    w.waymark('select', 'frame-gold');
    await import('./script-tag.js');
    w.waymark('track', 'after load');
    await w.waymark('flush');
    const items = sent.flatMap((s) => (JSON.parse(String(s.init.body)) as { items: BatchItem[] }).items);
    expect(items.map((i) => (i.kind === 'ui_event' ? `${i.eventType}:${i.name ?? i.target ?? i.screenId}` : i.kind))).toEqual([
      'session',
      'custom:early',
      'screen_enter:welcome',
      'select:frame-gold',
      'custom:after load',
    ]);
    expect(items[0]).toMatchObject({ deviceId: 'kiosk-1' });
    expect(sent[0]!.url).toBe('https://c.example/api/batch');
    expect(sent[0]!.init.headers).toMatchObject({ authorization: 'Bearer wk-123' });
    await w.waymark('shutdown');
  });
});
