import { createServer, request } from 'node:http';
import { listenOnLoopback } from './listen.js';

export interface CollectorGate {
  /** `http://127.0.0.1:PORT`, the endpoint the page is given. */
  url: string;
  /** While down, every `/api/*` request has its connection cut, as when the collector is unreachable. */
  down(): void;
  up(): void;
  /** `/api/*` requests seen: forwarded, and cut while down. */
  counts(): { forwarded: number; cut: number };
  close(): Promise<void>;
}

/**
 * A pass-through proxy in front of the collector that can make `/api/*` unreachable
 * while the SDK file (`/sdk/*`) stays loadable.
 *
 * Why not only the browser's own switches: `context.setOffline(true)` also blocks
 * loading the page from localhost, so a page cannot be reloaded while offline; and
 * `page.route(...)`/`context.route(...)` do not see the `sendBeacon` a page sends while
 * it unloads, so that beacon would reach the collector during a simulated outage.
 * Cutting connections here is an outage for every kind of request the page makes.
 */
export async function startCollectorGate(target: string): Promise<CollectorGate> {
  const upstream = new URL(target);
  let isDown = false;
  let forwarded = 0;
  let cut = 0;
  const server = createServer((req, res) => {
    const path = req.url ?? '/';
    const isApi = path.startsWith('/api/');
    if (isApi && isDown) {
      cut++;
      req.socket.destroy();
      return;
    }
    if (isApi) forwarded++;
    const out = request(
      { host: upstream.hostname, port: upstream.port, method: req.method, path, headers: { ...req.headers, host: upstream.host } },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    out.on('error', () => res.destroy());
    req.pipe(out);
  });
  const url = await listenOnLoopback(server);
  return {
    url,
    down: () => void (isDown = true),
    up: () => void (isDown = false),
    counts: () => ({ forwarded, cut }),
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
