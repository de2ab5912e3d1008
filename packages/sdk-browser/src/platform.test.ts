import { afterEach, describe, expect, it, vi } from 'vitest';
import { createBrowserPlatform, keptId } from './platform.js';
import { testClient } from './test-client.js';

afterEach(() => {
  vi.unstubAllGlobals();
  localStorage.clear();
  sessionStorage.clear();
});

describe('browser platform', () => {
  it('names the SDK and describes the device', () => {
    vi.stubGlobal('navigator', { userAgent: 'Kiosk/1', language: 'ko-KR', onLine: false, deviceMemory: 4, hardwareConcurrency: 6 });
    Object.defineProperty(performance, 'memory', { configurable: true, value: { usedJSHeapSize: 10, totalJSHeapSize: 20, jsHeapSizeLimit: 30 } });
    const p = createBrowserPlatform();
    expect(p.sdk).toEqual({ name: '@waymark/browser', version: expect.stringMatching(/^\d+\.\d+\.\d+/) });
    expect(p.perfContext!()).toEqual({ deviceMemory: 4, hardwareConcurrency: 6, usedJSHeapSize: 10, jsHeapSizeLimit: 30 });
    expect(p.snapshot!()).toEqual({
      deviceMemory: 4,
      hardwareConcurrency: 6,
      usedJSHeapSize: 10,
      jsHeapSizeLimit: 30,
      userAgent: 'Kiosk/1',
      language: 'ko-KR',
      online: false,
      screen: `${screen.width}x${screen.height}`,
      viewport: '1024x768',
      url: location.pathname,
    });
    delete (performance as { memory?: unknown }).memory;
  });

  it('keeps an id in web storage, and makes a fresh one where storage is refused', () => {
    const id = keptId('waymark.deviceId', true);
    expect(localStorage.getItem('waymark.deviceId')).toBe(id);
    expect(keptId('waymark.deviceId', true)).toBe(id);
    expect(keptId('waymark.tabId')).toBe(sessionStorage.getItem('waymark.tabId'));
    vi.stubGlobal('localStorage', undefined);
    const fresh = keptId('waymark.deviceId', true);
    expect(fresh).not.toBe(id);
    expect(fresh).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('gives the client the persisted device id, unless one is set, and a session per tab', async () => {
    localStorage.setItem('waymark.deviceId', 'kiosk-7');
    sessionStorage.setItem('waymark.tabId', 'tab-1');
    const t = testClient({ autocapture: false });
    t.client.track('opened');
    const [session] = await t.items();
    expect(session).toMatchObject({ kind: 'session', deviceId: 'kiosk-7' });
    await t.stop();
    const set = testClient({ autocapture: false, deviceId: 'given' });
    expect(set.client.deviceId).toBe('given');
    await set.stop();
  });

  it('keeps each tab its own session, under session:<tab id>, resumed on reload', async () => {
    const storage = (await import('@waymark/core')).createMemoryStorage();
    sessionStorage.setItem('waymark.tabId', 'tab-1');
    const a = testClient({ autocapture: false }, { storage });
    a.client.track('in tab 1');
    await a.stop();
    sessionStorage.setItem('waymark.tabId', 'tab-2');
    const b = testClient({ autocapture: false }, { storage });
    b.client.track('in tab 2');
    await b.stop();
    const s1 = storage.map.get('session:tab-1') as { sessionId: string };
    const s2 = storage.map.get('session:tab-2') as { sessionId: string };
    expect(s1.sessionId).toEqual(expect.any(String));
    expect(s2.sessionId).not.toBe(s1.sessionId);
    sessionStorage.setItem('waymark.tabId', 'tab-1');
    const reloaded = testClient({ autocapture: false }, { storage });
    await reloaded.client.ready;
    expect(reloaded.client.sessionId).toBe(s1.sessionId);
    await reloaded.stop();
  });
});
