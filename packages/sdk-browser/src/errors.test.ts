import type { BatchItem } from '@waymark/protocol/types';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { only, testClient, tick } from './test-client.js';

type ErrorItem = Extract<BatchItem, { kind: 'error' }>;
const errors = async () => (await t.items()).filter((i): i is ErrorItem => i.kind === 'error');

const pageFetch = vi.fn(async (input: RequestInfo | URL, _init?: RequestInit): Promise<Response> => {
  const url = String(input instanceof Request ? input.url : input);
  if (url.includes('offline')) throw new TypeError('Load failed');
  return new Response('{}', { status: url.includes('broken') ? 503 : 200 });
});

let t: ReturnType<typeof testClient>;
beforeEach(() => {
  vi.stubGlobal('fetch', pageFetch);
  t = testClient({ autocapture: only('errors'), endpoint: 'https://collector.test' });
});
afterEach(async () => {
  await t.stop();
  vi.unstubAllGlobals();
});

function rejection(reason: unknown) {
  const e = new Event('unhandledrejection');
  Object.assign(e, { reason, promise: Promise.resolve() });
  window.dispatchEvent(e);
}

describe('errors', () => {
  it('reports an uncaught error with its stack, and a cross-origin one by its message', async () => {
    const error = new TypeError("Cannot read properties of undefined (reading 'frame')");
    window.dispatchEvent(new ErrorEvent('error', { error, message: error.message }));
    window.dispatchEvent(new ErrorEvent('error', { message: 'Script error.' }));
    const [first, second] = await errors();
    expect(first).toMatchObject({ severity: 'error', category: 'software', errorType: 'TypeError', message: error.message, stack: error.stack });
    expect(first!.deviceSnapshot).toMatchObject({ userAgent: navigator.userAgent, viewport: '1024x768', url: location.pathname });
    expect(second).toMatchObject({ severity: 'error', message: 'Script error.' });
  });

  it('reports an unhandled rejection, classified by core', async () => {
    rejection(new RangeError('bad frame size'));
    rejection(new Error('printer paper out'));
    rejection('plain string');
    expect((await errors()).map((e) => [e.errorType, e.category, e.message])).toEqual([
      ['RangeError', 'software', 'bad frame size'],
      ['Error', 'hardware', 'printer paper out'],
      [undefined, 'software', 'plain string'],
    ]);
  });

  it('leaves a network breadcrumb for a 5xx or a failed fetch, and reports the unhandled failure as network', async () => {
    await fetch('https://api.shop.test/ok');
    await fetch('https://api.shop.test/broken/cart?token=secret', { method: 'POST' });
    const failure = await fetch(new Request('https://api.shop.test/offline#x')).catch((e: unknown) => e);
    rejection(failure);
    const [report] = await errors();
    expect(report).toMatchObject({ category: 'network', message: 'Load failed' });
    expect(report!.breadcrumbs!.filter((b) => b.type === 'network')).toEqual([
      expect.objectContaining({ message: 'POST https://api.shop.test/broken/cart 503', data: { method: 'POST', url: 'https://api.shop.test/broken/cart', status: 503 } }),
      expect.objectContaining({ message: 'GET https://api.shop.test/offline 0', data: { method: 'GET', url: 'https://api.shop.test/offline', status: 0 } }),
    ]);
    expect(JSON.stringify(report)).not.toContain('secret');
  });

  it("does not record the SDK's own requests to the collector", async () => {
    await fetch('https://collector.test/broken/api/batch?key=k');
    t.client.captureError(new Error('boom'));
    const [report] = await errors();
    expect(report!.breadcrumbs!.filter((b) => b.type === 'network')).toEqual([]);
  });

  it('removes its handlers and puts fetch back on destroy', async () => {
    expect(window.fetch).not.toBe(pageFetch);
    t.client.destroy();
    expect(window.fetch).toBe(pageFetch);
    window.dispatchEvent(new ErrorEvent('error', { error: new Error('after') }));
    await tick();
    expect(await errors()).toEqual([]);
  });
});
