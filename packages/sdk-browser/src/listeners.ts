/** Adds a listener that `destroy()` removes. */
export type On = <E extends Event>(target: EventTarget, type: string, fn: (e: E) => void, options?: AddEventListenerOptions | boolean) => void;

/** Replaces `obj[key]` with `wrap(original)`; `destroy()` puts the original back. */
export type Patch = <T, K extends keyof T>(obj: T, key: K, wrap: (original: T[K]) => T[K]) => void;

/** Listeners, patches and timers added by autocapture, with what undoes each. */
export function createListeners() {
  const undo: Array<() => void> = [];
  const on: On = (target, type, fn, options) => {
    target.addEventListener(type, fn as EventListener, options);
    undo.push(() => target.removeEventListener(type, fn as EventListener, options));
  };
  const patch: Patch = (obj, key, wrap) => {
    const original = obj[key];
    const wrapped = (obj[key] = wrap(original));
    // Someone may have wrapped ours since: then theirs stays, calling ours.
    undo.push(() => obj[key] === wrapped && (obj[key] = original));
  };
  return { on, patch, undo, off: () => undo.splice(0).forEach((f) => f()) };
}
