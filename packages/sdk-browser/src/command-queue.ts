import type { BrowserClient, BrowserOptions } from './browser-client.js';

type Dispatcher = ((...args: any[]) => unknown) & { q?: Iterable<unknown>[]; v?: 1 };

/**
 * Installs `host.waymark(command, ...args)`, replaying the calls the async snippet
 * queued in `waymark.q`, in order. A command is `init` or the name of a client method
 * (`track`, `screen`, `select`, `deselect`, `cancel`, `trackProgress`, `setExperiment`,
 * `flush`, `shutdown`, and the rest of the client's API); commands before `init` wait
 * for it. A command that fails or is unknown logs a warning and never throws.
 */
export function installCommands(host: { waymark?: Dispatcher }, start: (options: BrowserOptions) => BrowserClient) {
  const stub = host.waymark;
  if (stub?.v) return;
  let client: any;
  const waiting: unknown[][] = [];
  const run = ([command, ...args]: Iterable<any>): unknown => {
    try {
      if (command === 'init') {
        if (!client) (client = start(args[0])), waiting.splice(0).forEach(run);
      } else if (!client) waiting.push([command, ...args]);
      // Methods every object inherits (toString, constructor…) are not commands.
      else if (typeof client[command] === 'function' && client[command] !== ({} as any)[command]) return client[command](...args);
      else console.warn('waymark: unknown command', command);
    } catch (error) {
      console.warn('waymark:', error);
    }
  };
  const waymark: Dispatcher = (...args) => run(args);
  waymark.v = 1;
  host.waymark = waymark;
  for (const call of stub?.q ?? []) run(call);
}
