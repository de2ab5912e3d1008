// The in-page half of the sdk-cpu bench, loaded after the SDK's script tag and
// `waymark('init', …)`. Plain browser JavaScript, so that nothing is transpiled into
// what is measured. The driver (run.ts) calls `bench.phase(kinds, chunks, size)`.
(() => {
  const GAP_MS = 5;
  const SETTLE_MS = 20;
  const button = document.getElementById('tap-target');
  const bare = document.getElementById('bare');

  /** A MessageChannel task: unlike setTimeout(0) it is never clamped. */
  const channel = new MessageChannel();
  let onTask = () => {};
  channel.port1.onmessage = () => onTask();

  /** The item the SDK builds for `track('tap', { target, position })`, to serialize as the baseline. */
  const item = {
    kind: 'ui_event',
    eventId: '019a3f1c-7d2e-7a41-8c3b-5e6f7a8b9c0d',
    sessionId: '019a3f1c-7c00-7f12-9a3b-1c2d3e4f5a6b',
    sequenceNo: 0,
    deviceId: 'bench-device',
    eventType: 'tap',
    timestamp: Date.now(),
    target: 'btn',
    position: { x: 0.5, y: 0.5 },
    screenId: '/',
  };
  let sink = 0;

  /** A tap as a finger makes it: pointerdown then pointerup at the element's centre. */
  function tap(el) {
    const r = el.getBoundingClientRect();
    const init = { bubbles: true, cancelable: true, composed: true, clientX: r.left + r.width / 2, clientY: r.top + r.height / 2, pointerId: 1, pointerType: 'touch', isPrimary: true, button: 0 };
    const view = el.ownerDocument.defaultView;
    return () => {
      el.dispatchEvent(new view.PointerEvent('pointerdown', init));
      el.dispatchEvent(new view.PointerEvent('pointerup', init));
    };
  }

  /** What one call of each kind does. */
  const CALLS = {
    /** Nothing: the bracket's own cost. */
    empty: () => () => {},
    /** The baseline: serializing the item once, the least any SDK must do to send it. */
    stringify: () => (i) => {
      item.sequenceNo = i;
      sink += JSON.stringify(item).length;
    },
    /** The script-tag API, as a page calls it. */
    track: () => () => window.waymark('track', 'tap', { target: 'btn', position: { x: 0.5, y: 0.5 } }),
    /** The same pointer events on a button of a same-origin frame without the SDK: the dispatch alone. */
    dispatchBare: () => tap(bare.contentDocument.getElementById('tap-target')),
    /** Pointer events on a button of this page: the SDK's autocapture records the tap. */
    dispatch: () => tap(button),
  };

  /** Kinds whose chunks are longer: a stringify is so quick that 100 of them are a few ticks of the clock. */
  const SCALE = { stringify: 10 };

  /**
   * Runs `size` calls in one task (a timer) and resolves with two times from before
   * the first call: to the end of the calls (`sync`), and to the start of the next
   * task (`total`), after every microtask they queued (the SDK's write-ahead runs in one).
   */
  function chunk(call, base, size) {
    return new Promise((resolve) => {
      setTimeout(() => {
        const t0 = performance.now();
        for (let i = 0; i < size; i++) call(base + i);
        const t1 = performance.now();
        onTask = () => resolve({ sync: t1 - t0, total: performance.now() - t0 });
        channel.port2.postMessage(0);
      }, GAP_MS);
    });
  }

  /**
   * Lets the SDK finish what earlier rounds left: every item delivered, and time for
   * the IndexedDB deletes that follow. A write-ahead is issued in a microtask only
   * when no IndexedDB operation is pending; behind one, it runs when that one
   * completes, in a later task and outside the bracket.
   */
  async function settle() {
    await window.waymark('flush');
    await new Promise((resolve) => setTimeout(resolve, SETTLE_MS));
  }

  window.bench = {
    /**
     * `chunks` rounds; in each, one chunk of `size` calls of every kind in `kinds` (10 ×
     * `size` for stringify), in that order, so that all kinds meet the same moment's
     * noise. Resolves with the times per kind.
     */
    async phase(kinds, chunks, size) {
      const calls = kinds.map((k) => CALLS[k]());
      const sizes = kinds.map((k) => size * (SCALE[k] ?? 1));
      const times = Object.fromEntries(kinds.map((k) => [k, []]));
      for (let c = 0; c < chunks; c++) {
        await settle();
        for (let k = 0; k < kinds.length; k++) times[kinds[k]].push(await chunk(calls[k], c * sizes[k], sizes[k]));
      }
      return { times, sink };
    },
    /** Resolves when the SDK has sent everything waiting. */
    flush: () => window.waymark('flush'),
  };
})();
