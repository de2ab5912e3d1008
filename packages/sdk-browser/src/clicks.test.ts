import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { only, testClient, tick } from './test-client.js';

let t: ReturnType<typeof testClient>;
beforeEach(() => {
  document.body.innerHTML = `
    <div data-waymark-select="frame-gold"><img id="gold-img"></div>
    <button id="size-a4" data-waymark-select aria-pressed="false">A4</button>
    <input id="gift-wrap" type="checkbox" data-waymark-select="gift">
    <button id="quit" data-waymark-cancel="CHANGED_MIND">Quit</button>
    <button id="close" data-waymark-cancel>Close</button>`;
  // The page's own handler flips aria-pressed, after the SDK saw the click.
  const a4 = document.getElementById('size-a4')!;
  a4.addEventListener('click', () => a4.setAttribute('aria-pressed', String(a4.getAttribute('aria-pressed') !== 'true')));
  t = testClient({ autocapture: only('selects', 'navigation') });
});
afterEach(() => t.stop());

const click = async (id: string) => {
  document.getElementById(id)!.click();
  await tick();
};

describe('selections', () => {
  it('toggles select / deselect on an element without a state, the attribute naming the target', async () => {
    await click('gold-img');
    await click('gold-img');
    await click('gold-img');
    expect((await t.ui()).map((e) => [e.eventType, e.target])).toEqual([
      ['select', 'frame-gold'],
      ['deselect', 'frame-gold'],
      ['select', 'frame-gold'],
    ]);
  });

  it('follows aria-pressed as the page sets it, the id naming the target', async () => {
    await click('size-a4');
    await click('size-a4');
    expect((await t.ui()).map((e) => [e.eventType, e.target])).toEqual([
      ['select', 'size-a4'],
      ['deselect', 'size-a4'],
    ]);
  });

  it('follows a checkbox, and sends nothing when a click leaves the state as it was', async () => {
    const box = document.getElementById('gift-wrap') as HTMLInputElement;
    await click('gift-wrap');
    box.addEventListener('click', (e) => e.preventDefault());
    await click('gift-wrap');
    expect(box.checked).toBe(true);
    expect((await t.ui()).map((e) => [e.eventType, e.target])).toEqual([['select', 'gift']]);
  });
});

describe('cancel', () => {
  it('cancels the session on a click on [data-waymark-cancel]', async () => {
    t.client.screen('payment');
    await click('quit');
    const items = await t.items();
    expect(items.filter((i) => i.kind === 'ui_event').map((e) => [e.eventType, e.screenId])).toEqual([
      ['screen_enter', 'payment'],
      ['cancel', 'payment'],
    ]);
    expect(items.filter((i) => i.kind === 'session').at(-1)).toMatchObject({ status: 'cancelled' });
  });

  it('gives the attribute value as the reason of the CANCEL progress event, the default when empty', async () => {
    await t.stop();
    t = testClient({ autocapture: only('navigation'), funnel: { stages: ['payment', 'done'] } });
    t.client.screen('payment');
    await click('quit');
    t.client.screen('payment');
    await click('close');
    const cancels = (await t.items()).filter((i) => i.kind === 'progress' && i.status === 'CANCEL');
    expect(cancels.map((p) => p.kind === 'progress' && p.reason)).toEqual(['CHANGED_MIND', 'USER_ABORT']);
  });
});
