import { afterEach, describe, expect, it, vi } from 'vitest';
import type { BrowserClient, BrowserOptions } from './browser-client.js';
import { installCommands } from './command-queue.js';

type Host = { waymark?: any };

/** The async snippet's stub, as the README gives it: queues its arguments until the script loads. */
function snippet(): Host {
  const host: Host = {};
  host.waymark = function () {
    (host.waymark.q = host.waymark.q || []).push(arguments);
  };
  return host;
}

/** A start function whose client records the calls it gets. */
function recorder() {
  const calls: unknown[][] = [];
  const starts: BrowserOptions[] = [];
  const start = (options: BrowserOptions) => {
    starts.push(options);
    const record =
      (name: string) =>
      (...args: unknown[]) => {
        calls.push([name, ...args]);
        return name === 'flush' ? Promise.resolve('flushed') : undefined;
      };
    const names = ['track', 'screen', 'select', 'deselect', 'cancel', 'trackProgress', 'setExperiment', 'flush', 'shutdown', 'assignVariant'];
    return Object.fromEntries(names.map((n) => [n, record(n)])) as unknown as BrowserClient;
  };
  return { calls, starts, start };
}

const OPTIONS = { endpoint: 'https://c.example', service: 'SHOP', deviceId: 'kiosk-1' };

afterEach(() => void vi.restoreAllMocks());

describe('script-tag commands', () => {
  it("replays the snippet's queued calls in order, those before init once it has run", () => {
    const host = snippet();
    host.waymark('track', 'early', { target: 'a' });
    host.waymark('init', OPTIONS);
    host.waymark('screen', 'welcome');
    host.waymark('select', 'frame-gold');
    const r = recorder();
    installCommands(host, r.start);
    expect(r.starts).toEqual([OPTIONS]);
    expect(r.calls).toEqual([
      ['track', 'early', { target: 'a' }],
      ['screen', 'welcome'],
      ['select', 'frame-gold'],
    ]);
  });

  it('holds calls made after load until init, then runs them in order, and passes results back', async () => {
    const host: Host = {};
    const r = recorder();
    installCommands(host, r.start);
    host.waymark('trackProgress', { step: 'FORM_SUBMITTED', status: 'SUCCESS' });
    host.waymark('setExperiment', 'layout', 'b');
    expect(r.calls).toEqual([]);
    host.waymark('init', OPTIONS);
    host.waymark('init', { ...OPTIONS, service: 'OTHER' });
    host.waymark('deselect', 'x');
    host.waymark('cancel', 'USER_ABORT');
    expect(await host.waymark('flush')).toBe('flushed');
    host.waymark('shutdown');
    expect(r.starts).toHaveLength(1);
    expect(r.calls).toEqual([
      ['trackProgress', { step: 'FORM_SUBMITTED', status: 'SUCCESS' }],
      ['setExperiment', 'layout', 'b'],
      ['deselect', 'x'],
      ['cancel', 'USER_ABORT'],
      ['flush'],
      ['shutdown'],
    ]);
  });

  it('warns of each unknown command and never throws into the page', () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    const host = snippet();
    host.waymark('trak', 'x');
    const r = recorder();
    let failing = true;
    installCommands(host, (o) => {
      if (failing) throw new Error('option endpoint: must be an http(s) URL');
      return r.start(o);
    });
    expect(() => host.waymark('init', { endpoint: 'nope' })).not.toThrow();
    host.waymark('trak', 'y');
    host.waymark('constructor');
    host.waymark('track', 'kept');
    failing = false;
    host.waymark('init', OPTIONS);
    expect(r.calls).toEqual([['track', 'kept']]);
    expect(warn.mock.calls.map((c) => String(c.at(-1)))).toEqual(['Error: option endpoint: must be an http(s) URL', 'trak', 'trak', 'constructor']);
    host.waymark('toString');
    expect(host.waymark('assignVariant', 'layout', ['a', 'b'])).toBeUndefined();
    expect(r.calls.at(-1)).toEqual(['assignVariant', 'layout', ['a', 'b']]);
    expect(warn.mock.calls.at(-1)?.at(-1)).toBe('toString');
  });

  it('keeps the first dispatcher when the script loads twice', () => {
    const host = snippet();
    const r = recorder();
    installCommands(host, r.start);
    const first = host.waymark;
    installCommands(host, recorder().start);
    expect(host.waymark).toBe(first);
  });
});
