/** The script-tag build: `window.waymark(command, ...args)`, replaying the snippet's queue. */
import { createBrowserClient } from './browser-client.js';
import { installCommands } from './command-queue.js';

installCommands(window as never, (options) => createBrowserClient(options));
