import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { only, testClient, tick, type UiItem } from './test-client.js';

const screens = (events: UiItem[]) => events.map((e) => [e.eventType, e.screenId]);
let t: ReturnType<typeof testClient>;
beforeEach(() => history.replaceState(null, '', '/'));
afterEach(() => t.stop());

describe('screens from routes', () => {
  it('enters the first route at start, then one screen per pushState, replaceState and hashchange', async () => {
    t = testClient({ autocapture: only('screens') });
    history.pushState(null, '', '/frames?utm=x');
    history.replaceState(null, '', '/frames/gold');
    history.replaceState(null, '', '/frames/gold'); // same screen: nothing
    location.hash = '#step-2';
    window.dispatchEvent(new HashChangeEvent('hashchange'));
    expect(screens(await t.ui())).toEqual([
      ['screen_enter', '/'],
      ['screen_exit', '/'],
      ['screen_enter', '/frames'],
      ['screen_exit', '/frames'],
      ['screen_enter', '/frames/gold'],
      ['screen_exit', '/frames/gold'],
      ['screen_enter', '/frames/gold#step-2'],
    ]);
  });

  it('sends back, on the screen left, then enters the screen gone back to, on popstate', async () => {
    history.replaceState(null, '', '/a');
    t = testClient({ autocapture: only('screens', 'navigation') });
    history.pushState(null, '', '/b');
    history.back();
    await tick(20);
    expect(screens(await t.ui())).toEqual([
      ['screen_enter', '/a'],
      ['screen_exit', '/a'],
      ['screen_enter', '/b'],
      ['back', '/b'],
      ['screen_exit', '/b'],
      ['screen_enter', '/a'],
    ]);
  });

  it('names screens with the screenId option, truncated to 64 characters, and skips routes it names none', async () => {
    t = testClient({ autocapture: only('screens'), screenId: (l) => (l.pathname.startsWith('/x') ? undefined : 'S' + l.pathname.repeat(40)) });
    history.pushState(null, '', '/x');
    history.pushState(null, '', '/y');
    const ids = (await t.ui()).filter((e) => e.eventType === 'screen_enter').map((e) => e.screenId);
    expect(ids).toEqual([('S' + '/'.repeat(40)).slice(0, 64), ('S' + '/y'.repeat(40)).slice(0, 64)]);
  });

  it('enters no path-named screen when the page names its own right after init', async () => {
    history.replaceState(null, '', '/shop.html');
    t = testClient({ autocapture: only('screens') });
    t.client.screen('home');
    await tick();
    expect(screens(await t.ui())).toEqual([['screen_enter', 'home']]);
  });

  it('puts history back as it was on destroy', async () => {
    const { pushState, replaceState } = history;
    t = testClient({ autocapture: only('screens') });
    expect(history.pushState).not.toBe(pushState);
    await tick();
    t.client.destroy();
    expect([history.pushState, history.replaceState]).toEqual([pushState, replaceState]);
    history.pushState(null, '', '/after');
    window.dispatchEvent(new PopStateEvent('popstate'));
    expect(screens(await t.ui())).toEqual([['screen_enter', '/']]);
  });
});
