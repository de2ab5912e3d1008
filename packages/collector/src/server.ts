import { serve, type ServerType } from '@hono/node-server';
import type { AddressInfo } from 'node:net';
import { createCollector, type Collector } from './collector.js';
import { isLoopback } from './middleware/auth.js';
import type { CollectorOptions } from './options.js';

export interface ServeOptions extends CollectorOptions {
  /** Interface to listen on. Default 127.0.0.1. */
  host?: string;
  /** Port; 0 takes any free one. Default 4318. */
  port?: number;
  /** Allow a non-loopback host without keys. */
  insecure?: boolean;
}

export interface RunningCollector extends Collector {
  /** `http://HOST:PORT` */
  url: string;
  server: ServerType;
}

/** How long busy connections may take to finish before they are cut. */
const DRAIN_MS = 10_000;
const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '::1']);

/**
 * Starts a collector listening on `host:port`. Refuses a non-loopback host without
 * keys unless `insecure`. `close()` stops accepting, lets in-flight requests finish
 * their writes, and closes the database.
 */
export async function startCollector(options: ServeOptions = {}): Promise<RunningCollector> {
  const { host = '127.0.0.1', port = 4318, insecure = false, ...rest } = options;
  if (!LOOPBACK_HOSTS.has(host) && !isLoopback(host) && !(rest.writeKey && rest.adminKey) && !insecure) {
    throw new Error(
      `refusing to listen on ${host} without --write-key and --admin-key: anyone who can reach it could send and read data. Set both keys, listen on 127.0.0.1, or pass --insecure.`,
    );
  }
  const collector = createCollector(rest);
  await collector.ready;
  const server = await new Promise<ServerType>((resolve, reject) => {
    const s = serve({ fetch: collector.app.fetch, hostname: host, port }, () => resolve(s));
    s.once('error', reject);
  });
  const address = server.address() as AddressInfo;
  const shown = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  let closing: Promise<void> | undefined;
  return {
    ...collector,
    server,
    url: `http://${shown}:${address.port}`,
    close() {
      closing ??= (async () => {
        // Stop accepting; idle keep-alive sockets close now, busy ones after their response.
        const http = server as ServerType & { closeIdleConnections?: () => void; closeAllConnections?: () => void };
        const force = setTimeout(() => http.closeAllConnections?.(), DRAIN_MS);
        // Live streams never finish by themselves: end them, and close their
        // connections as they fall idle.
        collector.endStreams();
        const idle = setInterval(() => http.closeIdleConnections?.(), 20);
        await new Promise<void>((resolve) => {
          server.close(() => resolve());
          http.closeIdleConnections?.();
        });
        clearInterval(idle);
        clearTimeout(force);
        await collector.close();
      })();
      return closing;
    },
  };
}
