import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { only, testClient } from './test-client.js';

let t: ReturnType<typeof testClient>;
beforeEach(() => {
  document.body.innerHTML = `
    <button id="buy" data-waymark-id="buy-button"><span id="label">Buy</span></button>
    <a id="help" href="#help">Help</a>
    <div id="hidden-button" role="button" style="display:none"></div>
    <main id="empty"></main>`;
  t = testClient({ autocapture: only('taps') });
});
afterEach(() => t.stop());

/** Gives `el` a layout box (the test DOM has none). */
function box(id: string, left: number, top: number, width: number, height: number) {
  const rect = { left, top, width, height, right: left + width, bottom: top + height, x: left, y: top };
  document.getElementById(id)!.getBoundingClientRect = () => ({ ...rect, toJSON: () => rect }) as DOMRect;
}

function press(el: Element, from: [number, number], to: [number, number], heldMs: number, pointerId = 1) {
  el.dispatchEvent(new PointerEvent('pointerdown', { clientX: from[0], clientY: from[1], pointerId, bubbles: true }));
  t.time.mono += heldMs;
  el.dispatchEvent(new PointerEvent('pointerup', { clientX: to[0], clientY: to[1], pointerId, bubbles: true }));
}

describe('taps', () => {
  it('sends a tap on an interactive element, with normalised positions and the element as target', async () => {
    // 1024 × 768 viewport.
    press(document.getElementById('label')!, [512, 384], [514, 386], 120);
    const [tap] = await t.ui();
    expect(tap).toMatchObject({
      eventType: 'tap',
      target: 'buy-button',
      hitResult: 'success',
      position: { x: 0.502, y: 0.5026 },
      startPosition: { x: 0.5, y: 0.5 },
      endPosition: { x: 0.502, y: 0.5026 },
      durationMs: 120,
    });
    expect(tap).not.toHaveProperty('nearestTarget');
  });

  it('sends a long_press for a pointer held 500 ms or more', async () => {
    press(document.getElementById('help')!, [10, 10], [10, 10], 499);
    press(document.getElementById('help')!, [10, 10], [10, 10], 500);
    expect((await t.ui()).map((e) => [e.eventType, e.target, e.durationMs])).toEqual([
      ['tap', 'help', 499],
      ['long_press', 'help', 500],
    ]);
  });

  it('sends nothing for a pointer that moved more than 10 px, or for another pointer than the one pressed', async () => {
    press(document.getElementById('buy')!, [100, 100], [108, 106], 80); // 10 px: still a tap
    press(document.getElementById('buy')!, [100, 100], [108, 107], 80); // 10.6 px: moved
    const buy = document.getElementById('buy')!;
    buy.dispatchEvent(new PointerEvent('pointerdown', { clientX: 1, clientY: 1, pointerId: 1, bubbles: true }));
    buy.dispatchEvent(new PointerEvent('pointerup', { clientX: 1, clientY: 1, pointerId: 2, bubbles: true }));
    expect((await t.ui()).map((e) => e.eventType)).toEqual(['tap']);
  });

  it('names the nearest visible interactive element and its distance for a miss', async () => {
    box('buy', 100, 100, 200, 50); // right edge 300, bottom 150
    box('help', 600, 600, 50, 20);
    box('hidden-button', 0, 0, 0, 0);
    press(document.getElementById('empty')!, [330, 190], [330, 190], 50);
    const [miss] = await t.ui();
    // From (330, 190) to the box's corner (300, 150): 30 by 40 px.
    expect(miss).toMatchObject({ eventType: 'tap', target: 'empty', hitResult: 'miss', nearestTarget: 'buy-button', distanceToTarget: 50 });
    // Near the top-left corner, where the hidden element's empty box lies.
    press(document.getElementById('empty')!, [20, 20], [20, 20], 50);
    expect((await t.ui())[1]).toMatchObject({ hitResult: 'miss', nearestTarget: 'buy-button', distanceToTarget: 113 });
  });

  it('marks a tap beyond the viewport as outside', async () => {
    press(document.getElementById('empty')!, [1030, 20], [1030, 20], 50);
    const [tap] = await t.ui();
    expect(tap).toMatchObject({ hitResult: 'outside', target: 'empty', position: { x: 1.0059, y: 0.026 } });
    expect(tap).not.toHaveProperty('nearestTarget');
  });

  it('counts taps on the session', async () => {
    press(document.getElementById('buy')!, [1, 1], [1, 1], 10);
    press(document.getElementById('buy')!, [1, 1], [1, 1], 10);
    t.client.endSession();
    const sessions = (await t.items()).filter((i) => i.kind === 'session');
    expect(sessions.at(-1)).toMatchObject({ status: 'completed', behavior: { totalTaps: 2 } });
  });
});
